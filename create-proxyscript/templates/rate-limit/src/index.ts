// {{filterName}}: at most `requests_per_window` requests per client per `window`, counted in
// shared data so that every worker VM (Envoy's --concurrency) shares one count. A client is the
// value of `key_header` when the request has it, else its source address.
//
// Shared data is a key-value store with compare-and-swap: read the value and its `cas`, write back
// with that `cas`, and retry when another VM wrote in between (Status.CasMismatch).
import {
  Action, ConfigErrors, ConfigObject, Configuration, Counter, HeaderPair, HttpContext, RootContext, Status,
  getSharedData, logWarn, nowNanos, registerRootContext, setSharedDataText, sourceAddress,
} from "proxyscript/sdk";
export * from "proxyscript/sdk/exports";

const CAS_ATTEMPTS = 8;

class LimitSettings {
  constructor(readonly limit: i64, readonly windowNanos: i64, readonly keyHeader: string) {}
}

class Stats {
  readonly allowed: Counter = new Counter("{{filterName}}.allowed");
  readonly limited: Counter = new Counter("{{filterName}}.limited");
}

/** The outcome of counting one request. */
class Count {
  constructor(readonly allowed: bool, readonly remaining: i64, readonly resetSeconds: i64) {}
}

class LimitRoot extends RootContext {
  settings: LimitSettings | null = null;
  readonly stats: Stats = new Stats();

  onConfigure(configuration: Configuration): bool {
    const errors = new ConfigErrors();
    const parsed = configuration.json();
    if (!parsed.ok) {
      errors.add("", configuration.size == 0 ? "a configuration is required" : parsed.error);
      return errors.report("{{filterName}}: invalid configuration");
    }
    const config = new ConfigObject(parsed.value!, "", errors);
    const limit = config.integer("requests_per_window", 0, 1, 1_000_000_000, true);
    const windowNanos = config.duration("window", 60_000_000_000);
    const keyHeader = config.optionalString("key_header", "x-api-key");
    config.rejectUnknown(["requests_per_window", "window", "key_header"]);
    if (windowNanos < 1_000_000_000) config.error("window", "must be at least 1s");
    if (!errors.ok) return errors.report("{{filterName}}: invalid configuration");
    this.settings = new LimitSettings(limit, windowNanos, keyHeader.toLowerCase());
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    const settings = this.settings;
    if (settings === null) return null;
    return new LimitRequest(contextId, this, settings, this.stats);
  }
}

/** Counts one request for `client` in the current window; stored as "<window>:<count>". */
function countRequest(client: string, settings: LimitSettings): Count {
  const now = <i64>nowNanos();
  const window = now / settings.windowNanos;
  const resetSeconds = ((window + 1) * settings.windowNanos - now + 999_999_999) / 1_000_000_000;
  const key = "{{filterName}}/" + client;
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const current = getSharedData(key);
    let count: i64 = 0;
    const text = current.text();
    if (text !== null) {
      const colon = text.indexOf(":");
      // A count from an earlier window no longer applies.
      if (colon > 0 && I64.parseInt(text.substring(0, colon)) == window) count = I64.parseInt(text.substring(colon + 1));
    }
    if (count >= settings.limit) return new Count(false, 0, resetSeconds);
    const written = setSharedDataText(key, window.toString() + ":" + (count + 1).toString(), current.cas);
    if (written == Status.Ok) return new Count(true, settings.limit - count - 1, resetSeconds);
    if (written != Status.CasMismatch) break;
  }
  // Shared data kept changing under us (or failed): let the request through rather than guess.
  logWarn("{{filterName}}: could not update the count for " + client + "; allowing the request");
  return new Count(true, 0, resetSeconds);
}

/** The source address without its port ("203.0.113.7:51234" → "203.0.113.7", "[::1]:8080" → "[::1]"). */
function clientAddress(): string | null {
  const address = sourceAddress();
  if (address === null) return null;
  const colon = address.lastIndexOf(":");
  return colon > 0 && address.indexOf("]") < colon ? address.substring(0, colon) : address;
}

class LimitRequest extends HttpContext {
  private count: Count | null = null;

  constructor(id: u32, root: RootContext, private readonly settings: LimitSettings, private readonly stats: Stats) {
    super(id, root);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    let client = this.request.headers.get(this.settings.keyHeader);
    if (client === null) client = clientAddress();
    if (client === null) return Action.Continue;
    const count = countRequest(client, this.settings);
    this.count = count;
    if (count.allowed) {
      this.stats.allowed.increment();
      return Action.Continue;
    }
    this.stats.limited.increment();
    this.sendLocalResponse(429, "{{filterName}}_over_limit", "too many requests\n", [
      new HeaderPair("content-type", "text/plain"),
      new HeaderPair("retry-after", count.resetSeconds.toString()),
    ]);
    return Action.Pause;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const count = this.count;
    if (count !== null && count.allowed) {
      this.response.headers.set("x-ratelimit-limit", this.settings.limit.toString());
      this.response.headers.set("x-ratelimit-remaining", count.remaining.toString());
    }
    return Action.Continue;
  }
}

registerRootContext((id: u32): RootContext => new LimitRoot(id));
