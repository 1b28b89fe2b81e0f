// Runs a rule set's phases over one transaction: targets, transformations, operators, chains,
// flow control (skip, skipAfter, markers), actions (setvar, ctl, capture) and disruptive outcomes.
import { Rule, Target, Op, Disruptive, Ctl, CtlAction, Var, varFromName, SEVERITY_NAMES } from "../seclang/model";
import { RuleSet, EngineMode } from "../seclang/ruleset";
import { parseLeadingInt } from "../seclang/parse-rule";
import { Transaction } from "./transaction";
import { Collection, KeyLookup } from "./collection";
import { Resolved, resolveTarget, collectionOf, scalarValue } from "./variables";
import { applyTransform } from "./transforms";
import { asciiLower, ByteBuilder, findText } from "./bytes";
import { ipMatches } from "./ip";
import { detectSqli } from "./detect-sqli";
import { detectXss } from "./detect-xss";
import { processRequestBody, bodyProcessorFor } from "./body";
import { compileByteRegex } from "./regex";
import { PlanValues } from "./plan";
import { hasHit } from "./literal-scan";
import { ValueCache } from "./value-cache";
import { Macro, compileMacro } from "../seclang/macro";

/** One rule that matched, as logged. */
export class RuleMatch {
  id: i64 = 0;
  phase: i32 = 0;
  msg: string = "";
  data: string = "";
  variable: string = "";
  value: string = "";
  severity: i32 = -1;
  log: bool = true;
  disruptive: Disruptive = Disruptive.none;

  severityName(): string {
    return this.severity >= 0 && this.severity < SEVERITY_NAMES.length ? SEVERITY_NAMES[this.severity] : "";
  }
}

/** Interned transformation lists: rules with the same t: sequence share cached results. */
const chainIds = new Map<string, i32>();

function transformChainId(rule: Rule): i32 {
  if (rule.transformChainId < 0) {
    const key = rule.transforms.join(",");
    if (!chainIds.has(key)) chainIds.set(key, chainIds.size);
    rule.transformChainId = chainIds.get(key);
  }
  return rule.transformChainId;
}

/**
 * The match record of a `nolog` rule: it carries only what the rule says (no message or data), so
 * one record per rule serves every request (CRS's bookkeeping rules match ~80 times a request).
 */
const silentMatches = new Map<Rule, RuleMatch>();

function silentMatchOf(rule: Rule): RuleMatch {
  if (silentMatches.has(rule)) return silentMatches.get(rule);
  const m = new RuleMatch();
  m.id = rule.id;
  m.phase = rule.phase;
  m.severity = rule.severity;
  m.log = false;
  m.disruptive = rule.disruptive;
  silentMatches.set(rule, m);
  return m;
}

/**
 * For multiMatch rules, by plan id (their plans are keyed by their transformations too): the chain
 * id of each prefix of the transformations (t1; t1,t2; ...). Filled at request time.
 */
const prefixChainsByPlan = new Map<i32, i32[]>();

function prefixChainIds(rule: Rule): i32[] {
  if (prefixChainsByPlan.has(rule.planId)) return prefixChainsByPlan.get(rule.planId);
  const ids: i32[] = [];
  let key = "";
  for (let x = 0; x < rule.transforms.length; x++) {
    key += (x > 0 ? "," : "") + rule.transforms[x].toString();
    if (!chainIds.has(key)) chainIds.set(key, chainIds.size);
    ids.push(chainIds.get(key));
  }
  prefixChainsByPlan.set(rule.planId, ids);
  return ids;
}

function applyTransforms(rule: Rule, value: string): string {
  let out = value;
  for (let x = 0; x < rule.transforms.length; x++) out = applyTransform(unchecked(rule.transforms[x]), out);
  return out;
}

/** TX:0 .. TX:9, where a capturing operator puts what it matched, with their lookup sites. */
const CAPTURE_KEYS: string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const CAPTURE_LOOKUPS: KeyLookup[] = CAPTURE_KEYS.map<KeyLookup>(() => new KeyLookup());

function setCapture(tx: Collection, group: i32, value: string): void {
  tx.setCached(unchecked(CAPTURE_KEYS[group]), unchecked(CAPTURE_LOOKUPS[group]), value);
}

class RemovedTarget {
  idFrom: i64 = 0;
  idTo: i64 = 0;
  tag: string = "";
  target: Target = new Target();
}

