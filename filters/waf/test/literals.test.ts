// The literal prefilter's soundness: the literals read off an @rx pattern (engine/literals.ts) must
// occur in every string the pattern matches, or rules would skip real matches. Checked on chosen
// patterns and on every @rx pattern of Debian's CRS against the regression, benign and attack
// inputs (raw, URL-decoded and lower-cased), through the engine's test entry (real .wasm).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngineFixture, type EngineFixture } from "./support/fixture.ts";
import { DEFAULT_CRS_RULES_DIR } from "../../../harness/build/crs.ts";
import { haveCrs, haveRegression, REGRESSION_DIR } from "./support/crs-filter.ts";
import { loadFtwCases } from "./support/ftw.ts";
import { attackCorpus, benignCorpus } from "./support/corpus.ts";

let f: EngineFixture;
beforeAll(async () => { f = await loadEngineFixture(false); }, 240_000);

const literals = (pattern: string) => {
  const text = f.call("literals", pattern).text;
  return text === "-" ? null : text.split("\n").sort();
};

/** The operator of every SecRule in a CRS file whose operator is @rx (explicit or implied). */
function rxPatterns(conf: string): string[] {
  const joined = conf.replace(/\\\r?\n/g, "");
  const out: string[] = [];
  for (const m of joined.matchAll(/^\s*SecRule\s+\S+\s+"((?:[^"\\]|\\.)*)"/gm)) {
    const op = m[1].replace(/\\"/g, '"').replace(/^!/, "");
    if (op.startsWith("@rx ")) out.push(op.slice(4));
    else if (!op.startsWith("@")) out.push(op);
  }
  return out;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch { return s; }
}

describe("required literals of @rx patterns", () => {
  it("names the most selective literals a match must contain", () => {
    expect(literals("(?i)union\\s+select")).toEqual(["select"]);
    expect(literals("(?:foo|bar)baz")).toEqual(["barbaz", "foobaz"]);
    expect(literals("\\bselect\\b")).toEqual(["select"]);
    expect(literals("[ab]cd+")).toEqual(["c"]);
    expect(literals("<script\\x3e")).toEqual(["<script>"]);
    expect(literals("(?i:ON)(?=load)")).toEqual(["on"]);
    expect(literals("a|b.*cc")).toEqual(["a", "cc"]);
  });

  it("names none when a match need not contain any", () => {
    expect(literals("x*")).toBeNull();
    expect(literals("a?b?")).toBeNull();
    expect(literals("a|.")).toBeNull();
    expect(literals("(a)\\1")).toEqual(["a"]);
    expect(literals("(?x) a b")).toBeNull(); // extended mode changes what the text means
    expect(literals("(?R)")).toBeNull();
  });

  it.skipIf(!haveCrs || !haveRegression)("never misses a match of a CRS pattern on the regression, benign and attack inputs", () => {
    const inputs = new Set<string>();
    const add = (s: string) => {
      for (const v of [s, safeDecode(s), safeDecode(s).toLowerCase()]) if (v.length > 0 && v.length < 4000 && !v.includes("\0")) inputs.add(v);
    };
    const requests = [...loadFtwCases(REGRESSION_DIR).map((c) => c.request), ...benignCorpus(300, 5), ...attackCorpus(4)];
    for (const r of requests) {
      if (r === null) continue;
      add(r.uri);
      add(r.body.toString("latin1"));
      for (const [k, v] of r.headers) { add(k); add(v); }
    }
    expect(f.call("setSubjects", ...inputs).text).toBe(String(inputs.size));
    const patterns = readdirSync(DEFAULT_CRS_RULES_DIR).filter((n) => n.endsWith(".conf"))
      .flatMap((n) => rxPatterns(readFileSync(path.join(DEFAULT_CRS_RULES_DIR, n), "latin1")));
    expect(patterns.length).toBeGreaterThan(250);
    let withLiterals = 0;
    const misses: string[] = [];
    for (const p of patterns) {
      if (literals(p) !== null) withLiterals++;
      const out = f.call("literalMisses", p);
      expect(out.ok, out.text).toBe(true);
      if (out.text.length > 0) misses.push(`${p.slice(0, 80)} matched ${out.text.split("\n")[0].slice(0, 80)}`);
    }
    expect(misses).toEqual([]);
    expect(withLiterals).toBeGreaterThan(patterns.length / 2);
  }, 120_000);
});
