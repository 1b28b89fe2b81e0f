// Per-provider runtime state in one VM: the key set (local, or fetched from remote_jwks and
// cached for cache_duration), the remote fetch with its waiting streams and failure backoff,
// and the cache of tokens whose signature already verified.
import { BaseContext, HeaderPair, httpCall, HttpCallHandler, HttpCallResponse, logDebug, logWarn, nowMillis } from "../../sdk/index";
import { Provider } from "./config";
import { Jwks, parseKeySet } from "./keys";
import { VerifiedTokenCache } from "./token-cache";

/** Something paused until a key set arrives (an HTTP stream). */
export class JwksWaiter {
  resume(): void {}
}

/** Wait before retrying a kid that no key matched (a rotation the cached set predates). */
const UNKNOWN_KID_REFETCH_MS: i64 = 30_000;

class FetchHandler extends HttpCallHandler {
  constructor(readonly state: ProviderState) {
    super();
  }
  onResponse(response: HttpCallResponse): void {
    this.state.onFetched(response);
  }
}

export class ProviderState {
  jwks: Jwks | null;
  /** When the fetched set stops being usable (ms, host clock); local sets never expire. */
  expiresAtMs: i64 = i64.MAX_VALUE;
  fetching: bool = false;
  /** Consecutive failed fetches, for the backoff. */
  failures: i32 = 0;
  /** No new fetch before this time after a failure. */
  retryAtMs: i64 = 0;
  lastFetchAtMs: i64 = -1;
  fetchCount: i32 = 0;
  readonly cache: VerifiedTokenCache;
  private waiters: JwksWaiter[] = [];

  constructor(readonly provider: Provider, private readonly root: BaseContext) {
    this.jwks = provider.localJwks;
    this.cache = new VerifiedTokenCache(provider.jwtCacheSize);
  }

  get isRemote(): bool {
    return this.provider.remote !== null;
  }

  /** Usable keys right now, or null (remote set missing or past its cache_duration). */
  currentKeys(): Jwks | null {
    if (this.jwks === null) return null;
    if (this.isRemote && nowMillis() >= this.expiresAtMs) return null;
    return this.jwks;
  }

  /** The last fetch failed and its backoff has not run out: requests fail instead of waiting. */
  get inBackoff(): bool {
    return this.failures > 0 && nowMillis() < this.retryAtMs;
  }

  /** A token's kid matched no cached key: refetch once in a while, in case the issuer rotated keys. */
  shouldRefetchForUnknownKid(): bool {
    return this.isRemote && !this.fetching && !this.inBackoff && nowMillis() - this.lastFetchAtMs >= UNKNOWN_KID_REFETCH_MS;
  }

  /** Parks `waiter` until the next fetch completes, starting one if none is running. */
  wait(waiter: JwksWaiter): void {
    this.waiters.push(waiter);
    this.fetch();
  }

  forget(waiter: JwksWaiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Starts a fetch unless one is running or the backoff forbids it. */
  fetch(): void {
    const remote = this.provider.remote;
    if (remote === null || this.fetching) return;
    if (this.inBackoff) {
      this.release();
      return;
    }
    this.fetching = true;
    this.fetchCount++;
    this.lastFetchAtMs = nowMillis();
    const headers = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", remote.path),
      new HeaderPair(":authority", remote.authority),
      new HeaderPair(":scheme", remote.scheme),
    ];
    const token = httpCall(this.root, remote.cluster, headers, new ArrayBuffer(0), [], remote.timeoutMs, new FetchHandler(this));
    if (token == 0) {
      logWarn("jwt_authn: provider \"" + this.provider.name + "\": http_call to cluster \"" + remote.cluster + "\" was refused");
      this.fail();
    }
  }

  onFetched(response: HttpCallResponse): void {
    this.fetching = false;
    if (response.failed || response.status != 200) {
      logWarn("jwt_authn: provider \"" + this.provider.name + "\": fetching " + this.provider.remote!.uri + " failed" +
        (response.failed ? " (no response)" : " with status " + response.status.toString()));
      this.fail();
      return;
    }
    const parsed = parseKeySet(response.bodyText());
    if (parsed.jwks === null) {
      logWarn("jwt_authn: provider \"" + this.provider.name + "\": " + this.provider.remote!.uri + " is not a usable JWKS: " + parsed.error);
      this.fail();
      return;
    }
    logDebug("jwt_authn: provider \"" + this.provider.name + "\": fetched " + parsed.jwks!.keys.length.toString() + " keys");
    this.jwks = parsed.jwks;
    this.expiresAtMs = nowMillis() + this.provider.remote!.cacheDurationMs;
    this.failures = 0;
    // Tokens verified with keys that may have been withdrawn must be checked again.
    this.cache.clear();
    this.release();
  }

  private fail(): void {
    this.fetching = false;
    this.failures++;
    const remote = this.provider.remote!;
    let backoff = remote.baseBackoffMs;
    for (let i = 1; i < this.failures && backoff < remote.maxBackoffMs; i++) backoff *= 2;
    this.retryAtMs = nowMillis() + min(backoff, remote.maxBackoffMs);
    this.release();
  }

  /** Wakes every waiting stream; each re-runs its verification against the new state. */
  private release(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (let i = 0; i < waiting.length; i++) waiting[i].resume();
  }

  /** Background refresh on the root's tick: keep the remote set fresh before it expires. */
  onTick(): void {
    if (!this.isRemote || this.fetching || this.inBackoff) return;
    const remote = this.provider.remote!;
    const now = nowMillis();
    if (this.jwks === null) {
      if (remote.asyncFetch || this.failures > 0) this.fetch();
      return;
    }
    // Refresh when 90% of the cache duration has passed.
    if (now >= this.expiresAtMs - remote.cacheDurationMs / 10) this.fetch();
  }
}
