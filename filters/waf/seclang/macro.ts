// Macros (%{TX.anomaly_score}, %{MATCHED_VAR}, %{RULE.id}) split once at load time into literal
// text and variable references, so a request expands them without re-parsing names.
import { Var, varFromName } from "./model";
import { asciiLower } from "../engine/bytes";
import { KeyLookup } from "../engine/collection";

export class Macro {
  /** Literal text around the references: texts.length == vars.length + 1. */
  texts: string[] = [];
  vars: Var[] = [];
  /** Lower-cased key of each reference ("" for none: %{MATCHED_VAR}). */
  keys: string[] = [];
  /** Where each reference's key was last found in its collection. */
  lookups: KeyLookup[] = [];

  get isLiteral(): bool { return this.vars.length == 0; }
}

export function compileMacro(text: string): Macro {
  const m = new Macro();
  let pos = 0;
  let start = text.indexOf("%{");
  while (start >= 0) {
    const end = text.indexOf("}", start + 2);
    if (end < 0) break;
    m.texts.push(text.substring(pos, start));
    const spec = text.substring(start + 2, end);
    const dot = spec.indexOf(".");
    m.vars.push(varFromName(dot < 0 ? spec : spec.substring(0, dot)));
    m.keys.push(dot < 0 ? "" : asciiLower(spec.substring(dot + 1)));
    m.lookups.push(new KeyLookup());
    pos = end + 1;
    start = text.indexOf("%{", pos);
  }
  m.texts.push(text.substring(pos));
  return m;
}
