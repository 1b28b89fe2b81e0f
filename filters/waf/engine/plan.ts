// Target plans: rules whose targets (with exclusions) and transformation list are the same share
// one plan id, assigned at load time. A request resolves and transforms a plan's values once and
// every rule with that plan reuses them until the request data changes (body parsed, ctl:...).
import { Rule, Target, Var, varName } from "../seclang/model";
import { RuleSet } from "../seclang/ruleset";
import { Resolved } from "./variables";

/** One plan's values in one request: names (prefix + key) and transformed values. */
export class PlanValues extends Resolved {
  /** The evaluation generation these values belong to; -1 before the first use. */
  generation: i32 = -1;
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
  if (rule.isAction || rule.isMarker || rule.multiMatch) return;
  if (!cacheable(rule.targets) || !cacheable(rule.exclusions)) return;
  const key = signature(rule.targets) + "!" + signature(rule.exclusions) + "#" + rule.transforms.join(",");
  if (!ids.has(key)) ids.set(key, ids.size);
  rule.planId = ids.get(key);
}

/** Gives every rule (chain links too) its plan id; sets.planCount. */
export function assignPlans(set: RuleSet): void {
  const ids = new Map<string, i32>();
  for (let p = 1; p < set.phases.length; p++) {
    const list = set.phases[p];
    for (let i = 0; i < list.length; i++) {
      let r: Rule | null = list[i];
      while (r != null) { assign(r!, ids); r = r!.chained; }
    }
  }
  set.planCount = ids.size;
}
