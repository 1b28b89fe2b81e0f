// The jwt_authn HTTP filter: picks the first rule matching the request path, evaluates its
// requirement, and either lets the request through (forwarding payload and claims, stripping the
// token) or answers 401/403 exactly as Envoy's filter does.
import {
  Action, ConfigErrors, Configuration, HeaderPair, HttpContext, logDebug,
  RootContext, setPropertyString,
} from "../../sdk/index";
import { FilterConfig, MatchKind, readConfig, Rule } from "./config";
import { JwksWaiter, ProviderState } from "./provider-state";
import { statusMessage, JwtStatus } from "./status";
import { PENDING, Verification, VerifiedToken } from "./verifier";

/** Envoy's MaximumUriLength for the realm in WWW-Authenticate. */
const MAX_REALM_PATH_LENGTH = 256;
/** Tick period for background JWKS refresh and retries. */
const TICK_MS: u32 = 1000;

export class JwtRoot extends RootContext {
  config: FilterConfig = new FilterConfig();
  states: ProviderState[] = [];
  verification: Verification = new Verification(new FilterConfig(), []);

  onConfigure(configuration: Configuration): bool {
    const parsed = configuration.json();
    const errors = new ConfigErrors();
    if (!parsed.ok) {
      errors.add("(root)", parsed.error);
      return errors.report("jwt_authn: invalid configuration");
    }
    const config = readConfig(parsed.value!, errors);
    if (!errors.report("jwt_authn: invalid configuration")) return false;
    this.config = config;
    const states = new Array<ProviderState>();
    for (let i = 0; i < config.providers.length; i++) states.push(new ProviderState(config.providers[i], this));
    this.states = states;
    this.verification = new Verification(config, states);
    if (config.hasRemoteJwks) this.setTickPeriod(TICK_MS);
    return true;
  }

  onTick(): void {
    for (let i = 0; i < this.states.length; i++) this.states[i].onTick();
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new JwtFilter(contextId, this);
  }
}

class FilterWaiter extends JwksWaiter {
  constructor(readonly filter: JwtFilter) {
    super();
  }
  resume(): void {
    this.filter.onKeysSettled();
  }
}

/** Where the path proper ends: before the query or fragment. */
function pathEnd(path: string): i32 {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c == 0x3f /* ? */ || c == 0x23 /* # */) return i;
  }
  return path.length;
}

/** Whether path[0, end) matches the rule (`path` already lower-cased for case-insensitive rules). */
function ruleMatches(rule: Rule, path: string, end: i32): bool {
  const v = rule.value;
  if (v.length > end || !path.startsWith(v)) return false;
  if (rule.kind == MatchKind.Prefix) return true;
  if (rule.kind == MatchKind.Path) return v.length == end;
  // path_separated_prefix: the prefix, then end of path or '/'.
  return v.length == end || path.charCodeAt(v.length) == 0x2f;
}

export class JwtFilter extends HttpContext {
  private readonly jwtRoot: JwtRoot;
  private rule: Rule | null = null;
  private path: string = "";
  private waiter: FilterWaiter | null = null;
  private waitingOn: ProviderState | null = null;
  private inHeaders: bool = false;
  private settledDuringHeaders: bool = false;
  private done: bool = false;

  constructor(id: u32, root: JwtRoot) {
    super(id, root);
    this.jwtRoot = root;
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const config = this.jwtRoot.config;
    const headers = this.request.headers;
    if (config.bypassCorsPreflight && headers.get(":method") == "OPTIONS" && headers.has("origin") && headers.has("access-control-request-method")) {
      return Action.Continue;
    }
    const path = headers.get(":path");
    this.path = path !== null ? path : "";
    const end = pathEnd(this.path);
    let lowerPath: string | null = null;
    for (let i = 0; i < config.rules.length; i++) {
      const rule = config.rules[i];
      if (!rule.caseSensitive && lowerPath === null) lowerPath = this.path.substring(0, end).toLowerCase();
      if (rule.caseSensitive ? ruleMatches(rule, this.path, end) : ruleMatches(rule, lowerPath!, lowerPath!.length)) {
        this.rule = rule;
        break;
      }
    }
    if (this.rule === null || this.rule!.requires === null) return Action.Continue;
    this.inHeaders = true;
    let action = this.run();
    // A fetch that failed synchronously settles before we return; evaluate again (bounded).
    for (let round = 0; round < 8 && this.settledDuringHeaders; round++) {
      this.settledDuringHeaders = false;
      action = this.run();
    }
    this.inHeaders = false;
    return action;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): Action {
    return this.waitingOn !== null ? Action.Pause : Action.Continue;
  }

