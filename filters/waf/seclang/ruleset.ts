// Turns directives into a rule set: per-phase rule lists with markers, default actions applied,
// chains linked, and configuration-time removals and target updates applied once all is loaded.
import { lexDirectives, Directive } from "./lexer";
import { Rule, Disruptive, Target } from "./model";
import { ParseContext, FileSet, parseTargets, parseOperator, splitActions, applyActions, parseLeadingInt, baseName } from "./parse-rule";
import { asciiLower } from "../engine/bytes";
import { assignPlans } from "../engine/plan";
import { LiteralScan } from "../engine/literal-scan";
import { hold, release, collectionPoint } from "../../../sdk/index";

export enum EngineMode { On, DetectionOnly, Off }

export class RuleSet {
  /** phases[1..5]: chain starters and markers in order. */
  phases: Rule[][] = [[], [], [], [], [], []];
  byId: Map<i64, Rule> = new Map();
  mode: EngineMode = EngineMode.On;
  requestBodyAccess: bool = true;
  requestBodyLimit: i32 = 131072;
  /** true: reject bodies over the limit (413); false: inspect only the first `limit` bytes. */
  requestBodyLimitReject: bool = true;
  /** SecResponseBodyAccess: RESPONSE_BODY is read (for the MIME types below) and phase 4 waits for it. */
  responseBodyAccess: bool = false;
  /** SecResponseBodyMimeType: lower-case media types (without parameters) whose bodies are inspected. */
  responseBodyMimeTypes: string[] = ["text/plain", "text/html"];
  responseBodyLimit: i32 = 524288;
  /** true: answer 500 for bodies over the limit; false: inspect only the first `limit` bytes. */
  responseBodyLimitReject: bool = true;
  componentSignatures: string[] = [];
  notices: string[] = [];
  ruleCount: i32 = 0;
  /** Number of distinct target plans (engine/plan.ts). */
  planCount: i32 = 0;
  /** Per plan id, the literal scanner of its transformation chain (index in scanners), -1 if none. */
  planScanner: i32[] = [];
  scanners: LiteralScan[] = [];
}

class PendingUpdate {
  kind: i32 = 0; // 0 remove ids, 1 remove tag, 2 update target by id, 3 update target by tag, 4 remove msg
  args: string[] = [];
  where: string = "";
}

export class RuleSetBuilder {
  set: RuleSet = new RuleSet();
  ctx: ParseContext = new ParseContext();
  error: string = "";
  private defaults: string[][][] = [[], [], [], [], [], []];
  private defaultDisruptive: Disruptive[] = [Disruptive.pass, Disruptive.pass, Disruptive.pass, Disruptive.pass, Disruptive.pass, Disruptive.pass];
  private chainTail: Rule | null = null;
  private pending: PendingUpdate[] = [];
  private includeDepth: i32 = 0;

  constructor(files: FileSet) {
    this.ctx.files = files;
  }

  /** Loads SecLang text; returns false (with `error` set) on the first error. */
  load(text: string, fileName: string): bool {
    if (this.error.length > 0) return false;
    const lexed = lexDirectives(text, fileName);
    if (lexed.error.length > 0) { this.error = lexed.error; return false; }
    // Compiling CRS allocates ~80 MiB, nearly all of it garbage: collect between directives.
    // The builder holds everything built so far; buildWaf and onConfigure hold their own frames.
    hold(this); hold(lexed);
    for (let i = 0; i < lexed.directives.length; i++) {
      const d = lexed.directives[i];
      this.directive(d);
      if (this.ctx.error.length > 0) { this.error = d.where() + ": " + d.name + ": " + this.ctx.error; break; }
      if (this.error.length > 0) break;
      collectionPoint();
    }
    release(2);
    return this.error.length == 0;
  }

  /** Applies deferred removals/updates and checks chains are complete. */
  finish(): RuleSet | null {
    if (this.error.length > 0) return null;
    if (this.chainTail != null) { this.error = "the last rule (" + this.chainTail!.source + ") ends with 'chain' but no rule follows"; return null; }
    for (let i = 0; i < this.pending.length; i++) {
      this.applyPending(this.pending[i]);
      if (this.ctx.error.length > 0) { this.error = this.pending[i].where + ": " + this.ctx.error; return null; }
    }
    for (let p = 1; p <= 5; p++) {
      const kept: Rule[] = [];
      const list = this.set.phases[p];
      for (let i = 0; i < list.length; i++) if (!list[i].removed) kept.push(list[i]);
      this.set.phases[p] = kept;
      resolveSkipAfter(kept);
    }
    for (let i = 0; i < this.ctx.notices.length; i++) {
      if (!this.set.notices.includes(this.ctx.notices[i])) this.set.notices.push(this.ctx.notices[i]);
    }
    assignPlans(this.set);
    return this.set;
  }

