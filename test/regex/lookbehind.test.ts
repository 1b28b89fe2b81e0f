// Lookbehinds with a regular body are answered by a lazy DFA over the body compiled in reverse
// (sdk/regex/lookbehind-dfa.ts), reading right to left from the position, instead of by
// backtracking the body. These tests hold that path to V8's RegExp: a wrong reversal (order of a
// concatenation, UTF-8 byte order, mirrored ^ $, \b context at either end, case folding) or a
// missed match near the start of the input would show as a different answer.
import { beforeAll, describe, expect, it } from "vitest";
import { FLAG_BYTES, FLAG_I, FLAG_M, RegexEngine } from "./support/engine.ts";
import { Rng } from "./support/generate.ts";
import { pcreToJs } from "./support/pcre-to-js.ts";
import { expectFindAllAgrees, markedRuns, v8Spans } from "./support/oracle.ts";

let engine: RegexEngine;
beforeAll(async () => {
  engine = await RegexEngine.load();
}, 120_000);

const BODY_ATOMS = ["a", "b", "c", "ab", "ba", "A", "&", "&amp", "[ab]", "[^a]", "\\d", "\\w", "\\W", "\\s", " ", "\\.", ";", "x", "[a-c]{2}", "b?", "a{1,2}", "(?:ab|c)"];
const BODY_ASSERTS = ["\\b", "\\B", "^", "$"];
const TAILS = ["", "a", "b", ";", "c", "\\w", "[ab]+", "x?", "."];
const HEADS = ["", "", "a", "\\w", "b*", "(a)", "(\\w)"];

/** One alternative of a lookbehind body: one to three atoms, sometimes with an assertion. */
function bodyAlternative(rng: Rng): string {
  let out = "";
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    if (rng.next() < 0.12) out += rng.pick(BODY_ASSERTS);
    out += rng.pick(BODY_ATOMS);
  }
  if (rng.next() < 0.1) out += rng.pick(BODY_ASSERTS);
  return out;
}

/** A body of one to six alternatives of different lengths (CRS 920120 has eight). */
function body(rng: Rng): string {
  const n = rng.next() < 0.5 ? 1 : 2 + rng.int(5);
  const alts: string[] = [];
  for (let i = 0; i < n; i++) alts.push(rng.next() < 0.3 ? `(?:${bodyAlternative(rng)})` : bodyAlternative(rng));
  return alts.join("|");
}

/** A pattern with one or two lookbehinds, somewhere in a concatenation or an alternation. */
function lookbehindPattern(rng: Rng): string {
  const look = () => `(?<${rng.next() < 0.5 ? "!" : "="}${body(rng)})`;
  const head = rng.pick(HEADS);
  const tail = rng.pick(TAILS);
  const r = rng.next();
  if (r < 0.2) return `${head}${look()}${tail}${look()}`;
  if (r < 0.35) return `(?:${look()}${tail}|${rng.pick(TAILS)}x)`;
  if (r < 0.45) return `${look()}${tail}|['"=]`;
  return `${head}${look()}${tail}`;
}

const ALPHABET = ["a", "b", "c", "A", "B", "&", ";", " ", ".", "1", "x", "_", "\n", "amp", "&amp;", "ab"];

function input(rng: Rng): string {
  const n = rng.next() < 0.2 ? 20 + rng.int(60) : rng.int(10);
  let s = "";
  for (let i = 0; i < n; i++) s += rng.pick(ALPHABET);
  return s;
}

