// The compiled rule model: what the SecLang parser produces and the engine evaluates.
import { Regex } from "../engine/regex";
import { Matcher } from "../engine/aho-corasick";
import { Macro, compileMacro } from "./macro";
import { KeyLookup } from "../engine/collection";

/** Variables the engine can resolve. Collections take selectors; scalars do not. */
export enum Var {
  ARGS, ARGS_GET, ARGS_POST, ARGS_NAMES, ARGS_GET_NAMES, ARGS_POST_NAMES,
  REQUEST_HEADERS, REQUEST_HEADERS_NAMES, REQUEST_COOKIES, REQUEST_COOKIES_NAMES,
  FILES, FILES_NAMES, FILES_SIZES, FILES_TMPNAMES, MULTIPART_PART_HEADERS, TX, XML, ENV, RULE,
  MATCHED_VARS, MATCHED_VARS_NAMES, RESPONSE_HEADERS, RESPONSE_HEADERS_NAMES, IP, GLOBAL, SESSION, USER, GEO,
  // scalars
  REQUEST_URI, REQUEST_URI_RAW, REQUEST_FILENAME, REQUEST_BASENAME, REQUEST_LINE, REQUEST_METHOD,
  REQUEST_PROTOCOL, QUERY_STRING, REQUEST_BODY, REQUEST_BODY_LENGTH, ARGS_COMBINED_SIZE,
  FILES_COMBINED_SIZE, FULL_REQUEST, FULL_REQUEST_LENGTH, REMOTE_ADDR, REMOTE_HOST, REMOTE_PORT,
  SERVER_ADDR, SERVER_NAME, SERVER_PORT, UNIQUE_ID, MATCHED_VAR, MATCHED_VAR_NAME, REQBODY_ERROR,
  REQBODY_ERROR_MSG, REQBODY_PROCESSOR, REQBODY_PROCESSOR_ERROR, MULTIPART_STRICT_ERROR,
  MULTIPART_UNMATCHED_BOUNDARY, MULTIPART_BOUNDARY_QUOTED, MULTIPART_BOUNDARY_WHITESPACE,
  MULTIPART_DATA_BEFORE, MULTIPART_DATA_AFTER, MULTIPART_HEADER_FOLDING, MULTIPART_LF_LINE,
  MULTIPART_MISSING_SEMICOLON, MULTIPART_INVALID_QUOTING, MULTIPART_INVALID_PART,
  MULTIPART_INVALID_HEADER_FOLDING, MULTIPART_FILE_LIMIT_EXCEEDED, MULTIPART_CRLF_LF_LINES,
  MULTIPART_FILENAME, MULTIPART_NAME, INBOUND_DATA_ERROR, OUTBOUND_DATA_ERROR, URLENCODED_ERROR,
  RESPONSE_BODY, RESPONSE_STATUS, RESPONSE_PROTOCOL, RESPONSE_CONTENT_TYPE, RESPONSE_CONTENT_LENGTH,
  DURATION, TIME, TIME_EPOCH, HIGHEST_SEVERITY, STATUS_LINE, AUTH_TYPE, REMOTE_USER, WEBSERVER_ERROR_LOG,
  UNKNOWN,
}

export const FIRST_SCALAR: i32 = Var.REQUEST_URI;

