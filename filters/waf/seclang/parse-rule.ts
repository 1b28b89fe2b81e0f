// Parses the three parts of a SecRule (targets, operator, actions) into the rule model.
import { Rule, Target, Var, varFromName, Operator, Op, SetVar, CtlAction, Ctl, Disruptive, SEVERITY_NAMES } from "./model";
import { asciiLower, isSpace } from "../engine/bytes";
import { compileByteRegex } from "../engine/regex";
import { literalSelector } from "../engine/literal-selector";
import { Matcher } from "../engine/aho-corasick";
import { requiredLiterals } from "../engine/literals";
import { transformFromName, T } from "../engine/transforms";
import { parseIpNetworks } from "../engine/ip";
import { compileMacro } from "./macro";

/** Files Include and @pmFromFile can read: embedded at build time (Envoy gives no file access). */
export class FileSet {
  names: string[] = [];
  contents: string[] = [];

  add(name: string, content: string): void {
    this.names.push(name);
    this.contents.push(content);
  }

  /** Finds a file by exact name, else by base name (rules name data files relative to themselves). */
  find(name: string): string | null {
    for (let i = 0; i < this.names.length; i++) if (this.names[i] == name) return this.contents[i];
    const base = baseName(name);
    for (let i = 0; i < this.names.length; i++) if (baseName(this.names[i]) == base) return this.contents[i];
    return null;
  }
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.substring(slash + 1);
}

/** Holds the first error met while parsing; the caller prefixes it with file:line. */
export class ParseContext {
  error: string = "";
  files: FileSet = new FileSet();
  /** Operators that cannot work in a proxy (@rbl, @geoLookup): logged once at load. */
  notices: string[] = [];

  fail(message: string): void {
    if (this.error.length == 0) this.error = message;
  }
}

// ---------------------------------------------------------------- targets

export function parseTargets(text: string, ctx: ParseContext): Target[] {
  const targets: Target[] = [];
  let i = 0;
  const len = text.length;
  while (i < len) {
    while (i < len && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) == 124)) i++;
    if (i >= len) break;
    const t = new Target();
    if (text.charCodeAt(i) == 33) { t.isExclusion = true; i++; }
    if (i < len && text.charCodeAt(i) == 38) { t.isCount = true; i++; }
    const nameStart = i;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c == 58 || c == 124 || isSpace(c)) break;
      i++;
    }
    const name = text.substring(nameStart, i);
    t.variable = varFromName(name);
    if (t.variable == Var.UNKNOWN) {
      ctx.fail("unknown variable '" + name + "' in '" + text + "'");
      return targets;
    }
    if (i < len && text.charCodeAt(i) == 58) {
      i++;
      if (i < len && text.charCodeAt(i) == 47 && !(t.variable == Var.XML)) {
        // /regex/ selector: ends at the next unescaped slash.
        let j = i + 1;
        while (j < len && text.charCodeAt(j) != 47) { if (text.charCodeAt(j) == 92) j++; j++; }
        if (j >= len) { ctx.fail("unterminated regular-expression selector in '" + text + "'"); return targets; }
        const pattern = text.substring(i + 1, j);
        const compiled = compileByteRegex(pattern, true);
        if (compiled.regex == null) { ctx.fail("bad selector regex /" + pattern + "/: " + compiled.error); return targets; }
        t.selectorRegex = compiled.regex;
        compiled.regex!.literal = literalSelector(pattern);
        t.selector = "/" + pattern + "/";
        i = j + 1;
      } else if (i < len && text.charCodeAt(i) == 39) {
        const end = text.indexOf("'", i + 1);
        if (end < 0) { ctx.fail("unterminated quoted selector in '" + text + "'"); return targets; }
        t.selector = asciiLower(text.substring(i + 1, end));
        i = end + 1;
      } else {
        const from = i;
        while (i < len && text.charCodeAt(i) != 124 && !isSpace(text.charCodeAt(i))) i++;
        t.selector = asciiLower(text.substring(from, i));
      }
      t.selectorIsMacro = t.selector.indexOf("%{") >= 0;
    }
    targets.push(t);
  }
  return targets;
}

// ---------------------------------------------------------------- operator

const OP_NAMES: string[] = [
  "rx", "pm", "pmfromfile", "streq", "contains", "containsword", "beginswith", "endswith", "within", "eq", "ge", "gt", "le", "lt",
  "ipmatch", "ipmatchfromfile", "validatebyterange", "validateurlencoding", "validateutf8encoding", "detectsqli",
  "detectxss", "unconditionalmatch", "nomatch", "strmatch",
];

