// The WAF configuration (JSON) → engine settings. Unknown fields are errors, each named by path.
import { ConfigErrors, ConfigObject, JsonValue } from "../../sdk/index";
import { WafSettings } from "./engine/waf";
import { textToByteString } from "./engine/bytes";

const TOP_FIELDS: string[] = ["directives", "include_crs", "crs", "request_body_limit", "mode", "log_detections", "stat_prefix"];
const CRS_FIELDS: string[] = ["paranoia_level", "inbound_anomaly_score_threshold", "outbound_anomaly_score_threshold"];

export class WafConfig {
  settings: WafSettings = new WafSettings();
  /** Log a JSON line for requests that matched logging rules without being blocked. */
  logDetections: bool = true;
  statPrefix: string = "waf";
}

export function parseConfig(value: JsonValue, errors: ConfigErrors): WafConfig | null {
  const config = new WafConfig();
  const root = new ConfigObject(value, "", errors);
  if (!errors.ok) return null;
  root.rejectUnknown(TOP_FIELDS);
  const s = config.settings;
  // SecLang is bytes: UTF-8 in the JSON string becomes the same bytes the rules would have on disk.
  s.directives = textToByteString(root.optionalString("directives", ""));
  s.includeCrs = root.optionalBool("include_crs", true);
  const crs = root.optionalObject("crs");
  if (crs !== null) {
    crs.rejectUnknown(CRS_FIELDS);
    s.paranoiaLevel = <i32>crs.integer("paranoia_level", 1, 1, 4);
    s.inboundThreshold = <i32>crs.integer("inbound_anomaly_score_threshold", 5, 1, 100000);
    s.outboundThreshold = <i32>crs.integer("outbound_anomaly_score_threshold", 4, 1, 100000);
  }
  s.requestBodyLimit = <i32>root.integer("request_body_limit", 131072, 0, 1073741824);
  s.mode = root.has("mode") ? root.enumString("mode", ["On", "DetectionOnly", "Off"], "On") : "";
  config.logDetections = root.optionalBool("log_detections", true);
  config.statPrefix = root.optionalString("stat_prefix", "waf");
  return errors.ok ? config : null;
}