export class Evaluation {
  tx: Transaction;
  matches: RuleMatch[] = [];
  interrupted: bool = false;
  /** Status of the interruption (403 unless the rule says otherwise). */
  status: i32 = 0;
  interruptRule: i64 = 0;
  /** An `allow` action ended inspection. */
  allowed: bool = false;
  mode: EngineMode;
  bodyAccess: bool;
  private processorChosen: bool = false;
  /** Set when a regex ran out of its step budget (like MSC_PCRE_LIMITS_EXCEEDED). */
  regexLimitExceeded: bool = false;

  private removedIds: i64[] = [];
  private removedTags: string[] = [];
  private removedTargets: RemovedTarget[] = [];
  private resolved: Resolved;
  private matchedVarsA: Collection;
  private matchedVarsB: Collection;
  private valueCache: ValueCache;
  private currentRule: Rule | null = null;
  /** The operator argument with macros expanded, once per rule evaluation. */
  private expandedArgument: string = "";
  /** Per plan id, its values in this request (see engine/plan.ts). */
  private plans: Array<PlanValues | null>;
  /** Bumped whenever request data that plans read may change: plan values of older generations are stale. */
  private generation: i32 = 0;

  /**
   * An evaluation of one request. Given a finished evaluation (of the same rule set), it takes over
   * its buffers (collections, plan values, caches) instead of allocating new ones: allocation and
   * garbage collection are a large share of a request's cost.
   */
  constructor(readonly rules: RuleSet, recycled: Evaluation | null = null) {
    this.tx = recycled != null ? new Transaction(recycled.tx) : new Transaction();
    this.plans = recycled != null ? recycled.plans : new Array<PlanValues | null>(rules.planCount);
    this.resolved = recycled != null ? recycled.resolved : new Resolved();
    this.matchedVarsA = recycled != null ? recycled.matchedVarsA : new Collection();
    this.matchedVarsB = recycled != null ? recycled.matchedVarsB : new Collection();
    this.valueCache = recycled != null ? recycled.valueCache : new ValueCache();
    this.mode = rules.mode;
    this.bodyAccess = rules.requestBodyAccess;
    if (recycled != null) {
      this.matches = recycled.matches;
      this.matches.length = 0;
      // Plan values of the previous request belong to older generations.
      this.generation = recycled.generation + 1;
      this.valueCache.reset();
    }
  }

  /**
   * Drops the finished request's data from the buffers a later evaluation takes over: they are old
   * (they outlive requests), so what they still reference would survive collections and be promoted.
   */
  dropRequestData(): void {
    this.valueCache.reset();
    const plans = this.plans;
    for (let i = 0; i < plans.length; i++) {
      const values = unchecked(plans[i]);
      if (values != null) values.clear();
    }
    this.tx = new Transaction(this.tx);
    this.matchedVarsA.emptied();
    this.matchedVarsB.emptied();
    this.matches.length = 0;
  }

  /** Parses the body (urlencoded, multipart, JSON, XML) into ARGS_POST etc.; call before phase 2. */
  processBody(): void {
    this.generation++;
    if (!this.bodyAccess) { this.tx.body = ""; return; }
    processRequestBody(this.tx);
  }

  /** Phase 4 should wait for the response body: SecResponseBodyAccess is on and its MIME type is listed. */
  responseBodyWanted(): bool {
    if (!this.rules.responseBodyAccess) return false;
    let type = asciiLower(this.tx.responseHeaders.get("content-type"));
    const semi = findText(type, ";");
    if (semi >= 0) type = type.substring(0, semi);
    return this.rules.responseBodyMimeTypes.includes(type.trim());
  }

  runPhase(phase: i32): void {
    if (this.mode == EngineMode.Off || this.interrupted || this.allowed) return;
    if (phase == 1 && !this.processorChosen) {
      this.processorChosen = true;
      this.tx.bodyProcessor = bodyProcessorFor(this.tx);
      this.generation++;
    }
    const list = this.rules.phases[phase];
    let skipCount = 0;
    for (let i = 0; i < list.length; i++) {
      if (this.interrupted || this.allowed || this.mode == EngineMode.Off) return;
      const rule = unchecked(list[i]);
      if (rule.isMarker) continue;
      if (skipCount > 0) { skipCount--; continue; }
      if (this.isRemoved(rule)) continue;
      this.currentRule = rule;
      if (!this.matchChain(rule)) continue;
      this.afterMatch(rule);
      if (rule.skipAfterIndex >= 0) i = rule.skipAfterIndex; // the marker; the loop moves past it
      else if (rule.skip > 0) skipCount = rule.skip;
    }
  }

