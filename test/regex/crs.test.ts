// Every @rx pattern of OWASP CRS 3.3.4 (Debian's modsecurity-crs) compiles, in byte mode (as
// ModSecurity runs PCRE) and in UTF-8 mode, and agrees with V8's RegExp (given the PCRE pattern
// translated for JavaScript) on attack and benign strings.
import { beforeAll, describe, expect, it } from "vitest";
import { ATTACKS, BENIGN } from "./support/corpus.ts";
import { crsAvailable, CRS_RULES_DIR, loadCrsPatterns, type CrsPattern } from "./support/crs.ts";
import { FLAG_BYTES, RegexEngine } from "./support/engine.ts";
import { pcreToJs } from "./support/pcre-to-js.ts";

const available = crsAvailable();
if (!available) console.warn(`CRS tests skipped: ${CRS_RULES_DIR} is missing (apt-get install modsecurity-crs)`);

let engine: RegexEngine;
let patterns: CrsPattern[] = [];
beforeAll(async () => {
  if (!available) return;
  engine = await RegexEngine.load();
  patterns = loadCrsPatterns();
}, 120_000);

describe.skipIf(!available)("OWASP CRS 3.3.4 @rx patterns", () => {
  it("extracts every @rx operator (265 active rules, 14 commented-out examples)", () => {
    expect(patterns.filter((p) => !p.commented).length).toBe(265);
    expect(patterns.filter((p) => p.commented).length).toBe(14);
  });

  it("compiles every pattern in byte mode and in UTF-8 mode", () => {
    const failures: string[] = [];
    for (const p of patterns) {
      for (const flags of [FLAG_BYTES, 0]) {
        const c = engine.compile(p.pattern, flags);
        if (!c.ok) failures.push(`${p.file}:${p.line} (id ${p.id}) ${flags ? "bytes" : "utf8"}: ${c.error} at ${c.offset}`);
        else engine.release(c.handle);
      }
    }
    expect(failures).toEqual([]);
  });

  it("uses the backtracking fallback only for the patterns with PCRE-only constructs", () => {
    const backtracking = patterns.filter((p) => {
      const h = engine.mustCompile(p.pattern, FLAG_BYTES);
      const uses = engine.exports.usesBacktracking(h) === 1;
      engine.release(h);
      return uses;
    });
    for (const p of backtracking) expect(p.pattern).toMatch(/\(\?[=!>]|\(\?<[=!]|\\[1-9]|[*+?}]\+/);
    expect(backtracking.length).toBe(5);
  });

  it("agrees with V8 RegExp on attack and benign strings (test and match offsets)", () => {
    const inputs = [...ATTACKS, ...BENIGN, ...ATTACKS.map((a) => `param=${encodeURIComponent(a)}&x=1`), ...ATTACKS.map((a) => a.toUpperCase())];
    const failures: string[] = [];
    let matches = 0;
    let comparisons = 0;
    const matchedPatterns = new Set<string>();
    for (const p of patterns) {
      const oracle = pcreToJs(p.pattern);
      const h = engine.mustCompile(p.pattern, FLAG_BYTES);
      for (const input of inputs) {
        const js = oracle.regex.exec(input);
        const ours = engine.exec(h, input);
        const ourTest = engine.test(h, input);
        comparisons++;
        if (ourTest !== (js !== null) || (ours === null) !== (js === null)) {
          failures.push(`${p.file}:${p.line} on ${JSON.stringify(input)}: ours ${ourTest}/${JSON.stringify(ours)}, V8 ${js !== null}`);
          continue;
        }
        if (js === null || ours === null || ours === "limit") continue;
        matches++;
        matchedPatterns.add(p.pattern);
        if (ours[0][0] !== js.index || ours[0][1] !== js.index + js[0].length) {
          failures.push(`${p.file}:${p.line} on ${JSON.stringify(input)}: match ${JSON.stringify(ours[0])}, V8 [${js.index},${js.index + js[0].length}]`);
        }
      }
      engine.release(h);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(comparisons).toBeGreaterThan(50000);
    // The corpus really exercises the rules: a good share of them fire on it.
    expect(matches).toBeGreaterThan(1000);
    expect(matchedPatterns.size).toBeGreaterThan(110);
    console.log(`CRS differential: ${comparisons} comparisons, ${matches} matches, ${matchedPatterns.size} of ${patterns.length} patterns fired`);
  }, 120_000);
});
