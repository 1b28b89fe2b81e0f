// waf: a SecLang engine (ModSecurity's rule language) running OWASP CRS or your own rules on
// requests. Blocks answer 403 (or the rule's status) and log one JSON line with the matched rules.
// See README.md for the configuration; CRS is embedded at build time by harness/build/crs.ts.
export * from "../../sdk/exports";
import {
  Action, ConfigErrors, Configuration, Counter, HeaderPair, HttpContext, RootContext, registerRootContext,
  getPropertyString, logInfo, logWarn, logError, nowNanos, quoteJsonString, hold, release, TextBuilder,
} from "../../sdk/index";
import { parseConfig, WafConfig } from "./config";
import { buildWaf, Waf } from "./engine/waf";
import { Evaluation, RuleMatch } from "./engine/evaluate";
import { EngineMode } from "./seclang/ruleset";
import { bufferToString, byteStringToText, textToByteString } from "./engine/bytes";
import { embeddedFiles } from "./crs-files";

class Metrics {
  requests: Counter;
  blocked: Counter;
  detected: Counter;
  constructor(prefix: string) {
    this.requests = new Counter(prefix + ".requests");
    this.blocked = new Counter(prefix + ".blocked");
    this.detected = new Counter(prefix + ".detected");
  }
}

class WafRoot extends RootContext {
  config: WafConfig = new WafConfig();
  waf: Waf | null = null;
  metrics: Metrics = new Metrics("waf");

  onConfigure(configuration: Configuration): bool {
    const errors = new ConfigErrors();
    let config = new WafConfig();
    if (configuration.text().trim().length > 0) {
      const parsed = configuration.json();
      if (!parsed.ok) {
        errors.add("", parsed.error);
        return errors.report("waf: invalid configuration");
      }
      const c = parseConfig(parsed.value!, errors);
      if (c === null) return errors.report("waf: invalid configuration");
      config = c;
    }
    const started = nowNanos();
    const files = embeddedFiles();
    hold(configuration); hold(errors); hold(config); hold(files); // buildWaf collects
    const waf = buildWaf(config.settings, files);
    release(4);
    if (waf.error.length > 0) {
      errors.add("directives", byteStringToText(waf.error));
      return errors.report("waf: invalid configuration");
    }
    const rules = waf.rules!;
    for (let i = 0; i < rules.notices.length; i++) logInfo("waf: " + rules.notices[i]);
    if (config.settings.includeCrs && !waf.crsLoaded) {
      logInfo("waf: include_crs is set but no CRS was embedded in this build (proxyscript build --crs <dir>); using " +
        (config.settings.directives.length > 0 ? "the configured directives" : "the default rule set"));
    }
    const micros = (nowNanos() - started) / 1000;
    const millis = (micros / 1000).toString() + "." + ((micros % 1000) / 100).toString();
    logInfo("waf: " + rules.ruleCount.toString() + " rules" + (waf.crsLoaded ? " (OWASP CRS)" : "") + " compiled in " + millis + " ms; VM memory " + (memory.size() * 64).toString() + " KiB");
    this.config = config;
    this.waf = waf;
    this.metrics = new Metrics(config.statPrefix);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    const waf = this.waf;
    if (waf === null) return null;
    return new WafStream(contextId, this, waf, this.config, this.metrics);
  }
}

class WafStream extends HttpContext {
  private evaluation: Evaluation;
  private finished: bool = false;
  /** This filter answered the request itself; that reply passes through the response callbacks too. */
  private answeredLocally: bool = false;
  /** Response headers are held until phase 4 has judged the response body. */
  private inspectingResponseBody: bool = false;
  /** Matches of the request phases: a response-side log line reports only later ones. */
  private requestMatches: i32 = 0;

  constructor(id: u32, root: RootContext, private readonly waf: Waf, private readonly config: WafConfig, private readonly metrics: Metrics) {
    super(id, root);
    this.evaluation = waf.newEvaluation();
  }

