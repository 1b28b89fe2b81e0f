// Evaluates a rule's requirement tree for one request, as Envoy's jwt_authn verifiers do:
// provider_name (every token at the provider's locations must verify), requires_any,
// requires_all, allow_missing and allow_missing_or_failed. A requirement whose remote key set is
// not there yet evaluates to PENDING; the stream then waits for the fetch and evaluates again.
import { HeaderMap, nowSeconds } from "../../sdk/index";
import { FilterConfig, Provider, Requirement, RequirementKind } from "./config";
import { extractTokens, FoundToken } from "./extract";
import { audiencesAllowed, Jwt, parseJwt, verifySignature, verifyTime } from "./jwt";
import { ProviderState } from "./provider-state";
import { JwtStatus } from "./status";
import { VerifiedJwt } from "./verified-jwt";

/** Not a JwtStatus: the outcome depends on a key set being fetched. */
export const PENDING: i32 = -1;
/** Not a JwtStatus: no provider's cache holds the token. */
const NOT_CACHED: i32 = -2;

/** A token that verified, with what the success path needs (forwarding, claims, stripping). */
export class VerifiedToken {
  constructor(readonly state: ProviderState, readonly found: FoundToken, readonly verified: VerifiedJwt) {}
}

/**
 * One evaluation at a time: the root keeps a single instance and `begin` resets it per request,
 * so a request allocates no evaluation state. Callers read the results before anything else can
 * start another evaluation.
 */
export class Verification {
  readonly successes: VerifiedToken[] = [];
  /** The provider whose key set this evaluation is waiting for (when PENDING). */
  pendingOn: ProviderState | null = null;
  /** The host clock, read at most once per evaluation and only when a token has time claims. */
  private clockSeconds: i64 = -1;
  private headers: HeaderMap | null = null;
  private path: string = "";
  /** Tokens of the requirement being evaluated (reused: requirement evaluations do not nest here). */
  private readonly tokens: FoundToken[] = [];

  constructor(readonly config: FilterConfig, readonly states: ProviderState[]) {}

  begin(headers: HeaderMap, path: string): void {
    this.headers = headers;
    this.path = path;
    this.successes.length = 0;
    this.pendingOn = null;
    this.clockSeconds = -1;
  }

  private now(): u64 {
    if (this.clockSeconds < 0) this.clockSeconds = max<i64>(0, nowSeconds());
    return <u64>this.clockSeconds;
  }

  stateOf(provider: Provider): ProviderState {
    for (let i = 0; i < this.states.length; i++) if (this.states[i].provider == provider) return this.states[i];
    return this.states[0];
  }

  evaluate(r: Requirement): i32 {
    switch (r.kind) {
      case RequirementKind.Provider: return this.evaluateProvider(this.stateOf(r.provider!), r.audiences);
      case RequirementKind.Any: return this.evaluateAny(r);
      case RequirementKind.All: return this.evaluateAll(r);
      case RequirementKind.AllowMissing: return this.evaluateAnyProvider(false);
      default: return this.evaluateAnyProvider(true);
    }
  }

  private evaluateProvider(state: ProviderState, audiences: string[] | null): i32 {
    const tokens = this.tokens;
    tokens.length = 0;
    extractTokens(state.provider, this.headers!, this.path, tokens);
    if (tokens.length == 0) return JwtStatus.JwtMissed;
    // Every token must verify: a good token next to a bad one must not let the bad one through.
    for (let i = 0; i < tokens.length; i++) {
      const status = this.verifyToken(state, tokens[i], audiences !== null ? audiences : state.provider.audiences, null);
      if (status != JwtStatus.Ok) return status;
    }
    return JwtStatus.Ok;
  }

  private evaluateAny(r: Requirement): i32 {
    let pending = false;
    const statuses = new Array<i32>();
    for (let i = 0; i < r.children.length; i++) {
      const status = this.evaluate(r.children[i]);
      if (status == JwtStatus.Ok) return JwtStatus.Ok;
      if (status == PENDING) pending = true;
      statuses.push(status);
    }
    if (pending) return PENDING;
    // Envoy reports the last failure that is neither "missing" nor "unknown issuer", else "missing".
    let final: i32 = JwtStatus.JwtMissed;
    for (let i = 0; i < statuses.length; i++) {
      if (statuses[i] != JwtStatus.JwtMissed && statuses[i] != JwtStatus.JwtUnknownIssuer) final = statuses[i];
    }
    return final;
  }

  private evaluateAll(r: Requirement): i32 {
    for (let i = 0; i < r.children.length; i++) {
      const status = this.evaluate(r.children[i]);
      if (status != JwtStatus.Ok) return status;
    }
    return JwtStatus.Ok;
  }