const VAR_NAMES: string[] = [
  "ARGS", "ARGS_GET", "ARGS_POST", "ARGS_NAMES", "ARGS_GET_NAMES", "ARGS_POST_NAMES",
  "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES", "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES",
  "FILES", "FILES_NAMES", "FILES_SIZES", "FILES_TMPNAMES", "MULTIPART_PART_HEADERS", "TX", "XML", "ENV", "RULE",
  "MATCHED_VARS", "MATCHED_VARS_NAMES", "RESPONSE_HEADERS", "RESPONSE_HEADERS_NAMES", "IP", "GLOBAL", "SESSION", "USER", "GEO",
  "REQUEST_URI", "REQUEST_URI_RAW", "REQUEST_FILENAME", "REQUEST_BASENAME", "REQUEST_LINE", "REQUEST_METHOD",
  "REQUEST_PROTOCOL", "QUERY_STRING", "REQUEST_BODY", "REQUEST_BODY_LENGTH", "ARGS_COMBINED_SIZE",
  "FILES_COMBINED_SIZE", "FULL_REQUEST", "FULL_REQUEST_LENGTH", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT",
  "SERVER_ADDR", "SERVER_NAME", "SERVER_PORT", "UNIQUE_ID", "MATCHED_VAR", "MATCHED_VAR_NAME", "REQBODY_ERROR",
  "REQBODY_ERROR_MSG", "REQBODY_PROCESSOR", "REQBODY_PROCESSOR_ERROR", "MULTIPART_STRICT_ERROR",
  "MULTIPART_UNMATCHED_BOUNDARY", "MULTIPART_BOUNDARY_QUOTED", "MULTIPART_BOUNDARY_WHITESPACE",
  "MULTIPART_DATA_BEFORE", "MULTIPART_DATA_AFTER", "MULTIPART_HEADER_FOLDING", "MULTIPART_LF_LINE",
  "MULTIPART_MISSING_SEMICOLON", "MULTIPART_INVALID_QUOTING", "MULTIPART_INVALID_PART",
  "MULTIPART_INVALID_HEADER_FOLDING", "MULTIPART_FILE_LIMIT_EXCEEDED", "MULTIPART_CRLF_LF_LINES",
  "MULTIPART_FILENAME", "MULTIPART_NAME", "INBOUND_DATA_ERROR", "OUTBOUND_DATA_ERROR", "URLENCODED_ERROR",
  "RESPONSE_BODY", "RESPONSE_STATUS", "RESPONSE_PROTOCOL", "RESPONSE_CONTENT_TYPE", "RESPONSE_CONTENT_LENGTH",
  "DURATION", "TIME", "TIME_EPOCH", "HIGHEST_SEVERITY", "STATUS_LINE", "AUTH_TYPE", "REMOTE_USER", "WEBSERVER_ERROR_LOG",
];

export function varFromName(name: string): Var {
  const upper = name.toUpperCase();
  for (let i = 0; i < VAR_NAMES.length; i++) if (VAR_NAMES[i] == upper) return <Var>i;
  return Var.UNKNOWN;
}

export function varName(v: Var): string {
  return <i32>v < VAR_NAMES.length ? VAR_NAMES[<i32>v] : "UNKNOWN";
}

/** One target of a rule, e.g. `ARGS:id`, `&TX:foo`, `REQUEST_COOKIES:/__utm/`. */
export class Target {
  variable: Var = Var.UNKNOWN;
  /** Selector as written (lower-cased for matching), "" for the whole collection. */
  selector: string = "";
  /** The selector contains a macro (%{...}) to expand per transaction. */
  selectorIsMacro: bool = false;
  selectorRegex: Regex | null = null;
  /** Where the plain selector's key was last found in its collection. */
  lookup: KeyLookup = new KeyLookup();
  isCount: bool = false;
  /** An exclusion (`!ARGS:foo`): removes matching elements of the same collection. */
  isExclusion: bool = false;

  private countNameCache: string | null = null;

  /** `&ARGS:foo`: the name a count target's value goes by. */
  get countName(): string {
    let n = this.countNameCache;
    if (n == null) { n = "&" + this.describe(); this.countNameCache = n; }
    return n!;
  }

  private lowerCountNameCache: string | null = null;

  /** countName in lower case. */
  get lowerCountName(): string {
    let n = this.lowerCountNameCache;
    if (n == null) {
      n = "";
      const name = this.countName;
      for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        n += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
      }
      this.lowerCountNameCache = n;
    }
    return n!;
  }

  private nameKey: string | null = null;
  private nameCache: string = "";
  private lowerNameCache: string = "";

  /** `TX:key` for the element key `key` this target picked, kept while the target keeps picking that key. */
  matchedName(key: string): string {
    this.cacheName(key);
    return this.nameCache;
  }

  /** matchedName in lower case. */
  lowerMatchedName(key: string): string {
    this.cacheName(key);
    return this.lowerNameCache;
  }

  private cacheName(key: string): void {
    if (this.nameKey != null && changetype<usize>(this.nameKey) == changetype<usize>(key)) return;
    this.nameKey = key;
    this.nameCache = varName(this.variable) + ":" + key;
    let lower = "";
    const name = this.nameCache;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      lower += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
    }
    this.lowerNameCache = lower;
  }

  /** The text form, for logs and ctl matching: `ARGS:foo`. */
  describe(): string {
    if (this.selector.length == 0) return varName(this.variable);
    return varName(this.variable) + ":" + this.selector;
  }
}

export enum Op {
  rx, pm, pmFromFile, streq, contains, containsWord, beginsWith, endsWith, within, eq, ge, gt, le, lt,
  ipMatch, ipMatchFromFile, validateByteRange, validateUrlEncoding, validateUtf8Encoding, detectSQLi,
  detectXSS, unconditionalMatch, noMatch, strmatch, neverMatches,
}