  onDelete(): void {
    this.waf.recycle(this.evaluation);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const ev = this.evaluation;
    if (ev.mode == EngineMode.Off) { this.finished = true; return Action.Continue; }
    this.metrics.requests.increment();
    const tx = ev.tx;
    // One host call for all headers (each get() would be another).
    const pairs: HeaderPair[] = this.request.headers.entries();
    let method: string | null = null, path: string | null = null, authority: string | null = null, requestId: string | null = null;
    let hasHost = false;
    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i].name;
      if (name == ":method") method = pairs[i].value;
      else if (name == ":path") path = pairs[i].value;
      else if (name == ":authority") authority = pairs[i].value;
      else if (name == "x-request-id" && requestId === null) requestId = pairs[i].value;
      else if (name == "host") hasHost = true;
    }
    const protocol = getPropertyString(["request", "protocol"]);
    tx.setRequestLine(
      method !== null ? textToByteString(method) : "GET",
      path !== null ? textToByteString(path) : "/",
      protocol !== null && protocol.length > 0 ? protocol : "HTTP/1.1",
    );
    const source = getPropertyString(["source", "address"]);
    if (source !== null) {
      const colon = source.lastIndexOf(":");
      tx.remoteAddr = colon > 0 && source.indexOf("]") < colon ? source.substring(0, colon).replace("[", "").replace("]", "") : source;
      if (colon > 0) tx.remotePort = source.substring(colon + 1);
    }
    if (requestId !== null) tx.uniqueId = textToByteString(requestId);
    // Envoy carries Host as :authority; ModSecurity rules read it as the Host header.
    if (!hasHost && authority !== null && authority.length > 0) tx.addHeader("host", textToByteString(authority));
    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i].name;
      if (name.length > 0 && name.charCodeAt(0) == 58) continue;
      tx.addHeader(textToByteString(name), textToByteString(pairs[i].value));
    }
    ev.runPhase(1);
    if (ev.interrupted) return this.decide();
    if (endOfStream || !ev.bodyAccess) {
      ev.processBody();
      ev.runPhase(2);
      return this.decide();
    }
    // Headers go on (Envoy would hold the body too if they stopped); the body is held in
    // onRequestBody until it is complete and phase 2 has judged it.
    return Action.Continue;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): Action {
    if (this.finished) return Action.Continue;
    const limit = <u32>this.waf.rules!.requestBodyLimit;
    const ev = this.evaluation;
    if (bodySize > limit && this.waf.rules!.requestBodyLimitReject) {
      this.finished = true;
      this.answeredLocally = true;
      this.metrics.blocked.increment();
      logWarn("{\"waf\":\"blocked\",\"status\":413,\"reason\":\"request body larger than request_body_limit (" + limit.toString() + " bytes)\"}");
      this.sendLocalResponse(413, "waf_request_body_limit", "Request body too large\n");
      return Action.Pause;
    }
    if (!endOfStream && bodySize <= limit) return Action.Pause;
    // End of body, or ProcessPartial past the limit: inspect what fits.
    const take = bodySize > limit ? limit : bodySize;
    ev.tx.body = bufferToString(this.request.body.read(0, take));
    ev.processBody();
    ev.runPhase(2);
    return this.decide();
  }

  /** Ends inspection: a local reply for an interruption, else let the request through. */
  private decide(): Action {
    this.finished = true;
    const ev = this.evaluation;
    let logged = 0;
    for (let i = 0; i < ev.matches.length; i++) if (ev.matches[i].log) logged++;
    if (ev.interrupted) {
      this.answeredLocally = true;
      this.metrics.blocked.increment();
      logWarn(this.logLine("blocked", ev, 0));
      this.sendLocalResponse(<u32>ev.status, "waf_rule_" + ev.interruptRule.toString(), "Request blocked by WAF (rule " + ev.interruptRule.toString() + ")\n");
      return Action.Pause;
    }
    if (logged > 0) {
      this.metrics.detected.increment();
      if (this.config.logDetections) logInfo(this.logLine("detected", ev, 0));
    }
    return Action.Continue;
  }

  // ---- Response: phases 3 (headers), 4 (body) and 5 (logging) ----------------------------------
  // Envoy delivers no response body to a Wasm filter that holds the response headers (it turns
  // StopIteration on headers into StopAllIteration), so the headers go on before phase 4 reads
  // the body. A block in phase 3, or in phase 4 without body inspection, is a local reply; once
  // the headers have left, a block resets the stream, so the body held so far never reaches the client.

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    const ev = this.evaluation;
    if (this.answeredLocally || ev.mode == EngineMode.Off || ev.interrupted) return Action.Continue;
    const tx = ev.tx;
    const pairs: HeaderPair[] = this.response.headers.entries();
    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i].name;
      if (name == ":status") tx.responseStatus = pairs[i].value;
      else if (name.length > 0 && name.charCodeAt(0) != 58) tx.responseHeaders.add(textToByteString(name), textToByteString(pairs[i].value));
    }
    tx.responseProtocol = tx.protocol;
    this.requestMatches = ev.matches.length;
    ev.runPhase(3);
    if (ev.interrupted) return this.decideResponse(false);
    if (!endOfStream && ev.responseBodyWanted()) {
      this.inspectingResponseBody = true;
      return Action.Continue;
    }
    ev.runPhase(4);
    return this.decideResponse(false);
  }

  onResponseBody(bodySize: u32, endOfStream: bool): Action {
    if (!this.inspectingResponseBody) return Action.Continue;
    const rules = this.waf.rules!;
    const limit = <u32>rules.responseBodyLimit;
    if (bodySize > limit && rules.responseBodyLimitReject) {
      this.inspectingResponseBody = false;
      this.answeredLocally = true;
      this.metrics.blocked.increment();
      logWarn("{\"waf\":\"blocked\",\"reset\":true,\"reason\":\"response body larger than SecResponseBodyLimit (" + limit.toString() + " bytes)\"}");
      this.closeResponse();
      return Action.Pause;
    }
    if (!endOfStream && bodySize <= limit) return Action.Pause; // buffer until the body is complete
    // End of body, or ProcessPartial past the limit: inspect what fits.
    this.inspectingResponseBody = false;
    const ev = this.evaluation;
    ev.tx.responseBody = bufferToString(this.response.body.read(0, bodySize > limit ? limit : bodySize));
    ev.runPhase(4);
    return this.decideResponse(true);
  }

  onResponseTrailers(numTrailers: u32): Action {
    if (!this.inspectingResponseBody) return Action.Continue;
    this.inspectingResponseBody = false;
    this.evaluation.runPhase(4);
    return this.decideResponse(true);
  }

  /** After phase 3 or 4: block (a local reply, or a reset once headers have left), else phase 5. */
  private decideResponse(headersSent: bool): Action {
    const ev = this.evaluation;
    if (ev.interrupted) {
      this.answeredLocally = true;
      this.metrics.blocked.increment();
      logWarn(this.logLine("blocked", ev, 0, headersSent));
      if (headersSent) this.closeResponse();
      else this.sendLocalResponse(<u32>ev.status, "waf_rule_" + ev.interruptRule.toString(), "Response blocked by WAF (rule " + ev.interruptRule.toString() + ")\n");
      return Action.Pause;
    }
    ev.runPhase(5);
    let logged = 0;
    for (let i = this.requestMatches; i < ev.matches.length; i++) if (ev.matches[i].log) logged++;
    if (logged > 0) {
      this.metrics.detected.increment();
      if (this.config.logDetections) logInfo(this.logLine("detected", ev, this.requestMatches));
    }
    return Action.Continue;
  }

  /** The JSON log line, with the logged matches from index `from` on (built in one buffer: a blocked request logs several matches). */
  private logLine(outcome: string, ev: Evaluation, from: i32, reset: bool = false): string {
    const tx = ev.tx;
    const s = new TextBuilder(512);
    s.append("{\"waf\":\"").append(outcome).append("\"");
    if (reset) s.append(",\"reset\":true");
    if (ev.interrupted) s.append(",\"status\":").append(ev.status.toString()).append(",\"rule\":").append(ev.interruptRule.toString());
    s.append(",\"anomaly_score\":").append(quoteJsonNumber(tx.tx.get("anomaly_score")));
    s.append(",\"method\":").append(quoteJsonString(byteStringToText(tx.method)));
    s.append(",\"uri\":").append(quoteJsonString(byteStringToText(tx.rawUri)));
    if (tx.uniqueId.length > 0) s.append(",\"unique_id\":").append(quoteJsonString(byteStringToText(tx.uniqueId)));
    s.append(",\"matches\":[");
    let first = true;
    for (let i = from; i < ev.matches.length; i++) {
      const m: RuleMatch = ev.matches[i];
      if (!m.log) continue;
      if (!first) s.append(",");
      first = false;
      s.append("{\"id\":").append(m.id.toString()).append(",\"msg\":").append(quoteJsonString(byteStringToText(m.msg)));
      if (m.data.length > 0) s.append(",\"data\":").append(quoteJsonString(byteStringToText(m.data)));
      if (m.variable.length > 0) s.append(",\"variable\":").append(quoteJsonString(byteStringToText(m.variable)));
      if (m.value.length > 0) s.append(",\"value\":").append(quoteJsonString(byteStringToText(m.value)));
      if (m.severity >= 0) s.append(",\"severity\":\"").append(m.severityName()).append("\"");
      s.append("}");
    }
    return s.append("]}").toString();
  }
}

function quoteJsonNumber(s: string): string {
  if (s.length == 0) return "0";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57) && !(i == 0 && c == 45)) return quoteJsonString(s);
  }
  return s;
}

registerRootContext((id: u32): RootContext => new WafRoot(id));
