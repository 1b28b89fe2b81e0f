// Lookaheads with a regular body are answered by an anchored lazy DFA over a copy of the body
// (sdk/regex/lookahead-dfa.ts), scanned left to right from the position, in place while its
// transitions are cached; negative ones and positive ones without captures. These tests hold that
// path to V8's RegExp: a wrong relocation of the body's jumps, a missed end-of-text or \b context,
// or a stale table after the DFA's cache grows would show as a different answer.
import { beforeAll, describe, expect, it } from "vitest";
import { FLAG_BYTES, FLAG_I, FLAG_M, RegexEngine } from "./support/engine.ts";
import { Rng } from "./support/generate.ts";
import { expectFindAllAgrees, markedRuns, v8GroupSpans, v8Spans } from "./support/oracle.ts";

let engine: RegexEngine;
beforeAll(async () => {
  engine = await RegexEngine.load();
}, 120_000);

const ATOMS = ["a", "b", "x", "xml", "ab", "[ab]", "[^a]", "\\d", "\\w", "\\W", "\\s", " ", "\\.", ";", "(?:ab|c)", "a?", "b*", "[a-c]{2}", "(?:x|y)+", "\\b", "\\B", "$", "^"];
const HEADS = ["", "<\\?", "a", "\\w", "\\b", "(a)", "[ab]+", "\\s*"];
const TAILS = ["", "a", "\\w+", ".", "b?", "(b)"];
const ALPHABET = ["a", "b", "c", "x", "y", "xml", "<?", "<?xml", "<? xml", " ", "1", ";", ".", "\n", "ab", "_", "A"];

function body(rng: Rng): string {
  const alternatives: string[] = [];
  const n = rng.next() < 0.6 ? 1 : 2 + rng.int(3);
  for (let i = 0; i < n; i++) {
    let s = "";
    const k = 1 + rng.int(3);
    for (let j = 0; j < k; j++) s += rng.pick(ATOMS);
    alternatives.push(rng.next() < 0.15 ? `(${s})` : s);
  }
  return alternatives.join("|");
}

function pattern(rng: Rng): string {
  const look = () => `(?${rng.next() < 0.5 ? "!" : "="}${body(rng)})`;
  const r = rng.next();
  if (r < 0.2) return `${rng.pick(HEADS)}${look()}${rng.pick(TAILS)}${look()}`;
  if (r < 0.35) return `(?:${rng.pick(HEADS)}${look()}|;)${rng.pick(TAILS)}`;
  return `${rng.pick(HEADS)}${look()}${rng.pick(TAILS)}`;
}

describe("lookaheads with a regular body (anchored DFA), against V8", () => {
  it("agree on findAll and exec (with groups) for 1500 generated patterns, short and 2 KB inputs", () => {
    const rng = new Rng(953_120);
    const flagSets: Array<[number, string]> = [[0, ""], [FLAG_I, "i"], [FLAG_M, "m"], [FLAG_BYTES, ""]];
    const failures: string[] = [];
    let matches = 0;
    let misses = 0;
    for (let n = 0; n < 1500 && failures.length < 10; n++) {
      const source = pattern(rng);
      const [flags, jsFlags] = flagSets[n % flagSets.length];
      const h = engine.mustCompile(source, flags);
      const oracle = new RegExp(source, jsFlags + "dg");
      for (let k = 0; k < 6; k++) {
        let text = "";
        const len = k == 5 ? 2048 : rng.int(24);
        while (text.length < len) text += rng.pick(ALPHABET);
        const label = `/${source}/${jsFlags} on ${JSON.stringify(text.slice(0, 60))}`;
        oracle.lastIndex = 0;
        const js = v8Spans(text, oracle);
        const ours = engine.findAll(h, text);
        if (JSON.stringify(ours) !== JSON.stringify(js)) { failures.push(`${label}: findAll ${JSON.stringify(ours.slice(0, 4))}, V8 ${JSON.stringify(js.slice(0, 4))}`); break; }
        if (js.length > 0) matches++; else misses++;
        if (k == 5) continue;
        oracle.lastIndex = 0;
        const jsGroups = v8GroupSpans(oracle.exec(text));
        const ourGroups = engine.exec(h, text);
        if (JSON.stringify(ourGroups) !== JSON.stringify(jsGroups)) { failures.push(`${label}: exec ${JSON.stringify(ourGroups)}, V8 ${JSON.stringify(jsGroups)}`); break; }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(matches).toBeGreaterThan(2500);
    expect(misses).toBeGreaterThan(1000);
  }, 120_000);

  it("agree while the lookahead DFA's cache grows during one search (its table moves)", () => {
    expectFindAllAgrees(engine, ["y(?![abc]{0,24}b[ab]{16})|x(?=[abc]{0,24}a[ab]{17})", "x(?=[abc]{0,40}a[ab]{11}c)|y(?![abc]{0,40}b[ab]{12}c)"], markedRuns(11, true));
  }, 60_000);

  it("CRS 953120 finds <? not followed by xml, at the start, the end and across many near-misses", () => {
    const h = engine.mustCompile("<\\?(?!xml)", FLAG_BYTES);
    expect(engine.exec(h, "<?php")).toEqual([[0, 2]]);
    expect(engine.test(h, "<?xml version")).toBe(false);
    expect(engine.exec(h, "<?xm")).toEqual([[0, 2]]);
    expect(engine.exec(h, "a<?")).toEqual([[1, 3]]);
    const many = "<?xml version ".repeat(70);
    expect(engine.test(h, many)).toBe(false);
    expect(engine.exec(h, many + "<?XML")).toEqual([[many.length, many.length + 2]]);
    expect(engine.exec(h, many + "<?x")).toEqual([[many.length, many.length + 2]]);
  });
});
