// {{filterName}}: asks an authorization service, over an http_call to one of the gateway's
// clusters, whether each request may pass (in the spirit of Envoy's ext_authz HTTP service):
//   2xx     → the request continues upstream, with the answer's `copy_headers` added to it;
//   other   → the client gets the service's 401/403 (else 403) and the request stops here;
//   no answer (timeout, reset, unknown cluster) → 403, or pass when failure_mode_allow is true.
import {
  Action, ConfigErrors, ConfigObject, Configuration, HeaderPair, HttpCallResponse, HttpContext,
  RootContext, httpCall, logWarn, registerRootContext,
} from "proxyscript/sdk";
export * from "proxyscript/sdk/exports";

class AuthSettings {
  constructor(
    readonly cluster: string,
    readonly path: string,
    readonly timeoutMs: u32,
    readonly forwardHeaders: string[],
    readonly copyHeaders: string[],
    readonly failureModeAllow: bool,
  ) {}
}

function lowerCased(names: string[]): string[] {
  const out = new Array<string>();
  for (let i = 0; i < names.length; i++) out.push(names[i].toLowerCase());
  return out;
}

class AuthRoot extends RootContext {
  settings: AuthSettings | null = null;

  onConfigure(configuration: Configuration): bool {
    const errors = new ConfigErrors();
    const parsed = configuration.json();
    if (!parsed.ok) {
      errors.add("", configuration.size == 0 ? "a configuration is required (at least cluster)" : parsed.error);
      return errors.report("{{filterName}}: invalid configuration");
    }
    const config = new ConfigObject(parsed.value!, "", errors);
    const cluster = config.requiredString("cluster");
    const path = config.optionalString("path", "/check");
    const timeoutNanos = config.duration("timeout", 1_000_000_000);
    const forward = config.optionalArray("forward_headers");
    const copy = config.optionalArray("copy_headers");
    const failureModeAllow = config.optionalBool("failure_mode_allow", false);
    config.rejectUnknown(["cluster", "path", "timeout", "forward_headers", "copy_headers", "failure_mode_allow"]);
    if (!path.startsWith("/")) config.error("path", "must start with \"/\"");
    if (timeoutNanos < 1_000_000) config.error("timeout", "must be at least 1ms");
    if (!errors.ok) return errors.report("{{filterName}}: invalid configuration");
    this.settings = new AuthSettings(
      cluster, path, <u32>(timeoutNanos / 1_000_000),
      forward !== null ? lowerCased(forward.strings()) : ["authorization"],
      copy !== null ? lowerCased(copy.strings()) : ["x-user-id"],
      failureModeAllow,
    );
    return errors.ok;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    const settings = this.settings;
    if (settings === null) return null;
    return new AuthorizeRequest(contextId, this, settings);
  }
}

class AuthorizeRequest extends HttpContext {
  private waiting: bool = false;

  constructor(id: u32, root: RootContext, private readonly settings: AuthSettings) {
    super(id, root);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const s = this.settings;
    const headers: HeaderPair[] = [
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", s.path),
      new HeaderPair(":authority", s.cluster),
    ];
    for (let i = 0; i < s.forwardHeaders.length; i++) {
      const value = this.request.headers.get(s.forwardHeaders[i]);
      if (value !== null) headers.push(new HeaderPair(s.forwardHeaders[i], value));
    }
    const original = this.request.headers.get(":path");
    if (original !== null) headers.push(new HeaderPair("x-original-path", original));

    const token = httpCall(this, s.cluster, headers, new ArrayBuffer(0), [], s.timeoutMs);
    if (token == 0) return this.failed("the call to cluster \"" + s.cluster + "\" could not be made") ? Action.Pause : Action.Continue;
    // Headers stay readable and writable while the stream waits here (and the body waits too).
    this.waiting = true;
    return Action.Pause;
  }

  onHttpCallResponse(response: HttpCallResponse): void {
    if (!this.waiting) return;
    this.waiting = false;
    if (response.failed) {
      if (!this.failed("no answer from cluster \"" + this.settings.cluster + "\"")) this.continueRequest();
      return;
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      const copy = this.settings.copyHeaders;
      for (let i = 0; i < copy.length; i++) {
        const value = response.header(copy[i]);
        if (value !== null) this.request.headers.set(copy[i], value);
        else this.request.headers.remove(copy[i]); // a client must not supply these itself
      }
      this.continueRequest();
      return;
    }
    this.sendLocalResponse(status == 401 || status == 403 ? status : 403, "{{filterName}}_denied", "access denied\n",
      [new HeaderPair("content-type", "text/plain")]);
  }

  /** Answers 403 unless failure_mode_allow; returns true when the request was stopped. */
  private failed(reason: string): bool {
    logWarn("{{filterName}}: " + reason + (this.settings.failureModeAllow ? "; letting the request through" : "; denying"));
    if (this.settings.failureModeAllow) return false;
    this.sendLocalResponse(403, "{{filterName}}_unavailable", "access denied\n", [new HeaderPair("content-type", "text/plain")]);
    return true;
  }
}

registerRootContext((id: u32): RootContext => new AuthRoot(id));
