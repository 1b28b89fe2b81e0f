// Resolves a rule target (`ARGS:id`, `&TX:x`, `REQUEST_HEADERS:/^x-/`) to (name, value) pairs.
import { Target, Var, varName, Rule, FIRST_SCALAR } from "../seclang/model";
import { Transaction } from "./transaction";
import { Collection } from "./collection";
import { asciiLower } from "./bytes";

const EMPTY = new Collection();

/** "ARGS:", "TX:", ... for every collection variable, so names are not rebuilt per element. */
const COLLECTION_PREFIXES: string[] = buildPrefixes();

function buildPrefixes(): string[] {
  const out: string[] = [];
  for (let i = 0; i < FIRST_SCALAR; i++) out.push(varName(<Var>i) + ":");
  return out;
}

/** Where one target's values go: parallel arrays reused across targets. */
export class Resolved {
  /** Each name is prefix + key ("ARGS:" + "id"), joined only when a rule needs it (on a match). */
  prefixes: string[] = [];
  keys: string[] = [];
  values: string[] = [];

  get length(): i32 { return this.values.length; }

  clear(): void {
    if (this.values.length == 0) return;
    this.prefixes.length = 0;
    this.keys.length = 0;
    this.values.length = 0;
  }

  push(name: string, value: string): void {
    this.pushKeyed(name, "", value);
  }

  pushKeyed(prefix: string, key: string, value: string): void {
    this.prefixes.push(prefix);
    this.keys.push(key);
    this.values.push(value);
  }

  name(i: i32): string {
    const key = unchecked(this.keys[i]);
    return key.length == 0 ? unchecked(this.prefixes[i]) : unchecked(this.prefixes[i]) + key;
  }
}

/** The collection behind a collection variable, and whether its values are the keys (…_NAMES). */
export function collectionOf(tx: Transaction, v: Var): Collection {
  switch (v) {
    case Var.ARGS: case Var.ARGS_NAMES: return tx.args;
    case Var.ARGS_GET: case Var.ARGS_GET_NAMES: return tx.argsGet;
    case Var.ARGS_POST: case Var.ARGS_POST_NAMES: return tx.argsPost;
    case Var.REQUEST_HEADERS: case Var.REQUEST_HEADERS_NAMES: return tx.headers;
    case Var.REQUEST_COOKIES: case Var.REQUEST_COOKIES_NAMES: return tx.cookies;
    case Var.FILES: return tx.files;
    case Var.FILES_NAMES: return tx.filesNames;
    case Var.FILES_SIZES: return tx.filesSizes;
    case Var.MULTIPART_PART_HEADERS: return tx.multipartPartHeaders;
    case Var.TX: return tx.tx;
    case Var.XML: return tx.xml;
    case Var.ENV: return tx.env;
    case Var.MATCHED_VARS: case Var.MATCHED_VARS_NAMES: return tx.matchedVars;
    case Var.RESPONSE_HEADERS: case Var.RESPONSE_HEADERS_NAMES: return tx.responseHeaders;
    default: return EMPTY;
  }
}

function valuesAreKeys(v: Var): bool {
  return v == Var.ARGS_NAMES || v == Var.ARGS_GET_NAMES || v == Var.ARGS_POST_NAMES || v == Var.REQUEST_HEADERS_NAMES ||
    v == Var.REQUEST_COOKIES_NAMES || v == Var.MATCHED_VARS_NAMES || v == Var.RESPONSE_HEADERS_NAMES;
}

/** Does a selector (plain, or /regex/) pick the element with this key? */
export function selectorPicks(t: Target, selector: string, key: string, lowerKey: string): bool {
  const regex = t.selectorRegex;
  if (regex != null) {
    const literal = regex.literal;
    if (literal != null) {
      const picked = literal.picks(lowerKey);
      if (picked >= 0) return picked == 1;
    }
    return regex.exec(key, false);
  }
  return selector == lowerKey;
}