export class Operator {
  op: Op = Op.rx;
  negated: bool = false;
  /** The argument as written. */
  argument: string = "";
  /** The argument contains %{...} and must be expanded per transaction. */
  argumentIsMacro: bool = false;
  argumentMacro: Macro | null = null;
  regex: Regex | null = null;
  /**
   * @rx: the literals one of which every match contains (engine/literals.ts), read right after
   * the pattern compiles, while the collector is busy with the load's garbage anyway; consumed
   * (and cleared) by assignPlans.
   */
  requiredLiterals: string[] | null = null;
  matcher: Matcher | null = null;
  /** @validateByteRange: 256 allowed flags. */
  byteRanges: StaticArray<bool> | null = null;
  /** @ipMatch: [network, mask] pairs of IPv4 (as u32) networks; IPv6 literals kept as strings. */
  ipv4Networks: u32[] = [];
  ipv4Masks: u32[] = [];
  ipv6Literals: string[] = [];
  /** @within, numeric constants and string constants, pre-lower-cased where the operator is case-insensitive. */
  numeric: i64 = 0;
}

export class SetVar {
  collection: string = "tx";
  /** Key, possibly a macro. */
  key: string = "";
  /** Value, possibly with macros. */
  value: string = "";
  /** '=' set, '+' add, '-' subtract, '!' delete. */
  mode: i32 = 61;
  keyMacro: Macro = new Macro();
  valueMacro: Macro = new Macro();
  /** Where a literal key was last found in TX. */
  lookup: KeyLookup = new KeyLookup();
}

export enum Ctl {
  ruleEngine, requestBodyAccess, requestBodyLimit, requestBodyProcessor, forceRequestBodyVariable,
  ruleRemoveById, ruleRemoveByTag, ruleRemoveTargetById, ruleRemoveTargetByTag, auditEngine,
  auditLogParts, other,
}

export class CtlAction {
  kind: Ctl = Ctl.other;
  value: string = "";
  /** ruleRemoveById ranges, ruleRemoveTarget* rule ids. */
  idFrom: i64 = 0;
  idTo: i64 = 0;
  /** ruleRemoveTarget*: the target removed, e.g. ARGS:foo. */
  target: Target | null = null;
}

export enum Disruptive { none, pass, block, deny, drop, allow, redirect }

export class Rule {
  id: i64 = 0;
  phase: i32 = 2;
  /** The file and line it came from, for error messages. */
  source: string = "";
  isMarker: bool = false;
  /** SecAction: no targets, always matches. */
  isAction: bool = false;
  markerName: string = "";
  targets: Target[] = [];
  exclusions: Target[] = [];
  operator: Operator = new Operator();
  transforms: i32[] = [];
  /** Identifies the transforms list (equal lists share it) for the per-request cache; -1 until known. */
  transformChainId: i32 = -1;
  /** Shared target plan (engine/plan.ts), -1 when its targets must be resolved per evaluation. */
  planId: i32 = -1;
  /** Its bit in the literal scanner of its plan (engine/plan.ts), -1 when its values are not prefiltered. */
  literalSlot: i32 = -1;
  disruptive: Disruptive = Disruptive.none;
  status: i32 = 0;
  msg: string = "";
  logdata: string = "";
  private msgMacroCache: Macro | null = null;
  private logdataMacroCache: Macro | null = null;

  /** msg compiled (on first use: only rules that match need it). */
  get msgMacro(): Macro {
    let m = this.msgMacroCache;
    if (m == null) { m = compileMacro(this.msg); this.msgMacroCache = m; }
    return m!;
  }

  /** logdata compiled (on first use). */
  get logdataMacro(): Macro {
    let m = this.logdataMacroCache;
    if (m == null) { m = compileMacro(this.logdata); this.logdataMacroCache = m; }
    return m!;
  }
  tags: string[] = [];
  severity: i32 = -1;
  capture: bool = false;
  multiMatch: bool = false;
  log: bool = true;
  logSet: bool = false;
  skip: i32 = 0;
  skipAfter: string = "";
  /** Position in its phase's list of the marker skipAfter names (the list's length if none follows). */
  skipAfterIndex: i32 = -1;
  setvars: SetVar[] = [];
  ctls: CtlAction[] = [];
  /** The next link of a chain, or null. */
  chained: Rule | null = null;
  hasChainAction: bool = false;
  /** Its targets are TX variables named plainly (or their counts), untransformed: evaluated by direct lookups (engine/evaluate.ts). */
  plainTxTargets: bool = false;
  /** Rules removed by id/tag at configuration time stay out of the phase lists. */
  removed: bool = false;

  hasTag(tag: string): bool {
    for (let i = 0; i < this.tags.length; i++) if (this.tags[i] == tag) return true;
    return false;
  }
}

export const SEVERITY_NAMES: string[] = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"];