  private isRemoved(rule: Rule): bool {
    for (let i = 0; i < this.removedIds.length; i += 2) if (rule.id >= this.removedIds[i] && rule.id <= this.removedIds[i + 1]) return true;
    for (let i = 0; i < this.removedTags.length; i++) if (rule.hasTag(this.removedTags[i])) return true;
    return false;
  }

  /**
   * Evaluates a rule and, when it matches, its chained rules. As in ModSecurity, a link's
   * non-disruptive actions (setvar, ctl) run for each value it matches, before the next link is
   * tried: CRS chains set TX variables in one link that the next one reads.
   */
  private matchChain(rule: Rule): bool {
    if (!this.matchOne(rule)) return false;
    if (rule.isAction) this.runMatchActions(rule);
    if (rule.chained != null) return this.matchChain(rule.chained!);
    return true;
  }

  private matchOne(rule: Rule): bool {
    if (rule.isAction) return true;
    const tx = this.tx;
    if (rule.operator.argumentIsMacro) this.expandedArgument = this.expandMacro(rule.operator.argumentMacro!);
    if (rule.planId >= 0 && !this.hasRuntimeExclusions(rule)) return rule.multiMatch ? this.matchMultiPlan(rule) : this.matchPlan(rule);
    if (rule.plainTxTargets && !tx.tx.hasDuplicateKeys && !this.hasRuntimeExclusions(rule)) return this.matchTxVariables(rule);
    const exclusions = this.exclusionsFor(rule);
    let found: Collection | null = null;
    for (let t = 0; t < rule.targets.length; t++) {
      const target = rule.targets[t];
      const selector = target.selectorIsMacro ? asciiLower(this.expand(target.selector)) : target.selector;
      const resolved = this.resolved;
      resolved.clear();
      resolveTarget(tx, target, selector, exclusions, rule, resolved);
      for (let k = 0; k < resolved.length; k++) {
        let value = unchecked(resolved.values[k]);
        let matched = false;
        if (rule.multiMatch) {
          matched = this.test(rule, value);
          for (let x = 0; x < rule.transforms.length && !matched; x++) {
            const next = applyTransform(rule.transforms[x], value);
            if (next == value) continue;
            value = next;
            matched = this.test(rule, value);
          }
        } else {
          if (rule.transforms.length > 0) value = this.transformed(rule, value);
          matched = this.test(rule, value);
        }
        if (matched) found = this.recordMatch(rule, found, resolved.name(k), null, value);
      }
    }
    return this.finishMatch(found);
  }

  /**
   * One matched value: added to the rule's MATCHED_VARS (`found`, started if null), and MATCHED_VAR
   * while the rule's setvar/ctl run for it, as ModSecurity does per value (CRS records one TX
   * variable per matching header name this way). Returns the MATCHED_VARS.
   */
  private recordMatch(rule: Rule, found: Collection | null, name: string, lowerName: string | null, value: string): Collection {
    const into = found != null ? found! : this.freshMatchedVars();
    if (lowerName != null) into.addLowered(name, lowerName!, value);
    else into.add(name, value);
    this.tx.matchedVar = value;
    this.tx.matchedVarName = name;
    this.runMatchActions(rule);
    return into;
  }

  /** After a rule's values: MATCHED_VAR(S) become the last match's, if any matched. */
  private finishMatch(found: Collection | null): bool {
    if (found == null) return false;
    const last = found!.size - 1;
    this.tx.matchedVar = unchecked(found!.values[last]);
    this.tx.matchedVarName = unchecked(found!.keys[last]);
    this.tx.matchedVars = found!;
    return true;
  }