  private directive(d: Directive): void {
    const name = asciiLower(d.name);
    const args = d.args;
    if (name == "secrule") {
      if (args.length < 2 || args.length > 3) { this.ctx.fail("expected VARIABLES \"OPERATOR\" [\"ACTIONS\"], got " + args.length.toString() + " arguments"); return; }
      this.addRule(d, args[0], args[1], args.length == 3 ? args[2] : "", false);
    } else if (name == "secaction") {
      if (args.length != 1) { this.ctx.fail("expected one quoted action list"); return; }
      this.addRule(d, "", "", args[0], true);
    } else if (name == "secmarker") {
      if (args.length != 1) { this.ctx.fail("expected a marker name"); return; }
      const marker = new Rule();
      marker.isMarker = true;
      marker.markerName = args[0];
      marker.source = d.where();
      for (let p = 1; p <= 5; p++) this.set.phases[p].push(marker);
    } else if (name == "secdefaultaction") {
      if (args.length != 1) { this.ctx.fail("expected one quoted action list"); return; }
      const actions = splitActions(args[0], this.ctx);
      const probe = new Rule();
      applyActions(probe, actions, this.ctx);
      if (this.ctx.error.length > 0) return;
      let hasPhase = false;
      for (let i = 0; i < actions.length; i++) if (asciiLower(actions[i][0]) == "phase") hasPhase = true;
      if (!hasPhase) { this.ctx.fail("SecDefaultAction needs a phase"); return; }
      if (probe.disruptive == Disruptive.none || probe.disruptive == Disruptive.block) { this.ctx.fail("SecDefaultAction needs a disruptive action (pass, deny, ...)"); return; }
      const kept: string[][] = [];
      for (let i = 0; i < actions.length; i++) {
        const n = asciiLower(actions[i][0]);
        if (n != "phase" && n != "pass" && n != "deny" && n != "block" && n != "drop" && n != "allow" && n != "redirect") kept.push(actions[i]);
      }
      this.defaults[probe.phase] = kept;
      this.defaultDisruptive[probe.phase] = probe.disruptive;
    } else if (name == "secruleengine") {
      const v = args.length > 0 ? asciiLower(args[0]) : "";
      if (v == "on") this.set.mode = EngineMode.On;
      else if (v == "off") this.set.mode = EngineMode.Off;
      else if (v == "detectiononly") this.set.mode = EngineMode.DetectionOnly;
      else this.ctx.fail("expected On, Off or DetectionOnly");
    } else if (name == "secrequestbodyaccess") {
      const v = args.length > 0 ? asciiLower(args[0]) : "";
      if (v != "on" && v != "off") { this.ctx.fail("expected On or Off"); return; }
      this.set.requestBodyAccess = v == "on";
    } else if (name == "secrequestbodylimit") {
      const n = args.length > 0 ? parseLeadingInt(args[0]) : -1;
      if (n <= 0 || n > 1073741824) { this.ctx.fail("expected a positive number of bytes"); return; }
      this.set.requestBodyLimit = <i32>n;
    } else if (name == "secrequestbodylimitaction") {
      const v = args.length > 0 ? asciiLower(args[0]) : "";
      if (v == "reject") this.set.requestBodyLimitReject = true;
      else if (v == "processpartial") this.set.requestBodyLimitReject = false;
      else this.ctx.fail("expected Reject or ProcessPartial");
    } else if (name == "secresponsebodyaccess") {
      const v = args.length > 0 ? asciiLower(args[0]) : "";
      if (v != "on" && v != "off") { this.ctx.fail("expected On or Off"); return; }
      this.set.responseBodyAccess = v == "on";
    } else if (name == "secresponsebodymimetype") {
      const types: string[] = [];
      for (let a = 0; a < args.length; a++) {
        const parts = args[a].split(" ");
        for (let k = 0; k < parts.length; k++) if (parts[k].trim().length > 0) types.push(asciiLower(parts[k].trim()));
      }
      if (types.length == 0) { this.ctx.fail("expected one or more MIME types"); return; }
      this.set.responseBodyMimeTypes = types;
    } else if (name == "secresponsebodymimetypesclear") {
      this.set.responseBodyMimeTypes = [];
    } else if (name == "secresponsebodylimit") {
      const n = args.length > 0 ? parseLeadingInt(args[0]) : -1;
      if (n <= 0 || n > 1073741824) { this.ctx.fail("expected a positive number of bytes"); return; }
      this.set.responseBodyLimit = <i32>n;
    } else if (name == "secresponsebodylimitaction") {
      const v = args.length > 0 ? asciiLower(args[0]) : "";
      if (v == "reject") this.set.responseBodyLimitReject = true;
      else if (v == "processpartial") this.set.responseBodyLimitReject = false;
      else this.ctx.fail("expected Reject or ProcessPartial");
    } else if (name == "secruleremovebyid") {
      const u = new PendingUpdate(); u.kind = 0; u.args = args; u.where = d.where(); this.pending.push(u);
    } else if (name == "secruleremovebytag") {
      const u = new PendingUpdate(); u.kind = 1; u.args = args; u.where = d.where(); this.pending.push(u);
    } else if (name == "secruleremovebymsg") {
      const u = new PendingUpdate(); u.kind = 4; u.args = args; u.where = d.where(); this.pending.push(u);
    } else if (name == "secruleupdatetargetbyid") {
      if (args.length < 2) { this.ctx.fail("expected RULE_ID \"TARGETS\""); return; }
      const u = new PendingUpdate(); u.kind = 2; u.args = args; u.where = d.where(); this.pending.push(u);
    } else if (name == "secruleupdatetargetbytag") {
      if (args.length < 2) { this.ctx.fail("expected TAG \"TARGETS\""); return; }
      const u = new PendingUpdate(); u.kind = 3; u.args = args; u.where = d.where(); this.pending.push(u);
    } else if (name == "seccomponentsignature") {
      if (args.length > 0) this.set.componentSignatures.push(args[0]);
    } else if (name == "include") {
      if (args.length != 1) { this.ctx.fail("expected one file name or pattern"); return; }
      this.include(args[0], d);
    } else if (
      name.startsWith("secaudit") || name.startsWith("secdebuglog") || name == "secdatadir" || name == "sectmpdir" ||
      name == "seccollectiontimeout" || name == "secargumentseparator" ||
      name == "seccookieformat" || name == "secunicodemapfile" || name == "secstatusengine" || name.startsWith("secpcrematchlimit") ||
      name == "secrequestbodynofileslimit" || name == "secrequestbodyinmemorylimit" || name == "secuploaddir" ||
      name == "secuploadkeepfiles" || name == "secuploadfilemode" || name == "secuploadfilelimit" || name == "sectmpsaveuploadedfiles" ||
      name == "secxmlexternalentity" || name == "secrequestbodyjsondepthlimit" || name == "secargumentslimit" || name == "secserversignature" ||
      name == "secgeolookupdb" || name == "secgsblookupdb" || name == "sechashengine" || name == "secwebappid" || name == "secsensorid" ||
      name == "secremoterules" || name == "secremoterulesfailaction" || name == "secconnengine" || name == "secrulescript"
    ) {
      // Logging, storage and server settings without meaning inside a proxy filter.
    } else {
      this.ctx.fail("unknown directive");
    }
  }