  onRequestTrailers(numTrailers: u32): Action {
    return this.waitingOn !== null ? Action.Pause : Action.Continue;
  }

  /** The key set this stream waited for was fetched (or the fetch failed). */
  onKeysSettled(): void {
    this.waitingOn = null;
    if (this.inHeaders) {
      this.settledDuringHeaders = true;
      return;
    }
    if (this.done) return;
    const action = this.run();
    if (action == Action.Continue) this.continueRequest();
  }

  onDelete(): void {
    // A stream that goes away while waiting must not be woken later.
    if (this.waitingOn !== null && this.waiter !== null) this.waitingOn!.forget(this.waiter!);
  }

  /** One evaluation; returns what onRequestHeaders should answer. */
  private run(): Action {
    const v = this.jwtRoot.verification;
    v.begin(this.request.headers, this.path);
    const status = v.evaluate(this.rule!.requires!);
    if (status == PENDING) {
      const state = v.pendingOn!;
      if (this.waiter === null) this.waiter = new FilterWaiter(this);
      this.waitingOn = state;
      logDebug("jwt_authn: waiting for the key set of provider \"" + state.provider.name + "\"");
      state.wait(this.waiter!);
      return Action.Pause;
    }
    this.done = true;
    if (status != JwtStatus.Ok) {
      this.reject(<JwtStatus>status);
      return Action.Pause;
    }
    for (let i = 0; i < v.successes.length; i++) this.applySuccess(v.successes[i]);
    return Action.Continue;
  }

  private applySuccess(ok: VerifiedToken): void {
    const provider = ok.state.provider;
    const headers = this.request.headers;
    const verified = ok.verified;
    if (provider.forwardPayloadHeader != "") headers.add(provider.forwardPayloadHeader, verified.payloadHeader);
    const claims = verified.claimHeaders;
    for (let i = 0; i < claims.length; i++) headers.add(claims[i].name, claims[i].value);
    if (!provider.forward && ok.found.header != "") headers.remove(ok.found.header);
    // As Envoy, the verified payload is published only when payload_in_metadata names where:
    // later filters read it with getProperty([payload_in_metadata]) (see README).
    if (provider.payloadInMetadata != "") setPropertyString([provider.payloadInMetadata], verified.jwt.payloadJson);
  }

  private reject(status: JwtStatus): void {
    const code: u32 = status == JwtStatus.JwtAudienceNotAllowed ? 403 : 401;
    const message = statusMessage(status);
    const details = "jwt_authn_access_denied{" + message.replaceAll(" ", "_") + "}";
    if (this.jwtRoot.config.stripFailureResponse) {
      this.sendLocalResponse(code, details, "", []);
      return;
    }
    const headers = this.request.headers;
    const proto = headers.get("x-forwarded-proto");
    const scheme = proto !== null ? proto : (headers.get(":scheme") !== null ? headers.get(":scheme")! : "http");
    const host = headers.get(":authority");
    const path = headers.get(":path");
    let p = path !== null ? path : "";
    if (p.length > MAX_REALM_PATH_LENGTH) p = p.substring(0, MAX_REALM_PATH_LENGTH);
    let value = "Bearer realm=\"" + scheme + "://" + (host !== null ? host : "") + p + "\"";
    if (status != JwtStatus.JwtMissed) value += ", error=\"invalid_token\"";
    logDebug("jwt_authn: rejected with " + code.toString() + ": " + message);
    this.sendLocalResponse(code, details, message, [new HeaderPair("www-authenticate", value)]);
  }
}


