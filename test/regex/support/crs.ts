// Reads every @rx operator of OWASP CRS 3.3.4 from Debian's modsecurity-crs package, handling
// line continuations and SecLang's quoting (inside a quoted argument only \" is an escape).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const CRS_RULES_DIR = "/usr/share/modsecurity-crs/rules";

export interface CrsPattern {
  file: string;
  /** The rule id of the SecRule (or of the chain's first rule). */
  id: string;
  line: number;
  pattern: string;
  /** The rule is commented out in the distribution (an example the user may enable). */
  commented: boolean;
}

export function crsAvailable(): boolean {
  return existsSync(CRS_RULES_DIR);
}

export function loadCrsPatterns(dir = CRS_RULES_DIR): CrsPattern[] {
  const out: CrsPattern[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".conf")).sort()) {
    const lines = readFileSync(path.join(dir, file), "utf8").split("\n");
    let lastId = "?";
    for (let i = 0; i < lines.length; i++) {
      // Join continuation lines (a trailing backslash).
      const startLine = i + 1;
      // Commented-out example rules count too: "# SecRule ... \" with "#"-prefixed continuations.
      const commented = /^\s*#\s*SecRule\b/.test(lines[i]);
      const uncomment = (l: string) => (commented ? l.replace(/^\s*#\s?/, "") : l);
      let directive = uncomment(lines[i]);
      while (directive.endsWith("\\") && i + 1 < lines.length) directive = directive.slice(0, -1) + uncomment(lines[++i]);
      const trimmed = directive.trim();
      if (!trimmed.startsWith("SecRule")) continue;
      const id = /\bid:'?(\d+)/.exec(trimmed)?.[1];
      if (id) lastId = id;
      const args = splitArguments(trimmed);
      const operator = args[2];
      if (operator === undefined) continue;
      const m = /^!?@rx (.*)$/s.exec(operator);
      if (m) out.push({ file, id: id ?? lastId, line: startLine, pattern: m[1], commented });
    }
  }
  return out;
}

/** Splits a directive into its arguments: bare words or double-quoted strings where \" is a quote. */
function splitArguments(s: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    let arg = "";
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && s[i + 1] === '"') { arg += '"'; i += 2; continue; }
        arg += s[i++];
      }
      i++;
    } else {
      while (i < s.length && !/\s/.test(s[i])) arg += s[i++];
    }
    args.push(arg);
  }
  return args;
}