  private include(pattern: string, d: Directive): void {
    if (this.includeDepth > 8) { this.ctx.fail("Include nested deeper than 8 levels"); return; }
    const files = this.ctx.files;
    const base = baseName(pattern);
    const star = base.indexOf("*");
    let matched = 0;
    const names: string[] = [];
    for (let i = 0; i < files.names.length; i++) {
      const candidate = baseName(files.names[i]);
      if (!candidate.endsWith(".conf")) continue;
      let matches = false;
      if (star < 0) matches = candidate == base || files.names[i] == pattern;
      else matches = candidate.startsWith(base.substring(0, star)) && candidate.endsWith(base.substring(star + 1)) && candidate.length >= base.length - 1;
      if (matches) names.push(files.names[i]);
    }
    names.sort();
    hold(names); // the nested loads collect
    let ok = true;
    for (let i = 0; i < names.length && ok; i++) {
      const content = files.find(names[i]);
      if (content == null) continue;
      matched++;
      this.includeDepth++;
      ok = this.load(content!, names[i]);
      this.includeDepth--;
    }
    release(1);
    if (!ok) return;
    if (matched == 0) this.ctx.fail("no embedded file matches '" + pattern + "' (Envoy gives filters no file access: embed files at build time)");
  }

  private addRule(d: Directive, targetText: string, operatorText: string, actionText: string, isAction: bool): void {
    const rule = new Rule();
    rule.source = d.where();
    rule.isAction = isAction;
    const isChild = this.chainTail != null;
    const actions = splitActions(actionText, this.ctx);
    if (this.ctx.error.length > 0) return;
    if (!isChild) {
      // The phase decides which default actions apply, so find it first.
      const probe = new Rule();
      applyActions(probe, actions, this.ctx);
      if (this.ctx.error.length > 0) return;
      rule.phase = probe.phase;
      applyActions(rule, this.defaults[rule.phase], this.ctx);
    }
    applyActions(rule, actions, this.ctx);
    if (this.ctx.error.length > 0) return;
    if (!isAction) {
      const targets = parseTargets(targetText, this.ctx);
      if (this.ctx.error.length > 0) return;
      for (let i = 0; i < targets.length; i++) {
        if (targets[i].isExclusion) rule.exclusions.push(targets[i]); else rule.targets.push(targets[i]);
      }
      rule.operator = parseOperator(operatorText, this.ctx);
      if (this.ctx.error.length > 0) return;
    }
    if (isChild) {
      const parent = this.chainTail!;
      if (rule.id != 0) { this.ctx.fail("a chained rule cannot have an id"); return; }
      rule.phase = parent.phase;
      rule.id = parent.id;
      parent.chained = rule;
      this.chainTail = rule.hasChainAction ? rule : null;
      return;
    }
    if (rule.id == 0) { this.ctx.fail("rule has no id"); return; }
    if (this.set.byId.has(rule.id)) { this.ctx.fail("duplicate rule id " + rule.id.toString() + " (first at " + this.set.byId.get(rule.id).source + ")"); return; }
    if (rule.disruptive == Disruptive.block || rule.disruptive == Disruptive.none) {
      // `block`, or no disruptive action at all, means the phase's SecDefaultAction one.
      rule.disruptive = this.defaultDisruptive[rule.phase];
    }
    if (!rule.logSet) rule.log = true;
    this.set.byId.set(rule.id, rule);
    this.set.phases[rule.phase].push(rule);
    this.set.ruleCount++;
    this.chainTail = rule.hasChainAction ? rule : null;
  }