  /**
   * matchOne for a rule reading TX variables as they are, or counting them (CRS's paranoia-level
   * gates, score checks, `&TX:x "@eq 0"` initialisation): remembered lookups instead of resolving
   * the targets. TX holds no duplicate keys here, so a count is 0 or 1.
   */
  private matchTxVariables(rule: Rule): bool {
    const tx = this.tx;
    const c = tx.tx;
    let found: Collection | null = null;
    for (let t = 0; t < rule.targets.length; t++) {
      const target = unchecked(rule.targets[t]);
      const i = c.cachedIndexOf(target.selector, target.lookup);
      let value: string, name: string, lowerName: string;
      if (target.isCount) {
        value = i < 0 ? "0" : "1";
        name = target.countName;
        lowerName = target.lowerCountName;
      } else {
        if (i < 0) continue;
        value = unchecked(c.values[i]);
        const key = unchecked(c.keys[i]);
        name = target.matchedName(key);
        lowerName = target.lowerMatchedName(key);
      }
      if (this.test(rule, value)) found = this.recordMatch(rule, found, name, lowerName, value);
    }
    return this.finishMatch(found);
  }

  /** matchOne for a rule with a target plan: its values come resolved and transformed from the plan cache. */
  private matchPlan(rule: Rule): bool {
    const values = this.planValues(rule);
    const slot = rule.literalSlot;
    let found: Collection | null = null;
    for (let k = 0; k < values.length; k++) {
      // None of the rule's required literals occurs in this value: its operator cannot match.
      if (slot >= 0 && !hasHit(unchecked(values.hits[k]), slot)) continue;
      const value = unchecked(values.values[k]);
      if (this.test(rule, value)) found = this.recordMatch(rule, found, values.name(k), null, value);
    }
    return this.finishMatch(found);
  }

  /**
   * matchPlan for multiMatch rules: the plan's values are untransformed, and each transformation
   * step that changes a value is tested; the steps' results are cached per request like any
   * chain's (a step's result is the value after the transformations up to it).
   */
  private matchMultiPlan(rule: Rule): bool {
    const values = this.planValues(rule);
    const chains = prefixChainIds(rule);
    const cache = this.valueCache;
    let found: Collection | null = null;
    for (let k = 0; k < values.length; k++) {
      const raw = unchecked(values.values[k]);
      let value = raw;
      let matched = this.test(rule, value);
      for (let x = 0; x < rule.transforms.length && !matched; x++) {
        const slot = cache.slot(unchecked(chains[x]), raw);
        let next = cache.transformedAt(slot);
        if (next == null) {
          next = applyTransform(unchecked(rule.transforms[x]), value);
          cache.setTransformed(slot, next!);
        }
        if (next! == value) continue;
        value = next!;
        matched = this.test(rule, value);
      }
      if (matched) found = this.recordMatch(rule, found, values.name(k), null, value);
    }
    return this.finishMatch(found);
  }

  private planValues(rule: Rule): PlanValues {
    let values = unchecked(this.plans[rule.planId]);
    if (values == null) {
      values = new PlanValues();
      unchecked(this.plans[rule.planId] = values);
    }
    if (values.generation == this.generation) return values!;
    values.clear();
    values.generation = this.generation;
    for (let t = 0; t < rule.targets.length; t++) {
      const target = unchecked(rule.targets[t]);
      resolveTarget(this.tx, target, target.selector, rule.exclusions, rule, values!);
    }
    if (rule.multiMatch) return values!; // see matchMultiPlan
    const scannerId = unchecked(this.rules.planScanner[rule.planId]);
    if (rule.transforms.length == 0 && scannerId < 0) return values!;
    const chain = transformChainId(rule);
    const cache = this.valueCache;
    // Filled by push: growing an array's length would expose stale slots of its reused buffer to
    // the collector while the loop allocates.
    values.hits.length = 0;
    for (let k = 0; k < values.length; k++) {
      const raw = unchecked(values.values[k]);
      const slot = cache.slot(chain, raw);
      let value = cache.transformedAt(slot);
      if (value == null) {
        value = applyTransforms(rule, raw);
        cache.setTransformed(slot, value!);
      }
      unchecked(values.values[k] = value!);
      if (scannerId < 0) continue;
      let hits = cache.hitsAt(slot);
      if (hits == null) {
        const scanner = unchecked(this.rules.scanners[scannerId]);
        hits = scanner.newHits();
        scanner.scan(value!, hits!);
        cache.setHits(slot, hits!);
      }
      values.hits.push(hits!);
    }
    return values!;
  }

