// A rule's `match`, the request matcher filters share: every given condition must hold. `path` is
// exact and `prefix` a prefix of the request path without its query string (Envoy's route
// matching); `method` is case-sensitive, as HTTP methods are; header conditions test the request
// header's value.
import { ConfigErrors, fieldPath, itemPath } from "./config/index";
import { JsonValue } from "./json/index";
import { compileRegex, Regex } from "./regex/index";

export enum HeaderTest {
  Exact,
  Prefix,
  Present,
  Absent,
  Regex,
}

export class HeaderCondition {
  constructor(public name: string, public test: HeaderTest, public value: string, public regex: Regex | null = null) {}

  holds(actual: string | null): bool {
    switch (this.test) {
      case HeaderTest.Present: return actual !== null;
      case HeaderTest.Absent: return actual === null;
      case HeaderTest.Exact: return actual !== null && actual == this.value;
      case HeaderTest.Regex: return actual !== null && this.regex!.test(actual);
      default: return actual !== null && actual.startsWith(this.value);
    }
  }
}

/** The request facts a match reads; header values on demand (most rules test none). */
export abstract class RequestFacts {
  abstract path(): string;
  abstract method(): string;
  abstract header(name: string): string | null;
}

export class RequestMatch {
  prefix: string | null = null;
  path: string | null = null;
  method: string | null = null;
  /** Must match the whole path (without query), as Envoy's safe_regex. */
  pathRegex: Regex | null = null;
  headers: HeaderCondition[] = [];

  matches(request: RequestFacts): bool {
    const method = this.method;
    if (method !== null && request.method() != method) return false;
    const prefix = this.prefix;
    const exact = this.path;
    const pathRegex = this.pathRegex;
    if (prefix !== null || exact !== null || pathRegex !== null) {
      const path = withoutQuery(request.path());
      if (prefix !== null && !path.startsWith(prefix)) return false;
      if (exact !== null && path != exact) return false;
      if (pathRegex !== null && !pathRegex.test(path)) return false;
    }
    for (let i = 0; i < this.headers.length; i++) {
      const condition = this.headers[i];
      if (!condition.holds(request.header(condition.name))) return false;
    }
    return true;
  }
}

export function withoutQuery(path: string): string {
  const question = path.indexOf("?");
  return question < 0 ? path : path.substring(0, question);
}

const MATCH_KEYS: string[] = ["prefix", "path", "path_regex", "method", "headers"];
const HEADER_KEYS: string[] = ["name", "exact", "prefix", "present", "regex"];

export function parseMatch(value: JsonValue, path: string, problems: ConfigErrors): RequestMatch {
  const match = new RequestMatch();
  if (!value.isObject) {
    problems.add(path, "expected an object with prefix/path/method/headers, got " + value.kindName);
    return match;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    if (!MATCH_KEYS.includes(object.keys[i])) {
      problems.add(fieldPath(path, object.keys[i]), "unknown field (expected one of prefix, path, path_regex, method, headers)");
    }
  }
  match.prefix = pathString(object.get("prefix"), fieldPath(path, "prefix"), problems);
  match.path = pathString(object.get("path"), fieldPath(path, "path"), problems);
  const pathRegex = object.get("path_regex");
  if (pathRegex !== null) match.pathRegex = wholeMatchRegex(pathRegex, fieldPath(path, "path_regex"), problems);
  const method = object.get("method");
  if (method !== null) {
    if (!method.isString || method.asString().length == 0) problems.add(fieldPath(path, "method"), "expected an HTTP method such as \"GET\"");
    else match.method = method.asString();
  }
  const headers = object.get("headers");
  if (headers !== null) {
    const at = fieldPath(path, "headers");
    if (!headers.isArray) problems.add(at, "expected an array of header conditions, got " + headers.kindName);
    else {
      const list = headers.asArray();
      for (let i = 0; i < list.length; i++) {
        const condition = parseHeaderCondition(list.items[i], itemPath(at, i), problems);
        if (condition !== null) match.headers.push(condition);
      }
    }
  }
  return match;
}

/**
 * An RE2 pattern that must match the whole value (Envoy's safe_regex). Constructs RE2 lacks
 * (lookaround, backreferences) are refused, as Envoy would refuse them.
 */
function wholeMatchRegex(value: JsonValue, path: string, problems: ConfigErrors): Regex | null {
  if (!value.isString || value.asString().length == 0) {
    problems.add(path, "expected a regular expression (RE2 syntax) as a string");
    return null;
  }
  const pattern = value.asString();
  const compiled = compileRegex("^(?:" + pattern + ")$");
  const regex = compiled.regex;
  if (regex === null) {
    // Offsets refer to the wrapped pattern; report them in the user's pattern.
    problems.add(path, compiled.error! + " at offset " + max(0, compiled.errorOffset - 4).toString() + " in /" + pattern + "/");
    return null;
  }
  if (regex.usesBacktracking) {
    problems.add(path, "/" + pattern + "/ uses lookaround or backreferences, which RE2 (and so Envoy) does not support");
    return null;
  }
  return regex;
}

function pathString(value: JsonValue | null, path: string, problems: ConfigErrors): string | null {
  if (value === null) return null;
  if (!value.isString || !value.asString().startsWith("/")) {
    problems.add(path, "expected a path starting with \"/\"");
    return null;
  }
  return value.asString();
}

function parseHeaderCondition(value: JsonValue, path: string, problems: ConfigErrors): HeaderCondition | null {
  if (!value.isObject) {
    problems.add(path, "expected {name, exact | prefix | present}, got " + value.kindName);
    return null;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    if (!HEADER_KEYS.includes(object.keys[i])) {
      problems.add(fieldPath(path, object.keys[i]), "unknown field (expected one of name, exact, prefix, present, regex)");
    }
  }
  const name = object.getString("name");
  if (name === null || name.length == 0) {
    problems.add(fieldPath(path, "name"), "expected a header name");
    return null;
  }
  let tests = 0;
  let condition: HeaderCondition | null = null;
  const exact = object.get("exact");
  if (exact !== null) {
    tests++;
    if (!exact.isString || hasControlCharacter(exact.asString())) problems.add(fieldPath(path, "exact"), "expected a header value string");
    else condition = new HeaderCondition(name.toLowerCase(), HeaderTest.Exact, exact.asString());
  }
  const prefix = object.get("prefix");
  if (prefix !== null) {
    tests++;
    if (!prefix.isString) problems.add(fieldPath(path, "prefix"), "expected a string");
    else condition = new HeaderCondition(name.toLowerCase(), HeaderTest.Prefix, prefix.asString());
  }
  const present = object.get("present");
  if (present !== null) {
    tests++;
    if (!present.isBool) problems.add(fieldPath(path, "present"), "expected true or false");
    else condition = new HeaderCondition(name.toLowerCase(), present.asBool() ? HeaderTest.Present : HeaderTest.Absent, "");
  }
  const regex = object.get("regex");
  if (regex !== null) {
    tests++;
    const compiled = wholeMatchRegex(regex, fieldPath(path, "regex"), problems);
    if (compiled !== null) condition = new HeaderCondition(name.toLowerCase(), HeaderTest.Regex, "", compiled);
  }
  if (tests == 0) {
    problems.add(path, "needs one of exact, prefix, present or regex");
    return null;
  }
  if (tests > 1) {
    problems.add(path, "give only one of exact, prefix, present or regex");
    return null;
  }
  return condition;
}

function hasControlCharacter(value: string): bool {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c == 0x0d || c == 0x0a || c == 0x00) return true;
  }
  return false;
}
