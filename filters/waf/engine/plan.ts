// Target plans: rules whose targets (with exclusions) and transformation list are the same share
// one plan id, assigned at load time (multiMatch rules: the same targets, values untransformed). A request resolves and transforms a plan's values once and
// every rule with that plan reuses them until the request data changes (body parsed, ctl:...).
import { Rule, Target, Var, Op, varName } from "../seclang/model";
import { RuleSet } from "../seclang/ruleset";
import { Resolved } from "./variables";
import { LiteralScan } from "./literal-scan";
import { hold, release, collectionPoint } from "../../../sdk/index";

/** One plan's values in one request: names (prefix + key) and transformed values. */
export class PlanValues extends Resolved {
  /** The evaluation generation these values belong to; -1 before the first use. */
  generation: i32 = -1;
  /** Per value, the rule slots of the plan's literal scanner whose literals occur in it (see ruleLiterals). */
  hits: Array<StaticArray<u64>> = [];

  clear(): void {
    super.clear();
    if (this.hits.length != 0) this.hits.length = 0;
  }
}

/** Variables whose values change while rules run (TX, match state, ...): never cached. */
function isVolatile(v: Var): bool {
  switch (v) {
    case Var.TX: case Var.RULE: case Var.ENV: case Var.MATCHED_VAR: case Var.MATCHED_VAR_NAME:
    case Var.MATCHED_VARS: case Var.MATCHED_VARS_NAMES: case Var.HIGHEST_SEVERITY: case Var.DURATION:
    case Var.TIME: case Var.TIME_EPOCH: case Var.UNKNOWN:
    case Var.RESPONSE_HEADERS: case Var.RESPONSE_HEADERS_NAMES: case Var.RESPONSE_BODY: case Var.RESPONSE_STATUS:
    case Var.RESPONSE_PROTOCOL: case Var.RESPONSE_CONTENT_TYPE: case Var.RESPONSE_CONTENT_LENGTH: case Var.STATUS_LINE:
      return true;
  }
  return false;
}

function cacheable(targets: Target[]): bool {
  for (let i = 0; i < targets.length; i++) {
    if (isVolatile(targets[i].variable) || targets[i].selectorIsMacro) return false;
  }
  return true;
}

function signature(targets: Target[]): string {
  let s = "";
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    s += (t.isExclusion ? "!" : "") + (t.isCount ? "&" : "") + varName(t.variable) + ":" + t.selector + "|";
  }
  return s;
}

function assign(rule: Rule, ids: Map<string, i32>): void {
  rule.planId = -1;
  rule.plainTxTargets = rule.targets.length > 0 && rule.exclusions.length == 0 && rule.transforms.length == 0 && !rule.multiMatch && !rule.isAction;
  for (let i = 0; i < rule.targets.length; i++) {
    const t = rule.targets[i];
    if (t.variable != Var.TX || t.selectorIsMacro || t.selectorRegex != null || t.selector.length == 0) rule.plainTxTargets = false;
  }
  if (rule.isAction || rule.isMarker) return;
  if (!cacheable(rule.targets) || !cacheable(rule.exclusions)) return;
  // multiMatch tests each transformation step: its plan keeps the values untransformed (the key
  // still names the transformations: engine/evaluate.ts keeps their prefixes by plan).
  const key = signature(rule.targets) + "!" + signature(rule.exclusions) + (rule.multiMatch ? "#multiMatch:" : "#") + rule.transforms.join(",");
  if (!ids.has(key)) ids.set(key, ids.size);
  rule.planId = ids.get(key);
}

/**
 * The literals one of which a value must contain for the rule's operator to match it, or null
 * (@rx without nameable literals, negated or macro operators, other operators).
 */
function ruleLiterals(rule: Rule): string[] | null {
  const op = rule.operator;
  if (op.negated || op.argumentIsMacro || rule.multiMatch) return null;
  // @pm is a phrase scan already: prefiltering it would only repeat its work.
  if (op.op == Op.rx) return op.regex != null ? op.requiredLiterals : null;
  return null;
}

/** A scanner pays off when it answers for several rules at once; with fewer, each rule's own regex prefilter is cheaper. */
const MIN_RULES_PER_SCANNER: i32 = 3;

class ChainRules {
  rules: Rule[] = [];
  literals: Array<string[]> = [];
}

/**
 * Gives every rule (chain links too) its plan id, and rules with literals a slot in the literal
 * scanner of their transformation chain; sets planCount, planScanner and scanners.
 */
export function assignPlans(set: RuleSet): void {
  const ids = new Map<string, i32>();
  const chains = new Map<string, ChainRules>();
  const chainOrder: string[] = [];
  const planScanner: i32[] = [];
  for (let p = 1; p < set.phases.length; p++) {
    const list = set.phases[p];
    for (let i = 0; i < list.length; i++) {
      let r: Rule | null = list[i];
      while (r != null) {
        const rule = r!;
        assign(rule, ids);
        r = rule.chained;
        rule.literalSlot = -1;
        const literals = ruleLiterals(rule);
        rule.operator.requiredLiterals = null; // needed only here
        if (rule.planId < 0) continue;
        while (planScanner.length <= rule.planId) planScanner.push(-1);
        if (literals == null) continue;
        const chain = rule.transforms.join(",");
        if (!chains.has(chain)) { chains.set(chain, new ChainRules()); chainOrder.push(chain); }
        const entry = chains.get(chain);
        entry.rules.push(rule);
        entry.literals.push(literals!);
      }
    }
  }
  // The scanners' tables are the load's largest blocks: let the garbage go first, and between
  // scanners, or linear memory (which never shrinks) doubles to find room.
  hold(ids); hold(chains); hold(chainOrder); hold(planScanner);
  collectionPoint();
  for (let c = 0; c < chainOrder.length; c++) {
    const entry = chains.get(chainOrder[c]);
    if (entry.rules.length < MIN_RULES_PER_SCANNER) continue;
    const id = set.scanners.length;
    const scanner = new LiteralScan();
    for (let i = 0; i < entry.rules.length; i++) {
      const rule = entry.rules[i];
      planScanner[rule.planId] = id;
      rule.literalSlot = i;
      const literals = entry.literals[i];
      for (let k = 0; k < literals.length; k++) scanner.add(literals[k], i);
    }
    scanner.build();
    set.scanners.push(scanner);
    collectionPoint();
  }
  release(4);
  set.planCount = ids.size;
  set.planScanner = planScanner;
}