  /** An empty MATCHED_VARS for the rule being evaluated: of two reused ones, the one rules do not see now. */
  private freshMatchedVars(): Collection {
    const c = this.tx.matchedVars == this.matchedVarsA ? this.matchedVarsB : this.matchedVarsA;
    return c.emptied();
  }

  private hasRuntimeExclusions(rule: Rule): bool {
    for (let i = 0; i < this.removedTargets.length; i++) {
      const r = this.removedTargets[i];
      if (r.tag.length > 0 ? rule.hasTag(r.tag) : rule.id >= r.idFrom && rule.id <= r.idTo) return true;
    }
    return false;
  }

  /** The value after the rule's transformations, computed once per request per value and t: list. */
  private transformed(rule: Rule, value: string): string {
    const cache = this.valueCache;
    const slot = cache.slot(transformChainId(rule), value);
    const known = cache.transformedAt(slot);
    if (known != null) return known!;
    const out = applyTransforms(rule, value);
    cache.setTransformed(slot, out);
    return out;
  }

  private runMatchActions(rule: Rule): void {
    const outer = this.currentRule;
    this.currentRule = rule;
    for (let i = 0; i < rule.setvars.length; i++) this.setvar(rule.setvars[i].collection, rule.setvars[i].keyMacro, rule.setvars[i].valueMacro, rule.setvars[i].mode, rule.setvars[i].lookup);
    for (let i = 0; i < rule.ctls.length; i++) this.ctl(rule.ctls[i].kind, rule.ctls[i]);
    this.currentRule = outer;
  }

  /** The rule's own exclusions plus those added at run time by ctl:ruleRemoveTarget*. */
  private exclusionsFor(rule: Rule): Target[] {
    if (this.removedTargets.length == 0) return rule.exclusions;
    const out = rule.exclusions.slice(0);
    for (let i = 0; i < this.removedTargets.length; i++) {
      const r = this.removedTargets[i];
      if (r.tag.length > 0 ? rule.hasTag(r.tag) : rule.id >= r.idFrom && rule.id <= r.idTo) out.push(r.target);
    }
    return out;
  }

  /** Runs the operator (with negation) on one transformed value; captures on a match. */
  private test(rule: Rule, value: string): bool {
    const op = rule.operator;
    let result = false;
    let captured = "";
    switch (op.op) {
      case Op.rx: {
        // `^.*$` (CRS captures whole values with it): with dotAll it matches every value, whole.
        if (op.argument.length == 4 && op.argument == "^.*$") {
          if (rule.capture && !op.negated) setCapture(this.tx.tx, 0, value);
          return !op.negated;
        }
        let re = op.regex;
        if (op.argumentIsMacro) {
          const compiled = compileByteRegex(this.expandedArgument);
          re = compiled.regex;
          if (re == null) return op.negated;
        }
        if (re == null) return false;
        result = re!.exec(value, rule.capture);
        if (re!.exceededLimit) this.regexLimitExceeded = true;
        if (result && rule.capture && !op.negated) {
          const spans = re!.lastSpans;
          const groups = min(spans.length >> 1, 10);
          for (let g = 0; g < 10; g++) {
            if (g < groups && spans[2 * g] >= 0) setCapture(this.tx.tx, g, value.substring(spans[2 * g], spans[2 * g + 1]));
            else if (g < groups) setCapture(this.tx.tx, g, "");
          }
        }
        return result != op.negated;
      }
      case Op.pm: case Op.pmFromFile:
        result = op.matcher!.find(value);
        if (result) captured = op.matcher!.lastMatch;
        break;
      case Op.streq: result = value == this.argument(rule); captured = value; break;
      case Op.contains: case Op.strmatch: {
        const arg = this.argument(rule);
        result = findText(value, arg) >= 0;
        captured = arg;
        break;
      }
      case Op.containsWord: result = containsWord(value, this.argument(rule)); break;
      case Op.beginsWith: result = value.startsWith(this.argument(rule)); captured = value; break;
      case Op.endsWith: result = value.endsWith(this.argument(rule)); captured = value; break;
      case Op.within: result = findText(this.argument(rule), value) >= 0; captured = value; break;
      case Op.eq: result = parseLeadingInt(value) == this.number(rule); break;
      case Op.ge: result = parseLeadingInt(value) >= this.number(rule); break;
      case Op.gt: result = parseLeadingInt(value) > this.number(rule); break;
      case Op.le: result = parseLeadingInt(value) <= this.number(rule); break;
      case Op.lt: result = parseLeadingInt(value) < this.number(rule); break;
      case Op.ipMatch: case Op.ipMatchFromFile: result = ipMatches(value, op); break;
      case Op.validateByteRange: {
        const allowed = op.byteRanges!;
        for (let i = 0; i < value.length; i++) if (!allowed[value.charCodeAt(i) & 0xff]) { result = true; break; }
        break;
      }
      case Op.validateUrlEncoding: result = invalidUrlEncoding(value); break;
      case Op.validateUtf8Encoding: result = invalidUtf8(value); break;
      case Op.detectSQLi: {
        const fp = detectSqli(value);
        result = fp.length > 0;
        captured = fp;
        break;
      }
      case Op.detectXSS: result = detectXss(value); break;
      case Op.unconditionalMatch: result = true; break;
      default: result = false;
    }
    if (result && rule.capture && !op.negated && captured.length > 0) setCapture(this.tx.tx, 0, captured);
    return result != op.negated;
  }