export function parseOperator(text: string, ctx: ParseContext): Operator {
  const op = new Operator();
  let s = text;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i < s.length && s.charCodeAt(i) == 33) { op.negated = true; i++; }
  if (i >= s.length || s.charCodeAt(i) != 64) {
    op.op = Op.rx;
    op.argument = s.substring(i);
  } else {
    i++;
    const from = i;
    while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
    const name = asciiLower(s.substring(from, i));
    if (i < s.length) i++;
    op.argument = s.substring(i);
    if (name == "pmf") op.op = Op.pmFromFile;
    else if (name == "rbl" || name == "geolookup" || name == "inspectfile" || name == "verifycc" || name == "verifycpf" || name == "verifyssn" || name == "fuzzyhash" || name == "gsblookup") {
      op.op = Op.neverMatches;
      ctx.notices.push("@" + name + " cannot work inside a proxy: rules using it load but never match");
      return op;
    } else {
      let found = -1;
      for (let k = 0; k < OP_NAMES.length; k++) if (OP_NAMES[k] == name) { found = k; break; }
      if (found < 0) { ctx.fail("unknown operator '@" + name + "'"); return op; }
      op.op = <Op>found;
    }
  }
  op.argumentIsMacro = op.argument.indexOf("%{") >= 0;
  if (op.argumentIsMacro) op.argumentMacro = compileMacro(op.argument);
  switch (op.op) {
    case Op.rx: {
      if (op.argumentIsMacro) break; // e.g. "^%{tx.allowed_charsets}$": compiled per transaction
      const compiled = compileByteRegex(op.argument);
      if (compiled.regex == null) { ctx.fail("bad @rx pattern: " + compiled.error); return op; }
      op.regex = compiled.regex;
      op.requiredLiterals = requiredLiterals(op.argument);
      break;
    }
    case Op.pm: {
      // Space-separated phrases, as ModSecurity splits them, read in place.
      const arg = op.argument;
      const m = new Matcher(arg.length);
      let from = 0;
      for (let i = 0; i <= arg.length; i++) {
        if (i < arg.length && arg.charCodeAt(i) != 32) continue;
        m.addPhrase(arg, from, i);
        from = i + 1;
      }
      m.build();
      op.matcher = m;
      break;
    }
    case Op.pmFromFile: {
      const files = op.argument.split(" ");
      let chars = 0;
      for (let f = 0; f < files.length; f++) {
        if (files[f].length == 0) continue;
        const content = ctx.files.find(files[f]);
        if (content == null) { ctx.fail("@pmFromFile: data file '" + files[f] + "' is not embedded"); return op; }
        chars += content!.length;
      }
      const m = new Matcher(chars);
      for (let f = 0; f < files.length; f++) {
        if (files[f].length > 0) addPhraseLines(m, ctx.files.find(files[f])!);
      }
      m.build();
      op.matcher = m;
      break;
    }
    case Op.ipMatch: {
      const err = parseIpNetworks(op.argument.replaceAll(",", " "), op);
      if (err.length > 0) ctx.fail("@ipMatch: " + err);
      break;
    }
    case Op.ipMatchFromFile: {
      const content = ctx.files.find(op.argument.trim());
      if (content == null) { ctx.fail("@ipMatchFromFile: data file '" + op.argument + "' is not embedded"); return op; }
      const err = parseIpNetworks(content!.replaceAll("\n", " "), op);
      if (err.length > 0) ctx.fail("@ipMatchFromFile: " + err);
      op.op = Op.ipMatch;
      break;
    }
    case Op.validateByteRange: {
      const allowed = new StaticArray<bool>(256);
      const parts = op.argument.split(",");
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p].trim();
        if (part.length == 0) continue;
        const dash = part.indexOf("-");
        const a = dash < 0 ? parseDecimal(part) : parseDecimal(part.substring(0, dash).trim());
        const b = dash < 0 ? a : parseDecimal(part.substring(dash + 1).trim());
        if (a < 0 || b < 0 || a > 255 || b > 255 || a > b) { ctx.fail("@validateByteRange: bad range '" + part + "' (expected 0-255 or a-b)"); return op; }
        for (let k = a; k <= b; k++) allowed[k] = true;
      }
      op.byteRanges = allowed;
      break;
    }
    case Op.eq: case Op.ge: case Op.gt: case Op.le: case Op.lt: {
      if (!op.argumentIsMacro) op.numeric = parseLeadingInt(op.argument.trim());
      break;
    }
    default: break;
  }
  return op;
}

/** Each line of a data file is a phrase, except empty lines and # comments. */
function addPhraseLines(m: Matcher, content: string): void {
  const len = content.length;
  let start = 0;
  while (start < len) {
    let end = content.indexOf("\n", start);
    if (end < 0) end = len;
    let last = end;
    if (last > start && content.charCodeAt(last - 1) == 13) last--;
    if (last > start && content.charCodeAt(start) != 35) m.addPhrase(content, start, last);
    start = end + 1;
  }
}