  private applyPending(u: PendingUpdate): void {
    const rules = this.set.byId.values();
    if (u.kind == 0) {
      for (let a = 0; a < u.args.length; a++) {
        const parts = u.args[a].split(" ");
        for (let k = 0; k < parts.length; k++) {
          const spec = parts[k].trim();
          if (spec.length == 0) continue;
          const dash = spec.indexOf("-");
          const from = dash > 0 ? parseLeadingInt(spec.substring(0, dash)) : parseLeadingInt(spec);
          const to = dash > 0 ? parseLeadingInt(spec.substring(dash + 1)) : from;
          if (from <= 0 || to < from) { this.ctx.fail("SecRuleRemoveById: bad id or range '" + spec + "'"); return; }
          for (let i = 0; i < rules.length; i++) if (rules[i].id >= from && rules[i].id <= to) rules[i].removed = true;
        }
      }
    } else if (u.kind == 1 || u.kind == 4) {
      for (let a = 0; a < u.args.length; a++) {
        for (let i = 0; i < rules.length; i++) {
          if (u.kind == 1 ? rules[i].hasTag(u.args[a]) : rules[i].msg == u.args[a]) rules[i].removed = true;
        }
      }
    } else {
      const targets = parseTargets(u.args[1], this.ctx);
      if (this.ctx.error.length > 0) return;
      let found = false;
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        const hit = u.kind == 2 ? r.id == parseLeadingInt(u.args[0]) : r.hasTag(u.args[0]);
        if (!hit) continue;
        found = true;
        for (let t = 0; t < targets.length; t++) {
          if (targets[t].isExclusion) r.exclusions.push(targets[t]);
          else if (u.args.length >= 3) replaceTarget(r, u.args[2], targets[t]);
          else r.targets.push(targets[t]);
        }
      }
      if (!found && u.kind == 2) this.ctx.fail("SecRuleUpdateTargetById: no rule with id " + u.args[0]);
    }
  }
}

function replaceTarget(r: Rule, old: string, replacement: Target): void {
  const lower = asciiLower(old);
  for (let i = 0; i < r.targets.length; i++) {
    if (asciiLower(r.targets[i].describe()) == lower) { r.targets[i] = replacement; return; }
  }
  r.targets.push(replacement);
}

/** skipAfter as a jump: each rule learns where its marker stands (CRS skips whole paranoia-level sections with it). */
function resolveSkipAfter(list: Rule[]): void {
  for (let i = 0; i < list.length; i++) {
    const rule = list[i];
    if (rule.skipAfter.length == 0) continue;
    let at = list.length;
    for (let k = i + 1; k < list.length; k++) {
      if (list[k].isMarker && list[k].markerName == rule.skipAfter) { at = k; break; }
    }
    rule.skipAfterIndex = at;
  }
}