  private argument(rule: Rule): string {
    return rule.operator.argumentIsMacro ? this.expandedArgument : rule.operator.argument;
  }

  private number(rule: Rule): i64 {
    return rule.operator.argumentIsMacro ? parseLeadingInt(this.expandedArgument) : rule.operator.numeric;
  }

  /** Actions of a fully matched chain, logging and the disruptive outcome. */
  private afterMatch(rule: Rule): void {
    this.currentRule = rule;
    const m = rule.log ? new RuleMatch() : silentMatchOf(rule);
    if (rule.log) {
      m.id = rule.id;
      m.phase = rule.phase;
      m.severity = rule.severity;
      m.log = true;
      m.disruptive = rule.disruptive;
      m.msg = this.expandMacro(rule.msgMacro);
      m.data = this.expandMacro(rule.logdataMacro);
      m.variable = this.tx.matchedVarName;
      m.value = this.tx.matchedVar.length > 200 ? this.tx.matchedVar.substring(0, 200) : this.tx.matchedVar;
    }
    if (rule.severity >= 0 && rule.severity < this.tx.highestSeverity) this.tx.highestSeverity = rule.severity;
    this.matches.push(m);
    const d = rule.disruptive;
    if (d == Disruptive.deny || d == Disruptive.drop || d == Disruptive.redirect) {
      if (this.mode == EngineMode.On) {
        this.interrupted = true;
        this.status = rule.status > 0 ? rule.status : 403;
        this.interruptRule = rule.id;
      }
    } else if (d == Disruptive.allow) {
      if (this.mode == EngineMode.On) this.allowed = true;
    }
  }

  private setvar(collection: string, keyTemplate: Macro, valueTemplate: Macro, mode: i32, lookup: KeyLookup): void {
    if (collection != "tx") return; // persistent collections (ip, global, session) do not exist in a proxy
    const literalKey = keyTemplate.isLiteral;
    const key = literalKey ? unchecked(keyTemplate.texts[0]) : asciiLower(this.expandMacro(keyTemplate));
    const c = this.tx.tx;
    if (mode == 33) { c.remove(key); return; }
    let value = this.expandMacro(valueTemplate);
    const at = literalKey ? c.cachedIndexOf(key, lookup) : c.indexOf(key);
    if (mode == 43 || mode == 45) {
      const old = at < 0 ? 0 : parseLeadingInt(unchecked(c.values[at]));
      const delta = parseLeadingInt(value);
      value = (mode == 43 ? old + delta : old - delta).toString();
    }
    if (at >= 0) unchecked(c.values[at] = value);
    else c.addLowered(key, key, value); // the key is lower-case and absent
  }

