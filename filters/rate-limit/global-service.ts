// The envoyproxy/ratelimit service's JSON API: POST <path> (default /json) with
//   {"domain": "edge", "descriptors": [{"entries": [{"key": "remote_address", "value": "10.0.0.1"}]}]}
// answered 200 (OK) or 429 (OVER_LIMIT) with the RateLimitResponse in protobuf JSON:
//   {"overallCode": "OVER_LIMIT", "statuses": [{"code": "OVER_LIMIT", "currentLimit": {"requestsPerUnit": 10,
//    "unit": "MINUTE"}, "limitRemaining": 0, "durationUntilReset": "42s"}]}
import { HeaderPair, JsonArray, JsonObject, JsonString, JsonValue, parseDuration, parseJsonBytes } from "../../sdk/index";
import { KeyPart } from "./key";

export function requestBody(domain: string, parts: KeyPart[], values: string[]): ArrayBuffer {
  const entries = new JsonArray();
  for (let i = 0; i < parts.length; i++) {
    entries.push(new JsonObject()
      .set("key", new JsonString(parts[i].descriptorKey))
      .set("value", new JsonString(values[i])));
  }
  const descriptor = new JsonObject().set("entries", entries);
  const body = new JsonObject()
    .set("domain", new JsonString(domain))
    .set("descriptors", new JsonArray().push(descriptor));
  return String.UTF8.encode(body.toString());
}

export function requestHeaders(cluster: string, path: string): HeaderPair[] {
  return [
    new HeaderPair(":method", "POST"),
    new HeaderPair(":path", path),
    new HeaderPair(":authority", cluster),
    new HeaderPair("content-type", "application/json"),
  ];
}

export enum Verdict {
  Ok,
  OverLimit,
  /** No usable answer (timeout, reset, 5xx, unparsable): failure_mode_deny decides. */
  Error,
}

export class GlobalAnswer {
  constructor(
    public verdict: Verdict,
    /** requestsPerUnit of the deciding status; 0 when the service did not say. */
    public limit: u32,
    public remaining: u32,
    /** -1 when the service did not say. */
    public resetNanos: i64,
    /** Why it is an error, for the log. */
    public reason: string,
  ) {}
}

/** Reads the service's answer; `status` 0 means the call failed (Envoy reports no headers). */
export function readAnswer(status: u32, body: ArrayBuffer): GlobalAnswer {
  if (status == 0) return new GlobalAnswer(Verdict.Error, 0, 0, -1, "no response (timeout or connection failure)");
  if (status != 200 && status != 429) return new GlobalAnswer(Verdict.Error, 0, 0, -1, "HTTP status " + status.toString());
  const parsed = parseJsonBytes(body);
  if (!parsed.ok || !parsed.value!.isObject) {
    // The HTTP status alone is a clear enough verdict.
    return new GlobalAnswer(status == 429 ? Verdict.OverLimit : Verdict.Ok, 0, 0, -1, "");
  }
  const root = parsed.value!.asObject();
  const overall = root.getString("overallCode");
  let verdict = status == 429 ? Verdict.OverLimit : Verdict.Ok;
  if (overall !== null) {
    if (overall == "OVER_LIMIT") verdict = Verdict.OverLimit;
    else if (overall == "OK") verdict = Verdict.Ok;
    else return new GlobalAnswer(Verdict.Error, 0, 0, -1, "overallCode " + overall);
  }
  const answer = new GlobalAnswer(verdict, 0, 0, -1, "");
  const statuses = root.get("statuses");
  if (statuses !== null && statuses.isArray) readLimitStatus(statuses.asArray(), verdict, answer);
  return answer;
}

// The status that decided: the first over-limit one, else the one with the fewest remaining.
function readLimitStatus(statuses: JsonArray, verdict: Verdict, answer: GlobalAnswer): void {
  let best: JsonObject | null = null;
  let bestRemaining: f64 = Infinity;
  for (let i = 0; i < statuses.length; i++) {
    const item = statuses.items[i];
    if (!item.isObject) continue;
    const status = item.asObject();
    const code = status.getString("code");
    const remaining = numberOrString(status.get("limitRemaining"), 0);
    if (verdict == Verdict.OverLimit && code !== null && code == "OVER_LIMIT") { best = status; break; }
    if (status.has("currentLimit") && remaining < bestRemaining) { best = status; bestRemaining = remaining; }
  }
  if (best === null) return;
  const current = best.getObject("currentLimit");
  if (current !== null) answer.limit = <u32>numberOrString(current.get("requestsPerUnit"), 0);
  answer.remaining = <u32>numberOrString(best.get("limitRemaining"), 0);
  const reset = best.getString("durationUntilReset");
  if (reset !== null) {
    const duration = parseDuration(reset);
    if (duration !== null) answer.resetNanos = duration.nanos;
  }
}

// protobuf JSON writes uint32 as numbers but accepts strings; be liberal in what we read.
function numberOrString(value: JsonValue | null, fallback: f64): f64 {
  if (value === null) return fallback;
  if (value.isNumber) return value.asNumber();
  if (value.isString) {
    const n = parseFloat(value.asString());
    return isNaN(n) ? fallback : n;
  }
  return fallback;
}