describe("lookbehinds with a regular body (reverse DFA), against V8", () => {
  it("agree on test and match offsets for 1200 generated patterns, with and without (?i) and (?m)", () => {
    const rng = new Rng(920_120);
    const flagSets: Array<[number, string]> = [[0, ""], [FLAG_I, "i"], [FLAG_M, "m"], [FLAG_BYTES, ""], [FLAG_I | FLAG_BYTES, "i"]];
    const failures: string[] = [];
    let comparisons = 0;
    let matches = 0;
    let misses = 0;
    for (let n = 0; n < 1200 && failures.length < 10; n++) {
      const source = lookbehindPattern(rng);
      const [flags, jsFlags] = flagSets[n % flagSets.length];
      const oracle = pcreToJs(source, jsFlags).regex;
      const compiled = engine.compile(source, flags);
      if (!compiled.ok) { failures.push(`/${source}/ did not compile: ${compiled.error}`); continue; }
      const h = compiled.handle;
      for (let k = 0; k < 12; k++) {
        const text = input(rng);
        const label = `/${source}/${jsFlags} on ${JSON.stringify(text)}`;
        oracle.lastIndex = 0;
        const js = oracle.exec(text);
        const ours = engine.exec(h, text);
        comparisons++;
        if (engine.test(h, text) !== (js !== null) || ours === "limit" || (ours === null) !== (js === null)) {
          failures.push(`${label}: ours ${JSON.stringify(ours)}, V8 ${JSON.stringify(js?.index)}`);
          break;
        }
        if (ours === null || js === null) { misses++; continue; }
        matches++;
        if (ours[0][0] !== js.index || ours[0][1] !== js.index + js[0].length) {
          failures.push(`${label}: match ${JSON.stringify(ours[0])}, V8 [${js.index},${js.index + js[0].length}]`);
          break;
        }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(comparisons).toBeGreaterThan(14_000);
    expect(matches).toBeGreaterThan(2_000);
    expect(misses).toBeGreaterThan(2_000);
  }, 120_000);

  // After its first call into the DFA, the backtracker scans cached transitions in place (no
  // call) and calls only where one is missing; the DFA's table moves when its cache grows, and
  // the backtracker must then read the new one. Long inputs make one search check a lookbehind at
  // hundreds of positions, so both the in-place scans and the calls between them are compared.
  it("agree on findAll over 2 KB inputs for 300 generated patterns (many lookbehind checks per search)", () => {
    const rng = new Rng(942_130);
    const failures: string[] = [];
    let matches = 0;
    for (let n = 0; n < 300 && failures.length < 10; n++) {
      const source = lookbehindPattern(rng);
      const byteMode = n % 2 === 0;
      const oracle = new RegExp(pcreToJs(source).regex.source, "g");
      const h = engine.mustCompile(source, byteMode ? FLAG_BYTES : 0);
      let text = "";
      while (text.length < 2048) text += rng.pick(ALPHABET);
      const js = v8Spans(text, oracle);
      const ours = engine.findAll(h, text);
      if (JSON.stringify(ours) !== JSON.stringify(js)) {
        failures.push(`/${source}/ on ${JSON.stringify(text.slice(0, 80))}…: ${ours.length} matches, V8 ${js.length}; first ours ${JSON.stringify(ours.slice(0, 3))}, V8 ${JSON.stringify(js.slice(0, 3))}`);
      }
      matches += js.length;
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(matches).toBeGreaterThan(50_000);
  }, 120_000);

  it("agree while the lookbehind DFA's cache grows during one search (its table moves)", () => {
    // Bodies whose reverse DFAs reach thousands of states on random a/b runs: the table is
    // reallocated several times in the middle of one findAll.
    expectFindAllAgrees(engine, ["(?<![ab]{16}b[ab]{0,20})y|(?<=[ab]{17}a[ab]{0,20})x", "(?<!c[ab]{12}a[abc]{0,40})y|(?<=c[ab]{11}b[abc]{0,40})x"], markedRuns(7, false));
  }, 60_000);

  it("a match right after the start of the input, where the body reaches the beginning", () => {
    const entities = engine.mustCompile("(?<!&(?:[aAoOuUyY]uml)|&(?:amp)|&(?:apos));|['\"=]", FLAG_BYTES);
    expect(engine.exec(entities, ";")).toEqual([[0, 1]]);
    expect(engine.exec(entities, "&amp;")).toBeNull();
    expect(engine.exec(entities, "amp;")).toEqual([[3, 4]]);
    expect(engine.exec(entities, "&uuml;&amp;x;")).toEqual([[12, 13]]);
    expect(engine.exec(entities, "&aumL;")).toEqual([[5, 6]]);
    const start = engine.mustCompile("(?<=^ab|^c)x");
    expect(engine.exec(start, "abx")).toEqual([[2, 3]]);
    expect(engine.exec(start, "cx")).toEqual([[1, 2]]);
    expect(engine.test(start, "zabx")).toBe(false);
    const boundary = engine.mustCompile("(?<=\\bab)c");
    expect(engine.exec(boundary, "abc")).toEqual([[2, 3]]);
    expect(engine.test(boundary, "xabc")).toBe(false);
    const after = engine.mustCompile("(?<=a\\b)");
    expect(engine.exec(after, "xa b")).toEqual([[2, 2]]);
    expect(engine.test(after, "ab")).toBe(false);
  });

  it("folds case in the body under (?i) and in scoped (?i:...)", () => {
    const h = engine.mustCompile("(?<!&(?i:amp|quot));");
    expect(engine.test(h, "&AmP;")).toBe(false);
    expect(engine.test(h, "&QUOT;")).toBe(false);
    expect(engine.exec(h, "&AmX;")).toEqual([[4, 5]]);
    const whole = engine.mustCompile("(?<=ab)c", FLAG_I);
    expect(engine.exec(whole, "xABC")).toEqual([[3, 4]]);
  });

  it("reads multi-byte UTF-8 characters in the body backwards (byte offsets)", () => {
    const h = engine.mustCompile("(?<=é|[ü-ÿ]{2}|€)x");
    expect(engine.exec(h, "aéx")).toEqual([[3, 4]]);
    expect(engine.exec(h, "üÿx")).toEqual([[4, 5]]);
    expect(engine.exec(h, "€x")).toEqual([[3, 4]]);
    expect(engine.test(h, "üx")).toBe(false);
    expect(engine.test(h, "ax")).toBe(false);
    const negative = engine.mustCompile("(?<!é)x");
    expect(engine.exec(negative, "éxax")).toEqual([[4, 5]]);
  });

  it("a positive lookbehind with captures still reports their offsets", () => {
    const h = engine.mustCompile("(?<=(ab)|(c))x");
    expect(engine.exec(h, "zabx")).toEqual([[3, 4], [1, 3], [-1, -1]]);
    expect(engine.exec(h, "cx")).toEqual([[1, 2], [-1, -1], [0, 1]]);
    expect(engine.exec(h, "bx")).toBeNull();
  });

  it("bodies that are not regular (nested lookaround) still backtrack, and agree with V8", () => {
    const cases: Array<[string, string[]]> = [
      ["(?<=a(?!b)\\w)c", ["aac", "abc", "axc", "c"]],
      ["(?<!(?<=x)a)b", ["xab", "yab", "b", "ab"]],
    ];
    for (const [source, inputs] of cases) {
      const h = engine.mustCompile(source);
      const js = new RegExp(source);
      for (const text of inputs) {
        const m = js.exec(text);
        const ours = engine.exec(h, text);
        expect(ours === null ? null : ours[0], `/${source}/ on ${text}`).toEqual(m === null ? null : [m.index, m.index + m[0].length]);
      }
    }
  });
});