export function scalarValue(tx: Transaction, v: Var, rule: Rule | null): string {
  switch (v) {
    case Var.REQUEST_URI: return tx.requestUri;
    case Var.REQUEST_URI_RAW: return tx.rawUri;
    case Var.REQUEST_FILENAME: return tx.requestFilename;
    case Var.REQUEST_BASENAME: return tx.requestBasename;
    case Var.REQUEST_LINE: return tx.requestLine;
    case Var.REQUEST_METHOD: return tx.method;
    case Var.REQUEST_PROTOCOL: return tx.protocol;
    case Var.QUERY_STRING: return tx.queryString;
    case Var.REQUEST_BODY: return tx.body;
    case Var.REQUEST_BODY_LENGTH: return tx.body.length.toString();
    case Var.ARGS_COMBINED_SIZE: return tx.argsCombinedSize().toString();
    case Var.FILES_COMBINED_SIZE: {
      let n: i64 = 0;
      for (let i = 0; i < tx.filesSizes.size; i++) n += I64.parseInt(tx.filesSizes.values[i]);
      return n.toString();
    }
    case Var.FULL_REQUEST: {
      let s = tx.requestLine + "\n";
      for (let i = 0; i < tx.headers.size; i++) s += tx.headers.keys[i] + ": " + tx.headers.values[i] + "\n";
      return s + "\n" + tx.body;
    }
    case Var.FULL_REQUEST_LENGTH: return (scalarValue(tx, Var.FULL_REQUEST, rule).length).toString();
    case Var.REMOTE_ADDR: return tx.remoteAddr;
    case Var.REMOTE_HOST: return tx.remoteAddr;
    case Var.REMOTE_PORT: return tx.remotePort;
    case Var.SERVER_ADDR: return tx.serverAddr;
    case Var.SERVER_PORT: return tx.serverPort;
    case Var.SERVER_NAME: {
      const host = tx.header("host");
      const colon = host.indexOf(":");
      return colon < 0 ? host : host.substring(0, colon);
    }
    case Var.UNIQUE_ID: return tx.uniqueId;
    case Var.MATCHED_VAR: return tx.matchedVar;
    case Var.MATCHED_VAR_NAME: return tx.matchedVarName;
    case Var.REQBODY_ERROR: case Var.REQBODY_PROCESSOR_ERROR: return tx.reqbodyError ? "1" : "0";
    case Var.REQBODY_ERROR_MSG: return tx.reqbodyErrorMsg;
    case Var.REQBODY_PROCESSOR: return tx.bodyProcessor;
    case Var.MULTIPART_STRICT_ERROR: return tx.multipartStrictError ? "1" : "0";
    case Var.MULTIPART_UNMATCHED_BOUNDARY: return tx.multipartUnmatchedBoundary ? "1" : "0";
    case Var.MULTIPART_BOUNDARY_QUOTED: return flag(tx, "boundary_quoted");
    case Var.MULTIPART_BOUNDARY_WHITESPACE: return flag(tx, "boundary_whitespace");
    case Var.MULTIPART_DATA_BEFORE: return flag(tx, "data_before");
    case Var.MULTIPART_DATA_AFTER: return flag(tx, "data_after");
    case Var.MULTIPART_HEADER_FOLDING: return flag(tx, "header_folding");
    case Var.MULTIPART_LF_LINE: return flag(tx, "lf_line");
    case Var.MULTIPART_INVALID_QUOTING: return flag(tx, "invalid_quoting");
    case Var.MULTIPART_INVALID_PART: return flag(tx, "invalid_part");
    case Var.URLENCODED_ERROR: return tx.urlencodedError ? "1" : "0";
    case Var.INBOUND_DATA_ERROR: return tx.inboundDataError ? "1" : "0";
    case Var.HIGHEST_SEVERITY: return tx.highestSeverity.toString();
    case Var.RESPONSE_STATUS: return tx.responseStatus;
    case Var.RESPONSE_BODY: return tx.responseBody;
    case Var.RESPONSE_PROTOCOL: return tx.responseProtocol;
    case Var.RESPONSE_CONTENT_TYPE: return tx.responseHeaders.get("content-type");
    case Var.RESPONSE_CONTENT_LENGTH: return tx.responseHeaders.get("content-length");
    case Var.STATUS_LINE: return tx.responseStatus.length > 0 ? tx.responseProtocol + " " + tx.responseStatus : "";
    case Var.DURATION: return "0";
    default: return "0";
  }
}

function flag(tx: Transaction, name: string): string {
  return tx.multipartFlags.has(name) ? "1" : "0";
}

/**
 * Appends the pairs `t` yields. `selector` is t.selector with macros expanded. Elements also picked by
 * one of `exclusions` (same variable) are left out.
 */
export function resolveTarget(tx: Transaction, t: Target, selector: string, exclusions: Target[], rule: Rule | null, out: Resolved): void {
  const v = t.variable;
  if (<i32>v >= FIRST_SCALAR) {
    if (v == Var.REQUEST_BODY && !tx.requestBodyVisible()) return;
    const value = scalarValue(tx, v, rule);
    if (t.isCount) { out.push(t.countName, "1"); return; }
    out.push(varName(v), value);
    return;
  }
  if (v == Var.RULE) {
    if (rule == null) return;
    if (selector == "id") out.push("RULE:id", rule!.id.toString());
    else if (selector == "msg") out.push("RULE:msg", rule!.msg);
    else if (selector == "phase") out.push("RULE:phase", rule!.phase.toString());
    return;
  }
  const c = collectionOf(tx, v);
  const keysAsValues = valuesAreKeys(v);
  // MATCHED_VARS keys are already full names like ARGS:x.
  const prefix = v == Var.MATCHED_VARS || v == Var.MATCHED_VARS_NAMES ? "" : COLLECTION_PREFIXES[<i32>v];
  const hasSelector = selector.length > 0 || t.selectorRegex != null;
  let count = 0;
  const size = c.size;
  let from = 0;
  let to = size;
  if (hasSelector && t.selectorRegex == null) {
    // A plain selector: the key index names the first element with that key, and the only one
    // unless the collection holds duplicate keys.
    from = selector == t.selector ? c.cachedIndexOf(selector, t.lookup) : c.indexOf(selector);
    if (from < 0) to = 0;
    else if (!c.hasDuplicateKeys) to = from + 1;
  }
  for (let i = max(from, 0); i < to; i++) {
    const key = unchecked(c.keys[i]);
    const lowerKey = unchecked(c.lowerKeys[i]);
    if (hasSelector && !selectorPicks(t, selector, key, lowerKey)) continue;
    let excluded = false;
    for (let e = 0; e < exclusions.length; e++) {
      const ex = unchecked(exclusions[e]);
      if (ex.variable != v) continue;
      if ((ex.selector.length == 0 && ex.selectorRegex == null) || selectorPicks(ex, ex.selector, key, lowerKey)) { excluded = true; break; }
    }
    if (excluded) continue;
    count++;
    if (t.isCount) continue;
    out.pushKeyed(prefix, key, keysAsValues ? key : unchecked(c.values[i]));
  }
  if (t.isCount) out.push(t.countName, count.toString());
}

export function lowerSelector(s: string): string { return asciiLower(s); }
