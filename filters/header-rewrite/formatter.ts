// Envoy's substitution formatter, the subset header values need:
//   %REQ(name)%  %REQ(name?alternative)%  %RESP(name)%  (each with an optional :max_length)
//   %DOWNSTREAM_REMOTE_ADDRESS%  %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%
//   %DOWNSTREAM_LOCAL_ADDRESS%   %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%
//   %PROTOCOL%  %START_TIME%  %START_TIME(%s)%  %RESPONSE_CODE%  and %% for a literal percent.
// A format is parsed once at configure time into segments; evaluation only concatenates.
import { headerNameProblem } from "./header-names";

export enum SegmentKind {
  Literal,
  RequestHeader,
  ResponseHeader,
  RemoteAddress,
  RemoteAddressWithoutPort,
  LocalAddress,
  LocalAddressWithoutPort,
  Protocol,
  StartTimeIso,
  StartTimeEpochSeconds,
  ResponseCode,
}

/** Which side of the exchange a value is evaluated on: `%RESP()%` only exists on the response. */
export enum Side {
  Request,
  Response,
}

export class Segment {
  constructor(
    public kind: SegmentKind,
    /** Literal text, or the header name for REQ/RESP. */
    public text: string = "",
    /** REQ(a?b): the header read when `text` is absent; "" for none. */
    public alternative: string = "",
    /** :Z suffix; -1 for no limit. */
    public maxLength: i32 = -1,
  ) {}
}

/** Where formatted values come from; the filter implements it over the host. */
export abstract class FormatSource {
  abstract requestHeader(name: string): string | null;
  abstract responseHeader(name: string): string | null;
  abstract remoteAddress(): string;
  abstract localAddress(): string;
  abstract protocol(): string;
  abstract startTimeNanos(): i64;
  abstract responseCode(): string;
}

export class Format {
  constructor(public segments: Segment[], public source: string) {}

  /** True when the value is one literal (no host lookups needed). */
  get isLiteral(): bool {
    return this.segments.length == 0 || (this.segments.length == 1 && this.segments[0].kind == SegmentKind.Literal);
  }

  /** Header names `%REQ()%` reads, so a response-side value can capture them at request time. */
  requestHeaderNames(): string[] {
    const names = new Array<string>();
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i];
      if (s.kind != SegmentKind.RequestHeader) continue;
      names.push(s.text);
      if (s.alternative.length > 0) names.push(s.alternative);
    }
    return names;
  }

  evaluate(from: FormatSource): string {
    if (this.segments.length == 1 && this.segments[0].kind == SegmentKind.Literal) return this.segments[0].text;
    let out = "";
    for (let i = 0; i < this.segments.length; i++) out += evaluateSegment(this.segments[i], from);
    return out;
  }
}

/** Outcome of parsing a format: `format` or an `error` naming the offset. */
export class FormatParse {
  constructor(public format: Format | null, public error: string) {}
}

export function parseFormat(text: string, side: Side): FormatParse {
  const segments = new Array<Segment>();
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c != 0x25) {
      const next = text.indexOf("%", i);
      const end = next < 0 ? text.length : next;
      literal += text.substring(i, end);
      i = end;
      continue;
    }
    if (i + 1 < text.length && text.charCodeAt(i + 1) == 0x25) {
      literal += "%";
      i += 2;
      continue;
    }
    const parsed = parseCommand(text, i, side);
    if (parsed.segment == null) return new FormatParse(null, parsed.error);
    if (literal.length > 0) {
      segments.push(new Segment(SegmentKind.Literal, literal));
      literal = "";
    }
    segments.push(parsed.segment!);
    i = parsed.end;
  }
  if (literal.length > 0 || segments.length == 0) segments.push(new Segment(SegmentKind.Literal, literal));
  return new FormatParse(new Format(segments, text), "");
}

class CommandParse {
  constructor(public segment: Segment | null, public end: i32, public error: string) {}
}

function fail(message: string, offset: i32): CommandParse {
  return new CommandParse(null, 0, message + " at offset " + offset.toString());
}

