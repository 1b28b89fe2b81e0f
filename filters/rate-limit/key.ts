// Rate-limit keys: which request facts a bucket is chosen by. Parts are
//   source_ip  header:<name>  query:<name>  path  method  authority  literal:<text>
// A request lacking a part (no such header / query parameter) has no key for that rule.

export enum KeyPartKind {
  SourceIp,
  Header,
  Query,
  Path,
  Method,
  Authority,
  Literal,
}

export class KeyPart {
  constructor(public kind: KeyPartKind, public argument: string, public spec: string) {}

  /** Descriptor entry key for the global rate-limit service (Envoy's action names where one exists). */
  get descriptorKey(): string {
    switch (this.kind) {
      case KeyPartKind.SourceIp: return "remote_address";
      case KeyPartKind.Header: return this.argument;
      case KeyPartKind.Query: return "query_" + this.argument;
      case KeyPartKind.Path: return "path";
      case KeyPartKind.Method: return "method";
      case KeyPartKind.Authority: return "authority";
      default: return "generic_key";
    }
  }
}

export class KeyPartParse {
  constructor(public part: KeyPart | null, public error: string) {}
}

export function parseKeyPart(spec: string): KeyPartParse {
  if (spec == "source_ip") return ok(KeyPartKind.SourceIp, "", spec);
  if (spec == "path") return ok(KeyPartKind.Path, "", spec);
  if (spec == "method") return ok(KeyPartKind.Method, "", spec);
  if (spec == "authority") return ok(KeyPartKind.Authority, "", spec);
  if (spec.startsWith("header:")) {
    const name = spec.substring(7).toLowerCase();
    const problem = headerNameProblem(name);
    if (problem.length > 0) return new KeyPartParse(null, problem);
    return ok(KeyPartKind.Header, name, spec);
  }
  if (spec.startsWith("query:")) {
    const name = spec.substring(6);
    if (name.length == 0 || name.includes("&") || name.includes("=") || name.includes("#")) {
      return new KeyPartParse(null, "expected a query parameter name after \"query:\"");
    }
    return ok(KeyPartKind.Query, name, spec);
  }
  if (spec.startsWith("literal:")) {
    const text = spec.substring(8);
    if (text.length == 0) return new KeyPartParse(null, "expected text after \"literal:\"");
    return ok(KeyPartKind.Literal, text, spec);
  }
  return new KeyPartParse(null,
    "unknown key part \"" + spec + "\" (expected source_ip, header:<name>, query:<name>, path, method, authority or literal:<text>)");
}

function ok(kind: KeyPartKind, argument: string, spec: string): KeyPartParse {
  return new KeyPartParse(new KeyPart(kind, argument, spec), "");
}

function headerNameProblem(name: string): string {
  if (name.length == 0) return "expected a header name after \"header:\"";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const token = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
    // ":authority"-style pseudo-headers are readable too.
    if (!token && !(i == 0 && c == 0x3a && name.length > 1)) {
      return "invalid character '" + String.fromCharCode(c) + "' in header name \"" + name + "\"";
    }
  }
  return "";
}

/** The request facts keys are built from; the filter implements it over the host. */
export abstract class RequestView {
  abstract sourceAddress(): string;
  abstract header(name: string): string | null;
  /** The :path header, query string included. */
  abstract rawPath(): string;
  abstract method(): string;
  abstract authority(): string;
}

/** Each part's value, or null when the request lacks one of them. */
export function keyValues(parts: KeyPart[], request: RequestView): string[] | null {
  const values = new Array<string>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const value = partValue(parts[i], request);
    if (value === null) return null;
    values[i] = value;
  }
  return values;
}

function partValue(part: KeyPart, request: RequestView): string | null {
  switch (part.kind) {
    case KeyPartKind.SourceIp: {
      const address = request.sourceAddress();
      return address.length == 0 ? null : withoutPort(address);
    }
    case KeyPartKind.Header: return request.header(part.argument);
    case KeyPartKind.Query: return queryParameter(request.rawPath(), part.argument);
    case KeyPartKind.Path: {
      const path = request.rawPath();
      const question = path.indexOf("?");
      return question < 0 ? path : path.substring(0, question);
    }
    case KeyPartKind.Method: return request.method();
    case KeyPartKind.Authority: return request.authority();
    default: return part.argument;
  }
}

/** The bucket key: rule identity plus length-prefixed values, so no value can forge another key. */
export function bucketKey(ruleId: string, values: string[]): string {
  let key = ruleId;
  for (let i = 0; i < values.length; i++) key += "|" + values[i].length.toString() + ":" + values[i];
  return key;
}

/** First value of query parameter `name` (raw, not decoded); "" for a bare `?name`; null when absent. */
export function queryParameter(path: string, name: string): string | null {
  const question = path.indexOf("?");
  if (question < 0) return null;
  let end = path.indexOf("#", question);
  if (end < 0) end = path.length;
  let start = question + 1;
  while (start <= end) {
    let amp = path.indexOf("&", start);
    if (amp < 0 || amp > end) amp = end;
    const pair = path.substring(start, amp);
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.substring(0, eq);
    if (key == name) return eq < 0 ? "" : pair.substring(eq + 1);
    start = amp + 1;
  }
  return null;
}

/** "10.0.0.1:5000" -> "10.0.0.1", "[::1]:5000" -> "::1"; anything else unchanged. */
export function withoutPort(address: string): string {
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    return close > 0 ? address.substring(1, close) : address;
  }
  const colon = address.lastIndexOf(":");
  if (colon < 0 || address.indexOf(":") != colon) return address;
  return address.substring(0, colon);
}