function parseDecimal(s: string): i32 {
  if (s.length == 0 || s.length > 9) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** Like C's atoi: leading sign and digits, anything else ends the number (0 if none). */
export function parseLeadingInt(s: string): i64 {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < s.length && (s.charCodeAt(i) == 45 || s.charCodeAt(i) == 43)) { neg = s.charCodeAt(i) == 45; i++; }
  let v: i64 = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + <i64>(c - 48);
    if (v > 0x7fffffffffff) break;
    i++;
  }
  return neg ? -v : v;
}

// ---------------------------------------------------------------- actions

/** Splits `a,b:'x,y',c` into [name, value] pairs. */
export function splitActions(text: string, ctx: ParseContext): string[][] {
  const out: string[][] = [];
  let i = 0;
  const len = text.length;
  while (i < len) {
    while (i < len && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) == 44)) i++;
    if (i >= len) break;
    const nameStart = i;
    while (i < len && text.charCodeAt(i) != 58 && text.charCodeAt(i) != 44) i++;
    const name = text.substring(nameStart, i).trim();
    let value = "";
    if (i < len && text.charCodeAt(i) == 58) {
      i++;
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      if (i < len && text.charCodeAt(i) == 39) {
        i++;
        let from = i;
        let closed = false;
        while (i < len) {
          const c = text.charCodeAt(i);
          if (c == 92 && i + 1 < len && text.charCodeAt(i + 1) == 39) { value += text.substring(from, i) + "'"; i += 2; from = i; continue; }
          if (c == 39) { closed = true; break; }
          i++;
        }
        if (!closed) { ctx.fail("unterminated quoted value of action '" + name + "'"); return out; }
        value += text.substring(from, i);
        i++;
      } else {
        const from = i;
        while (i < len && text.charCodeAt(i) != 44) i++;
        value = text.substring(from, i).trim();
      }
    }
    out.push([name, value]);
  }
  return out;
}

/** Applies parsed actions to a rule; `isDefault` marks SecDefaultAction (no id needed). */
export function applyActions(rule: Rule, actions: string[][], ctx: ParseContext): void {
  for (let a = 0; a < actions.length; a++) {
    const name = asciiLower(actions[a][0]);
    const value = actions[a][1];
    if (name == "id") {
      rule.id = parseLeadingInt(value);
      if (rule.id <= 0) ctx.fail("action id: expected a positive number, got '" + value + "'");
    } else if (name == "phase") {
      const v = asciiLower(value);
      if (v == "request") rule.phase = 2;
      else if (v == "response") rule.phase = 4;
      else if (v == "logging") rule.phase = 5;
      else {
        const p = <i32>parseLeadingInt(value);
        if (p < 1 || p > 5) { ctx.fail("action phase: expected 1-5, got '" + value + "'"); return; }
        rule.phase = p;
      }
    } else if (name == "t") {
      const t = transformFromName(value);
      if (t == T.unknown) { ctx.fail("unknown transformation 't:" + value + "'"); return; }
      if (t == T.none) rule.transforms = [];
      else rule.transforms.push(t);
    } else if (name == "chain") rule.hasChainAction = true;
    else if (name == "deny") rule.disruptive = Disruptive.deny;
    else if (name == "block") rule.disruptive = Disruptive.block;
    else if (name == "pass") rule.disruptive = Disruptive.pass;
    else if (name == "drop") rule.disruptive = Disruptive.drop;
    else if (name == "allow") rule.disruptive = Disruptive.allow;
    else if (name == "redirect") rule.disruptive = Disruptive.redirect;
    else if (name == "status") rule.status = <i32>parseLeadingInt(value);
    else if (name == "msg") rule.msg = value;
    else if (name == "logdata") rule.logdata = value;
    else if (name == "tag") rule.tags.push(value);
    else if (name == "severity") rule.severity = parseSeverity(value);
    else if (name == "capture") rule.capture = true;
    else if (name == "multimatch") rule.multiMatch = true;
    else if (name == "log") { rule.log = true; rule.logSet = true; }
    else if (name == "nolog") { rule.log = false; rule.logSet = true; }
    else if (name == "skip") rule.skip = <i32>parseLeadingInt(value);
    else if (name == "skipafter") rule.skipAfter = value;
    else if (name == "setvar") {
      const sv = parseSetVar(value, ctx);
      if (sv != null) rule.setvars.push(sv);
    } else if (name == "ctl") {
      const c = parseCtl(value, ctx);
      if (c != null) rule.ctls.push(c);
    } else if (
      name == "ver" || name == "rev" || name == "maturity" || name == "accuracy" || name == "auditlog" ||
      name == "noauditlog" || name == "expirevar" || name == "initcol" || name == "setuid" || name == "setsid" ||
      name == "sanitisearg" || name == "sanitisematched" || name == "sanitisematchedbytes" || name == "sanitiserequestheader" ||
      name == "sanitiseresponseheader" || name == "logdata" || name == "exec" || name == "append" || name == "prepend" ||
      name == "deprecatevar" || name == "setenv" || name == "xmlns" || name == "proxy" || name == "pause" || name == "sanitizearg"
    ) {
      // Accepted and without effect here: audit logging, persistent collections and the like.
    } else {
      ctx.fail("unknown action '" + actions[a][0] + "'");
      return;
    }
  }
}