// Parses `%NAME[(args)][:max]%` starting at the `%` at `start`.
function parseCommand(text: string, start: i32, side: Side): CommandParse {
  let i = start + 1;
  while (i < text.length && isCommandChar(text.charCodeAt(i))) i++;
  const name = text.substring(start + 1, i);
  if (name.length == 0) return fail("'%' must start a command like %REQ(name)% or be written %%", start);
  let args = "";
  let hasArgs = false;
  if (i < text.length && text.charCodeAt(i) == 0x28) {
    const close = text.indexOf(")", i);
    if (close < 0) return fail("unclosed '(' in %" + name + "%", i);
    args = text.substring(i + 1, close);
    hasArgs = true;
    i = close + 1;
  }
  let maxLength: i32 = -1;
  if (i < text.length && text.charCodeAt(i) == 0x3a) {
    const digitsStart = i + 1;
    i = digitsStart;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i == digitsStart || i - digitsStart > 6) return fail("expected a length after ':' in %" + name + "%", digitsStart);
    maxLength = I32.parseInt(text.substring(digitsStart, i));
  }
  if (i >= text.length || text.charCodeAt(i) != 0x25) return fail("command %" + name + " is not closed by '%'", start);
  const end = i + 1;

  if (name == "REQ" || name == "RESP") {
    if (!hasArgs || args.length == 0) return fail("%" + name + "% needs a header name, as %" + name + "(x-header)%", start);
    if (name == "RESP" && side == Side.Request) {
      return fail("%RESP(" + args + ")% is only available in response header values", start);
    }
    const question = args.indexOf("?");
    const primary = (question < 0 ? args : args.substring(0, question)).toLowerCase();
    const alternative = question < 0 ? "" : args.substring(question + 1).toLowerCase();
    const problem = headerReadProblem(primary);
    if (problem.length > 0) return fail(problem + " in %" + name + "%", start);
    if (question >= 0) {
      const altProblem = headerReadProblem(alternative);
      if (altProblem.length > 0) return fail(altProblem + " in %" + name + "%", start);
    }
    const kind = name == "REQ" ? SegmentKind.RequestHeader : SegmentKind.ResponseHeader;
    return new CommandParse(new Segment(kind, primary, alternative, maxLength), end, "");
  }
  if (name == "START_TIME") {
    if (!hasArgs) return new CommandParse(new Segment(SegmentKind.StartTimeIso, "", "", maxLength), end, "");
    if (args == "%s") return new CommandParse(new Segment(SegmentKind.StartTimeEpochSeconds, "", "", maxLength), end, "");
    return fail("unsupported %START_TIME% format \"" + args + "\" (supported: none for ISO 8601, or %s)", start);
  }
  if (hasArgs) return fail("%" + name + "% takes no arguments", start);
  let kind: SegmentKind;
  if (name == "DOWNSTREAM_REMOTE_ADDRESS") kind = SegmentKind.RemoteAddress;
  else if (name == "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT") kind = SegmentKind.RemoteAddressWithoutPort;
  else if (name == "DOWNSTREAM_LOCAL_ADDRESS") kind = SegmentKind.LocalAddress;
  else if (name == "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT") kind = SegmentKind.LocalAddressWithoutPort;
  else if (name == "PROTOCOL") kind = SegmentKind.Protocol;
  else if (name == "RESPONSE_CODE") {
    if (side == Side.Request) return fail("%RESPONSE_CODE% is only available in response header values", start);
    kind = SegmentKind.ResponseCode;
  } else return fail("unknown command %" + name + "%", start);
  return new CommandParse(new Segment(kind, "", "", maxLength), end, "");
}

// Reading a pseudo-header (":path") or host is fine; only the token grammar matters here.
function headerReadProblem(name: string): string {
  if (name.length > 1 && name.charCodeAt(0) == 0x3a) return headerNameProblem(name.substring(1)).length == 0 ? "" : "invalid header name \"" + name + "\"";
  if (name == "host") return "";
  return headerNameProblem(name);
}

function isCommandChar(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || c == 0x5f || (c >= 0x30 && c <= 0x39);
}

function evaluateSegment(s: Segment, from: FormatSource): string {
  let value: string;
  switch (s.kind) {
    case SegmentKind.Literal: return s.text;
    case SegmentKind.RequestHeader: {
      let v = from.requestHeader(s.text);
      if (v == null && s.alternative.length > 0) v = from.requestHeader(s.alternative);
      value = v == null ? "" : v;
      break;
    }
    case SegmentKind.ResponseHeader: {
      let v = from.responseHeader(s.text);
      if (v == null && s.alternative.length > 0) v = from.responseHeader(s.alternative);
      value = v == null ? "" : v;
      break;
    }
    case SegmentKind.RemoteAddress: value = from.remoteAddress(); break;
    case SegmentKind.RemoteAddressWithoutPort: value = withoutPort(from.remoteAddress()); break;
    case SegmentKind.LocalAddress: value = from.localAddress(); break;
    case SegmentKind.LocalAddressWithoutPort: value = withoutPort(from.localAddress()); break;
    case SegmentKind.Protocol: value = from.protocol(); break;
    case SegmentKind.StartTimeIso: value = isoTime(from.startTimeNanos()); break;
    case SegmentKind.StartTimeEpochSeconds: value = (from.startTimeNanos() / 1_000_000_000).toString(); break;
    case SegmentKind.ResponseCode: value = from.responseCode(); break;
    default: value = "";
  }
  if (s.maxLength >= 0 && value.length > s.maxLength) value = value.substring(0, s.maxLength);
  return value;
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

/** Nanoseconds since the epoch as Envoy's default START_TIME: 2024-01-01T00:00:00.000Z. */
export function isoTime(nanos: i64): string {
  const millis = nanos / 1_000_000;
  let days = millis / 86_400_000;
  let msOfDay = millis % 86_400_000;
  if (msOfDay < 0) { msOfDay += 86_400_000; days -= 1; }
  // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" +
    pad(msOfDay / 3_600_000, 2) + ":" + pad((msOfDay / 60_000) % 60, 2) + ":" + pad((msOfDay / 1000) % 60, 2) +
    "." + pad(msOfDay % 1000, 3) + "Z";
}

function pad(n: i64, width: i32): string {
  return n.toString().padStart(width, "0");
}
