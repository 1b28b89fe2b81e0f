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
import { RequestFacts } from "./match";
import { HttpHeaderTarget } from "./header-target";

class HeaderRewriteRoot extends RootContext {
  config: HeaderRewriteConfig = new HeaderRewriteConfig();

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

class HeaderRewriteStream extends HttpContext {
  /** Which rules matched the request; their response operations run on the response. */
  private matched: bool[] = [];
  private facts!: StreamFacts;
  private values!: StreamValues;
  private requestTarget!: HttpHeaderTarget;
  private responseTarget!: HttpHeaderTarget;

  constructor(id: u32, root: RootContext, private readonly config: HeaderRewriteConfig) {
    super(id, root);
    this.facts = new StreamFacts(this.request.headers);
    this.values = new StreamValues(this.request.headers, this.response.headers);
    this.requestTarget = new HttpHeaderTarget(this.request.headers);
    this.responseTarget = new HttpHeaderTarget(this.response.headers);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const config = this.config;
    // Matches see the request as it arrived, before any operation edits it.
    const rules = config.rules;
    const matched = new Array<bool>(rules.length);
    for (let i = 0; i < rules.length; i++) matched[i] = rules[i].match.matches(this.facts);
    this.matched = matched;
    if (config.capturedRequestHeaders.length > 0) this.values.capture(config.capturedRequestHeaders);

    this.values.responseSide = false;
    config.request.apply(this.requestTarget, this.values);
    for (let i = 0; i < rules.length; i++) {
      if (matched[i]) rules[i].request.apply(this.requestTarget, this.values);
    }
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const config = this.config;
    if (!config.touchesResponse) return Action.Continue;
    this.values.responseSide = true;
    config.response.apply(this.responseTarget, this.values);
    const rules = config.rules;
    // A local reply before onRequestHeaders ran leaves `matched` empty: only top-level operations apply.
    for (let i = 0; i < rules.length && i < this.matched.length; i++) {
      if (this.matched[i]) rules[i].response.apply(this.responseTarget, this.values);
    }
    return Action.Continue;
  }
}

/** What rules match on: the stream's request headers. */
class StreamFacts extends RequestFacts {
  constructor(private readonly headers: HeaderMap) {
    super();
  }

  path(): string {
    const v = this.headers.get(":path");
    return v !== null ? v : "";
  }

  method(): string {
    const v = this.headers.get(":method");
    return v !== null ? v : "";
  }

  header(name: string): string | null {
    return this.headers.get(name);
  }
}

/** Formatter values of one stream, read from the host on demand. */
class StreamValues extends FormatSource {
  responseSide: bool = false;
  /** Request header values response-side %REQ()% reads, taken when the request passed. */
  private captured: Map<string, string> | null = null;

  constructor(private readonly request: HeaderMap, private readonly response: HeaderMap) {
    super();
  }

  capture(names: string[]): void {
    const captured = new Map<string, string>();
    for (let i = 0; i < names.length; i++) {
      const value = this.request.get(names[i]);
      if (value !== null) captured.set(names[i], value);
    }
    this.captured = captured;
  }

  requestHeader(name: string): string | null {
    if (!this.responseSide) return this.request.get(name);
    const captured = this.captured;
    if (captured === null || !captured.has(name)) return null;
    return captured.get(name);
  }

  responseHeader(name: string): string | null {
    return this.responseSide ? this.response.get(name) : null;
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
    const status = this.response.get(":status");
    if (status !== null) return status;
    const code = getPropertyInt(["response", "code"], -1);
    return code >= 0 ? code.toString() : "";
  }
}

registerRootContext((id: u32): RootContext => new HeaderRewriteRoot(id));