function parseSeverity(value: string): i32 {
  const upper = value.toUpperCase();
  for (let i = 0; i < SEVERITY_NAMES.length; i++) if (SEVERITY_NAMES[i] == upper) return i;
  const n = <i32>parseLeadingInt(value);
  return n >= 0 && n <= 7 ? n : 2;
}

function parseSetVar(value: string, ctx: ParseContext): SetVar | null {
  const sv = new SetVar();
  let spec = value.trim();
  if (spec.startsWith("!")) { sv.mode = 33; spec = spec.substring(1); }
  const dot = spec.indexOf(".");
  if (dot < 0) { ctx.fail("setvar: expected collection.name, got '" + value + "'"); return null; }
  sv.collection = asciiLower(spec.substring(0, dot));
  const rest = spec.substring(dot + 1);
  const eq = rest.indexOf("=");
  if (eq < 0) {
    sv.key = asciiLower(rest);
    if (sv.mode != 33) sv.value = "1";
    sv.keyMacro = compileMacro(sv.key);
    sv.valueMacro = compileMacro(sv.value);
    return sv;
  }
  sv.key = asciiLower(rest.substring(0, eq));
  let v = rest.substring(eq + 1);
  if (sv.mode != 33 && v.length > 0 && (v.charCodeAt(0) == 43 || v.charCodeAt(0) == 45)) {
    sv.mode = v.charCodeAt(0);
    v = v.substring(1);
  }
  sv.value = v;
  sv.keyMacro = compileMacro(sv.key);
  sv.valueMacro = compileMacro(sv.value);
  return sv;
}

const CTL_NAMES: string[] = [
  "ruleengine", "requestbodyaccess", "requestbodylimit", "requestbodyprocessor", "forcerequestbodyvariable",
  "ruleremovebyid", "ruleremovebytag", "ruleremovetargetbyid", "ruleremovetargetbytag", "auditengine", "auditlogparts",
];

function parseCtl(value: string, ctx: ParseContext): CtlAction | null {
  const c = new CtlAction();
  const eq = value.indexOf("=");
  if (eq < 0) { ctx.fail("ctl: expected name=value, got '" + value + "'"); return null; }
  const name = asciiLower(value.substring(0, eq).trim());
  c.value = value.substring(eq + 1).trim();
  c.kind = Ctl.other;
  for (let i = 0; i < CTL_NAMES.length; i++) if (CTL_NAMES[i] == name) c.kind = <Ctl>i;
  if (c.kind == Ctl.ruleRemoveById) {
    const dash = c.value.indexOf("-");
    if (dash > 0) { c.idFrom = parseLeadingInt(c.value.substring(0, dash)); c.idTo = parseLeadingInt(c.value.substring(dash + 1)); }
    else { c.idFrom = parseLeadingInt(c.value); c.idTo = c.idFrom; }
  } else if (c.kind == Ctl.ruleRemoveTargetById || c.kind == Ctl.ruleRemoveTargetByTag) {
    const semi = c.value.indexOf(";");
    if (semi < 0) { ctx.fail("ctl:" + name + ": expected <rule>;<target>, got '" + c.value + "'"); return null; }
    const which = c.value.substring(0, semi);
    if (c.kind == Ctl.ruleRemoveTargetById) {
      const dash = which.indexOf("-");
      if (dash > 0) { c.idFrom = parseLeadingInt(which.substring(0, dash)); c.idTo = parseLeadingInt(which.substring(dash + 1)); }
      else { c.idFrom = parseLeadingInt(which); c.idTo = c.idFrom; }
    }
    const targets = parseTargets(c.value.substring(semi + 1), ctx);
    if (targets.length != 1) { ctx.fail("ctl:" + name + ": expected one target in '" + c.value + "'"); return null; }
    c.target = targets[0];
    c.value = which;
  }
  return c;
}
