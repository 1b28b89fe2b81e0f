// header-rewrite: sets, adds, removes and renames request and response headers, everywhere or
// for requests matching a rule. Values may use Envoy's formatter (%REQ(x)%, %START_TIME% …).
// See README.md for the configuration.
export * from "../../sdk/exports";
import {
  Action, ConfigErrors, Configuration, HeaderMap, HttpContext, RootContext, registerRootContext,
  getPropertyInt, getPropertyString, nowNanos,
} from "../../sdk/index";
import { HeaderRewriteConfig, parseConfig } from "./config";
import { FormatSource } from "./formatter";
import { RequestFacts } from "../../sdk/index";
import { HttpHeaderTarget } from "./header-target";
import { HeaderTarget } from "./operations";

class HeaderRewriteRoot extends RootContext {
  config: HeaderRewriteConfig = new HeaderRewriteConfig();
  // Callbacks run one at a time in a VM, so these helpers are shared by all streams and
  // re-pointed at the current stream's maps: no per-stream allocations on the hot path.
  readonly facts: StreamFacts = new StreamFacts();
  readonly target: HttpHeaderTarget = new HttpHeaderTarget();
  readonly values: StreamValues = new StreamValues();

  onConfigure(configuration: Configuration): bool {
    const errors = new ConfigErrors();
    const text = configuration.text();
    if (text.trim().length == 0) {
      this.config = new HeaderRewriteConfig(); // no configuration: nothing to rewrite
      return true;
    }
    const parsed = configuration.json();
    if (!parsed.ok) {
      errors.add("", parsed.error);
      return errors.report("header-rewrite: invalid configuration");
    }
    const config = parseConfig(parsed.value!, errors);
    if (config === null) return errors.report("header-rewrite: invalid configuration");
    this.config = config;
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new HeaderRewriteStream(contextId, this, this.config);
  }
}

const NO_RULES_MATCHED: bool[] = [];

class HeaderRewriteStream extends HttpContext {
  /** Which rules matched the request; their response operations run on the response. */
  private matched: bool[] = NO_RULES_MATCHED;
  /** Request header values response-side %REQ()% reads, taken when the request passed. */
  private captured: Map<string, string> | null = null;

  constructor(id: u32, private readonly rewriter: HeaderRewriteRoot, private readonly config: HeaderRewriteConfig) {
    super(id, rewriter);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const config = this.config;
    const rules = config.rules;
    if (rules.length > 0) {
      // Matches see the request as it arrived, before any operation edits it.
      const facts = this.rewriter.facts;
      facts.headers = this.request.headers;
      const matched = new Array<bool>(rules.length);
      for (let i = 0; i < rules.length; i++) matched[i] = rules[i].match.matches(facts);
      this.matched = matched;
    }
    if (config.capturedRequestHeaders.length > 0) this.captured = capture(this.request.headers, config.capturedRequestHeaders);

    // Each operation is one host call (measured cheaper in the embedded host than reading and
    // rewriting the whole map with get/set_header_map_pairs).
    const target = this.rewriter.target;
    target.map = this.request.headers;
    const values = this.rewriter.values;
    values.enterRequest(target);
    config.request.apply(target, values);
    const matched = this.matched;
    for (let i = 0; i < matched.length; i++) {
      if (matched[i]) rules[i].request.apply(target, values);
    }
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const config = this.config;
    if (!config.touchesResponse) return Action.Continue;
    const rules = config.rules;
    const target = this.rewriter.target;
    target.map = this.response.headers;
    const values = this.rewriter.values;
    values.enterResponse(target, this.captured);
    config.response.apply(target, values);
    // A local reply before onRequestHeaders ran leaves `matched` empty: only top-level operations apply.
    const matched = this.matched;
    for (let i = 0; i < matched.length; i++) {
      if (matched[i]) rules[i].response.apply(target, values);
    }
    return Action.Continue;
  }
}

function capture(headers: HeaderMap, names: string[]): Map<string, string> {
  const captured = new Map<string, string>();
  for (let i = 0; i < names.length; i++) {
    const value = headers.get(names[i]);
    if (value !== null) captured.set(names[i], value);
  }
  return captured;
}

/** What rules match on: the stream's request headers. */
class StreamFacts extends RequestFacts {
  headers: HeaderMap | null = null;

  path(): string {
    const v = this.headers!.get(":path");
    return v !== null ? v : "";
  }

  method(): string {
    const v = this.headers!.get(":method");
    return v !== null ? v : "";
  }

  header(name: string): string | null {
    return this.headers!.get(name);
  }
}

/** Formatter values of the stream whose callback is running, read from the host on demand. */
class StreamValues extends FormatSource {
  private responseSide: bool = false;
  private request: HeaderTarget | null = null;
  private response: HeaderTarget | null = null;
  private captured: Map<string, string> | null = null;

  /** Values now read the request through `target`, the map being edited. */
  enterRequest(target: HeaderTarget): void {
    this.responseSide = false;
    this.request = target;
    this.response = null;
    this.captured = null;
  }

  /** Values now read the response through `target`, and the request from what was captured. */
  enterResponse(target: HeaderTarget, captured: Map<string, string> | null): void {
    this.responseSide = true;
    this.request = null;
    this.response = target;
    this.captured = captured;
  }

  requestHeader(name: string): string | null {
    if (!this.responseSide) return this.request!.get(name);
    const captured = this.captured;
    if (captured === null || !captured.has(name)) return null;
    return captured.get(name);
  }

  responseHeader(name: string): string | null {
    return this.responseSide ? this.response!.get(name) : null;
  }

  remoteAddress(): string {
    const v = getPropertyString(["source", "address"]);
    return v !== null ? v : "";
  }

  localAddress(): string {
    const v = getPropertyString(["destination", "address"]);
    return v !== null ? v : "";
  }

  protocol(): string {
    const v = getPropertyString(["request", "protocol"]);
    return v !== null ? v : "";
  }

  startTimeNanos(): i64 {
    const t = getPropertyInt(["request", "time"], -1);
    return t >= 0 ? t : <i64>nowNanos();
  }

  responseCode(): string {
    const response = this.response;
    const status = response !== null ? response.get(":status") : null;
    if (status !== null) return status;
    const code = getPropertyInt(["response", "code"], -1);
    return code >= 0 ? code.toString() : "";
  }
}

registerRootContext((id: u32): RootContext => new HeaderRewriteRoot(id));
