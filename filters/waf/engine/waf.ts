// A configured WAF: the directives a configuration asks for (its own SecLang, the embedded CRS at
// a paranoia level, or the small default rule set) compiled once per VM into a RuleSet.
import { RuleSet, RuleSetBuilder, EngineMode } from "../seclang/ruleset";
import { FileSet } from "../seclang/parse-rule";
import { Evaluation } from "./evaluate";
import { DEFAULT_RULES } from "../default-rules";
import { hold, release } from "../../../sdk/index";

export class WafSettings {
  directives: string = "";
  includeCrs: bool = false;
  paranoiaLevel: i32 = 1;
  inboundThreshold: i32 = 5;
  outboundThreshold: i32 = 4;
  requestBodyLimit: i32 = 131072;
  /** "" keeps what the directives say (SecRuleEngine), else On / DetectionOnly / Off. */
  mode: string = "";
}

export class Waf {
  rules: RuleSet | null = null;
  error: string = "";
  crsLoaded: bool = false;

  /** Finished evaluations whose buffers the next requests reuse. */
  private spare: Evaluation[] = [];

  newEvaluation(): Evaluation {
    return new Evaluation(this.rules!, this.spare.length > 0 ? this.spare.pop() : null);
  }

  /** Hands back the evaluation of a finished request (nothing may use it afterwards). */
  recycle(evaluation: Evaluation): void {
    if (this.spare.length >= 8) return;
    evaluation.dropRequestData();
    this.spare.push(evaluation);
  }
}

/** Embedded files: CRS rule and data files under "rules/", and "crs-setup.conf". */
export function buildWaf(settings: WafSettings, files: FileSet): Waf {
  const waf = new Waf();
  const builder = new RuleSetBuilder(files);
  const hasCrs = files.find("crs-setup.conf") != null;
  hold(waf); hold(builder); hold(settings); hold(files); // loading and finishing collect
  const ok = loadRules(builder, settings, files, hasCrs);
  waf.crsLoaded = settings.includeCrs && hasCrs;
  const rules = ok ? builder.finish() : null;
  release(4);
  if (rules == null) { waf.error = builder.error; return waf; }
  if (settings.mode == "On") rules.mode = EngineMode.On;
  else if (settings.mode == "DetectionOnly") rules.mode = EngineMode.DetectionOnly;
  else if (settings.mode == "Off") rules.mode = EngineMode.Off;
  rules.requestBodyLimit = settings.requestBodyLimit;
  waf.rules = rules;
  return waf;
}

/** Loads CRS (with its setup and the configured settings), the configured directives, or the default rules. */
function loadRules(builder: RuleSetBuilder, settings: WafSettings, files: FileSet, hasCrs: bool): bool {
  let ok = true;
  if (settings.includeCrs && hasCrs) {
    // ModSecurity's recommended base configuration (modsecurity.conf-recommended) for both directions.
    ok = builder.load(
      "SecRuleEngine On\nSecRequestBodyAccess On\n" +
        "SecResponseBodyAccess On\nSecResponseBodyMimeType text/plain text/html text/xml\n" +
        "SecResponseBodyLimit 524288\nSecResponseBodyLimitAction ProcessPartial\n",
      "proxyscript-base.conf") &&
      builder.load(files.find("crs-setup.conf")!, "crs-setup.conf") &&
      builder.load(
        "SecAction \"id:900000,phase:1,nolog,pass,t:none," +
          "setvar:tx.paranoia_level=" + settings.paranoiaLevel.toString() + "," +
          "setvar:tx.inbound_anomaly_score_threshold=" + settings.inboundThreshold.toString() + "," +
          "setvar:tx.outbound_anomaly_score_threshold=" + settings.outboundThreshold.toString() + "\"\n",
        "proxyscript-crs-settings.conf");
    if (ok && settings.directives.length > 0) ok = builder.load(settings.directives, "directives");
    if (ok) {
      const names: string[] = [];
      for (let i = 0; i < files.names.length; i++) {
        const n = files.names[i];
        if (n.startsWith("rules/") && n.endsWith(".conf")) names.push(n);
      }
      names.sort();
      hold(names);
      for (let i = 0; i < names.length && ok; i++) ok = builder.load(files.find(names[i])!, names[i]);
      release(1);
    }
  } else if (settings.directives.length > 0) {
    ok = builder.load(settings.directives, "directives");
  } else {
    ok = builder.load(DEFAULT_RULES, "default-rules.conf");
  }
  return ok;
}
