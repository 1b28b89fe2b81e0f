// rate-limit: token buckets per key (client IP, header, query parameter, path, …) shared by all
// worker VMs, with Envoy local_ratelimit semantics, optionally backed by an envoyproxy/ratelimit
// service over its JSON API. See README.md for the configuration.
export * from "../../sdk/exports";
import {
  Action, ConfigErrors, Configuration, Counter, HeaderMap, HeaderPair, HttpCallResponse, HttpContext,
  RootContext, getPropertyString, httpCall, logWarn, nowNanos, registerRootContext,
} from "../../sdk/index";
import { BucketTable } from "./bucket-table";
import { HeaderStyle, Limit, Mode, parseConfig, RateLimitConfig } from "./config";
import { readAnswer, requestBody, requestHeaders, Verdict } from "./global-service";
import { bucketKey, keyValues, RequestView } from "./key";
import { RequestFacts } from "../../sdk/index";
import { Quota, quotaHeaders, rejectionHeaders } from "./response-headers";

/** The counters, under `<stat_prefix>.`. */
class Stats {
  readonly ok: Counter;
  readonly overLimit: Counter;
  readonly shadowOverLimit: Counter;
  readonly overflow: Counter;
  readonly error: Counter;
  readonly failureModeAllowed: Counter;

  constructor(prefix: string) {
    this.ok = new Counter(prefix + ".ok");
    this.overLimit = new Counter(prefix + ".over_limit");
    this.shadowOverLimit = new Counter(prefix + ".shadow_over_limit");
    this.overflow = new Counter(prefix + ".keys_overflow");
    this.error = new Counter(prefix + ".error");
    this.failureModeAllowed = new Counter(prefix + ".failure_mode_allowed");
  }
}

class RateLimitRoot extends RootContext {
  config: RateLimitConfig | null = null;
  table: BucketTable | null = null;
  stats: Stats | null = null;

  onConfigure(configuration: Configuration): bool {
    const errors = new ConfigErrors();
    const parsed = configuration.json();
    if (!parsed.ok) {
      errors.add("", configuration.size == 0 ? "a configuration is required (at least stat_prefix)" : parsed.error);
      return errors.report("rate-limit: invalid configuration");
    }
    const config = parseConfig(parsed.value!, errors);
    if (config === null) return errors.report("rate-limit: invalid configuration");
    this.config = config;
    this.table = new BucketTable("proxyscript.rate_limit/" + config.statPrefix + "/" + config.maxKeys.toString(), config.maxKeys);
    this.stats = new Stats(config.statPrefix);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    const config = this.config;
    if (config === null) return null;
    return new RateLimitStream(contextId, this, config, this.table!, this.stats!);
  }
}

class RateLimitStream extends HttpContext {
  /** What the deciding limit said, for the response's quota headers. */
  private quota: Quota | null = null;
  private repliedLocally: bool = false;
  private waitingForService: bool = false;
  /** Over a limit in shadow mode: passes, but counts as shadow_over_limit rather than ok (as Envoy counts). */
  private shadowLimited: bool = false;

  constructor(id: u32, root: RootContext, private readonly config: RateLimitConfig,
              private readonly table: BucketTable, private readonly stats: Stats) {
    super(id, root);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const view = new StreamRequest(this.request.headers);
    const limit = this.chooseLimit(view);
    if (limit === null) return Action.Continue;
    const values = view.keyValues!;

    const bucket = limit.bucket;
    if (bucket !== null) {
      const decision = this.table.take(limit.bucketId, bucketKey(limit.bucketId, values), bucket, <i64>nowNanos());
      if (decision.overflow) this.stats.overflow.increment();
      this.quota = new Quota(decision.limit, decision.remaining, decision.resetNanos);
      if (!decision.allowed && this.overLimit(false)) return Action.Pause;
    }
    const global = this.config.global;
    if (global !== null) {
      const token = httpCall(this, global.cluster, requestHeaders(global.cluster, global.path),
        requestBody(global.domain, limit.key, values), [], global.timeoutMillis);
      if (token != 0) {
        this.waitingForService = true;
        return Action.Pause;
      }
      if (this.serviceFailed("the call to cluster \"" + global.cluster + "\" could not be made")) return Action.Pause;
      return Action.Continue;
    }
    this.countPassed();
    return Action.Continue;
  }

  // While the service has not answered, the body waits too (else it would carry the headers on).
  onRequestBody(bodySize: u32, endOfStream: bool): Action {
    return this.waitingForService ? Action.Pause : Action.Continue;
  }