  private ctl(kind: Ctl, c: CtlAction): void {
    // These change which request data exists (REQUEST_BODY, REQBODY_PROCESSOR): plan values go stale.
    if (kind == Ctl.requestBodyProcessor || kind == Ctl.forceRequestBodyVariable || kind == Ctl.requestBodyAccess) this.generation++;
    switch (kind) {
      case Ctl.ruleEngine: {
        const v = asciiLower(c.value);
        this.mode = v == "off" ? EngineMode.Off : v == "detectiononly" ? EngineMode.DetectionOnly : EngineMode.On;
        break;
      }
      case Ctl.requestBodyAccess: this.bodyAccess = asciiLower(c.value) == "on"; break;
      case Ctl.requestBodyProcessor: this.tx.bodyProcessor = c.value.toUpperCase(); this.processorChosen = true; break;
      case Ctl.forceRequestBodyVariable: this.tx.forceRequestBodyVariable = asciiLower(c.value) == "on"; break;
      case Ctl.ruleRemoveById: this.removedIds.push(c.idFrom); this.removedIds.push(c.idTo); break;
      case Ctl.ruleRemoveByTag: this.removedTags.push(this.expand(c.value)); break;
      case Ctl.ruleRemoveTargetById: case Ctl.ruleRemoveTargetByTag: {
        const r = new RemovedTarget();
        r.idFrom = c.idFrom;
        r.idTo = c.idTo;
        if (kind == Ctl.ruleRemoveTargetByTag) r.tag = c.value;
        r.target = c.target!;
        this.removedTargets.push(r);
        break;
      }
      default: break;
    }
  }

  /** Expands %{VAR}, %{VAR.key} macros (MATCHED_VAR, TX.x, RULE.id, REQUEST_HEADERS.host, ...). */
  expand(text: string): string {
    if (findText(text, "%{") < 0) return text;
    return this.expandMacro(compileMacro(text));
  }

  expandMacro(m: Macro): string {
    const n = m.vars.length;
    if (n == 0) return unchecked(m.texts[0]);
    if (n == 1 && unchecked(m.texts[0]).length == 0 && unchecked(m.texts[1]).length == 0) return this.macroValue(unchecked(m.vars[0]), unchecked(m.keys[0]), unchecked(m.lookups[0]));
    const out = new ByteBuilder(64);
    for (let i = 0; i < n; i++) {
      out.append(unchecked(m.texts[i]));
      out.append(this.macroValue(unchecked(m.vars[i]), unchecked(m.keys[i]), unchecked(m.lookups[i])));
    }
    out.append(unchecked(m.texts[n]));
    return out.toString();
  }

  private macroValue(v: Var, key: string, lookup: KeyLookup): string {
    if (v == Var.UNKNOWN) return "";
    if (v == Var.RULE) {
      const r = this.currentRule;
      if (r == null) return "";
      if (key == "id") return r.id.toString();
      if (key == "msg") return this.expandMacro(r!.msgMacro);
      if (key == "severity") return r.severity.toString();
      if (key == "phase") return r.phase.toString();
      if (key == "logdata") return this.expandMacro(r!.logdataMacro);
      return "";
    }
    if (v == Var.TX) {
      const c = this.tx.tx;
      const i = c.cachedIndexOf(key, lookup);
      return i < 0 ? "" : unchecked(c.values[i]);
    }
    const c = collectionOf(this.tx, v);
    if (key.length > 0) return c.get(key);
    if (c.size > 0) return c.values[0];
    return scalarValue(this.tx, v, this.currentRule);
  }
}

function containsWord(value: string, word: string): bool {
  if (word.length == 0) return true;
  let at = findText(value, word);
  while (at >= 0) {
    const before = at == 0 ? 32 : value.charCodeAt(at - 1);
    const after = at + word.length >= value.length ? 32 : value.charCodeAt(at + word.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
    at = findText(value, word, at + 1);
  }
  return false;
}

@inline function isWordChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95;
}

function invalidUrlEncoding(s: string): bool {
  let i = findText(s, "%");
  while (i >= 0) {
    if (i + 2 >= s.length) return true;
    const a = s.charCodeAt(i + 1) | 32, b = s.charCodeAt(i + 2) | 32;
    if (!((a >= 48 && a <= 57) || (a >= 97 && a <= 102)) || !((b >= 48 && b <= 57) || (b >= 97 && b <= 102))) return true;
    i = findText(s, "%", i + 3);
  }
  return false;
}

function invalidUtf8(s: string): bool {
  let i = 0;
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c < 0x80) { i++; continue; }
    let n = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return true;
    if (i + n >= len + 0 && i + n > len - 1 + 1) return true;
    let code = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      if (i + k >= len) return true;
      const d = s.charCodeAt(i + k);
      if ((d & 0xc0) != 0x80) return true;
      code = (code << 6) | (d & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return true;
    i += n + 1;
  }
  return false;
}