  /** allow_missing / allow_missing_or_failed: tokens at any provider's location, matched to a provider by issuer. */
  private evaluateAnyProvider(allowFailed: bool): i32 {
    const tokens = this.tokens;
    tokens.length = 0;
    for (let i = 0; i < this.states.length; i++) extractTokens(this.states[i].provider, this.headers!, this.path, tokens);
    if (tokens.length == 0) return JwtStatus.Ok;
    for (let i = 0; i < tokens.length; i++) {
      let status = this.verifyCachedForIssuer(tokens[i]);
      if (status == NOT_CACHED) {
        const parsed = parseJwt(tokens[i].token);
        status = parsed.status;
        if (parsed.jwt !== null) {
          const state = this.stateForIssuer(parsed.jwt!.iss);
          status = state === null ? JwtStatus.JwtUnknownIssuer : this.verifyToken(state, tokens[i], state.provider.audiences, parsed.jwt);
        }
      }
      if (status == PENDING) return PENDING;
      if (status != JwtStatus.Ok && !allowFailed) return status;
    }
    return JwtStatus.Ok;
  }

  /**
   * A token already verified by the provider its issuer selects is checked from that provider's
   * cache, without parsing it to learn the issuer; NOT_CACHED when no such entry exists.
   */
  private verifyCachedForIssuer(found: FoundToken): i32 {
    for (let i = 0; i < this.states.length; i++) {
      const state = this.states[i];
      const hit = state.cache.lookup(found);
      if (hit !== null && this.stateForIssuer(hit.jwt.iss) == state) return this.acceptCached(state, found, hit, state.provider.audiences);
    }
    return NOT_CACHED;
  }

  /** The first provider with this issuer, else the first provider without an issuer (Envoy's rule). */
  private stateForIssuer(iss: string): ProviderState | null {
    for (let i = 0; i < this.states.length; i++) if (this.states[i].provider.issuer == iss && iss != "") return this.states[i];
    for (let i = 0; i < this.states.length; i++) if (this.states[i].provider.issuer == "") return this.states[i];
    return null;
  }

  /** One token against one provider: cache, parse, issuer, time, audiences, then the signature. */
  private verifyToken(state: ProviderState, found: FoundToken, audiences: string[], preParsed: Jwt | null): i32 {
    const cached = state.cache.lookup(found);
    if (cached !== null) return this.acceptCached(state, found, cached, audiences);
    let jwt = preParsed;
    if (jwt === null) {
      const parsed = parseJwt(found.token);
      if (parsed.jwt === null) return parsed.status;
      jwt = parsed.jwt;
    }
    const token = jwt!;
    const provider = state.provider;
    if (provider.issuer != "" && token.iss != provider.issuer) return JwtStatus.JwtUnknownIssuer;
    const claims = this.checkClaims(provider, token, audiences);
    if (claims != JwtStatus.Ok) return claims;
    const keys = state.currentKeys();
    if (keys === null) {
      if (!state.isRemote) return JwtStatus.JwksNoValidKeys;
      if (state.inBackoff) return JwtStatus.JwksFetchFail;
      this.pendingOn = state;
      return PENDING;
    }
    const signature = verifySignature(token, keys);
    if (signature == JwtStatus.JwksKidAlgMismatch && token.kid != "" && state.shouldRefetchForUnknownKid()) {
      this.pendingOn = state;
      return PENDING;
    }
    if (signature != JwtStatus.Ok) return signature;
    const verified = new VerifiedJwt(token, provider);
    state.cache.put(found.token, verified);
    this.successes.push(new VerifiedToken(state, found, verified));
    return JwtStatus.Ok;
  }

  /**
   * A cache hit: the signature and the issuer were checked when the entry was made (the cache is
   * this provider's own); time and audiences can differ from request to request.
   */
  private acceptCached(state: ProviderState, found: FoundToken, cached: VerifiedJwt, audiences: string[]): i32 {
    const status = this.checkClaims(state.provider, cached.jwt, audiences);
    if (status != JwtStatus.Ok) return status;
    this.successes.push(new VerifiedToken(state, found, cached));
    return JwtStatus.Ok;
  }

  /** Time, lifetime and audiences; the clock is read only for a token that has time claims. */
  private checkClaims(provider: Provider, token: Jwt, audiences: string[]): i32 {
    if (token.nbf != 0 || token.exp != 0) {
      const time = verifyTime(token, this.now(), provider.clockSkewSeconds);
      if (time != JwtStatus.Ok) return time;
    }
    if (provider.requireExpiration && token.exp == 0) return JwtStatus.JwtExpired;
    if (provider.maxLifetimeSeconds > 0) {
      // Lifetime is exp - iat (or exp - now without iat); a token without exp has no bound at all.
      if (token.exp == 0) return JwtStatus.JwtExpired;
      const start = token.iat != 0 ? token.iat : this.now();
      if (token.exp > start && token.exp - start > provider.maxLifetimeSeconds) return JwtStatus.JwtExpired;
    }
    if (!audiencesAllowed(audiences, token)) return JwtStatus.JwtAudienceNotAllowed;
    return JwtStatus.Ok;
  }
}