  onRequestTrailers(numTrailers: u32): Action {
    return this.waitingForService ? Action.Pause : Action.Continue;
  }

  onHttpCallResponse(response: HttpCallResponse): void {
    if (!this.waitingForService) return;
    this.waitingForService = false;
    const answer = readAnswer(response.status, response.body);
    if (answer.verdict == Verdict.Error) {
      if (!this.serviceFailed(answer.reason)) this.continueRequest();
      return;
    }
    if (answer.limit > 0) {
      // With a local bucket too, the headers describe whichever limit is closer to running out.
      const local = this.quota;
      if (local === null || answer.remaining < local.remaining) {
        this.quota = new Quota(answer.limit, answer.remaining, answer.resetNanos >= 0 ? answer.resetNanos : 0);
      }
    }
    if (answer.verdict == Verdict.OverLimit && this.overLimit(true)) return;
    this.countPassed();
    this.continueRequest();
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const quota = this.quota;
    if (quota === null || this.repliedLocally || this.config.headerStyle == HeaderStyle.None) return Action.Continue;
    const headers = new Array<HeaderPair>();
    quotaHeaders(this.config.headerStyle, quota, headers);
    for (let i = 0; i < headers.length; i++) this.response.headers.set(headers[i].name, headers[i].value);
    return Action.Continue;
  }

  /** The first rule whose match holds and whose key the request has, else the top-level limit. */
  private chooseLimit(view: StreamRequest): Limit | null {
    const rules = this.config.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const match = rule.match;
      if (match !== null && !match.matches(view.facts)) continue;
      const values = keyValues(rule.key, view);
      if (values === null) continue; // lacking a key part: this rule does not limit the request
      view.keyValues = values;
      return rule;
    }
    const fallback = this.config.fallback;
    if (fallback === null) return null;
    const values = keyValues(fallback.key, view);
    if (values === null) return null;
    view.keyValues = values;
    return fallback;
  }

  /** Counts an over-limit request (local bucket or service); rejects it unless in shadow mode. True when rejected. */
  private overLimit(byService: bool): bool {
    if (this.config.mode == Mode.Shadow) {
      if (!this.shadowLimited) this.stats.shadowOverLimit.increment();
      this.shadowLimited = true;
      return false;
    }
    this.stats.overLimit.increment();
    this.repliedLocally = true;
    const headers = rejectionHeaders(this.config.headerStyle, this.quota);
    // Envoy's rate limit filter marks the service's rejections this way.
    if (byService) headers.push(new HeaderPair("x-envoy-ratelimited", "true"));
    this.sendLocalResponse(this.config.status, byService ? "request_rate_limited" : "local_rate_limited", "rate limited\n", headers);
    return true;
  }

  /** The service gave no usable answer: failure_mode_deny decides. True when the request was rejected. */
  private serviceFailed(reason: string): bool {
    this.stats.error.increment();
    logWarn("rate-limit: rate limit service: " + reason);
    if (this.config.global!.failureModeDeny) {
      this.repliedLocally = true;
      this.sendLocalResponse(500, "rate_limit_service_error", "rate limit service unavailable\n");
      return true;
    }
    this.stats.failureModeAllowed.increment();
    return false;
  }

  private countPassed(): void {
    if (!this.shadowLimited) this.stats.ok.increment();
  }
}

/** The request as rule matching and key building see it. */
class StreamRequest extends RequestView {
  keyValues: string[] | null = null;
  readonly facts: StreamFacts;

  constructor(private readonly headers: HeaderMap) {
    super();
    this.facts = new StreamFacts(headers);
  }

  sourceAddress(): string {
    const v = getPropertyString(["source", "address"]);
    return v !== null ? v : "";
  }

  header(name: string): string | null {
    return this.headers.get(name);
  }

  rawPath(): string {
    return this.facts.path();
  }

  method(): string {
    return this.facts.method();
  }

  authority(): string {
    const v = this.headers.get(":authority");
    return v !== null ? v : "";
  }
}

class StreamFacts extends RequestFacts {
  private cachedPath: string | null = null;

  constructor(private readonly headers: HeaderMap) {
    super();
  }

  path(): string {
    const cached = this.cachedPath;
    if (cached !== null) return cached;
    const v = this.headers.get(":path");
    const path = v !== null ? v : "";
    this.cachedPath = path;
    return path;
  }

  method(): string {
    const v = this.headers.get(":method");
    return v !== null ? v : "";
  }

  header(name: string): string | null {
    return this.headers.get(name);
  }
}

registerRootContext((id: u32): RootContext => new RateLimitRoot(id));
