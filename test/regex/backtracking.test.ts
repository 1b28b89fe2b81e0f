// Patterns that need the backtracking fallback are searched through DFAs over a loosened, regular
// superset of the pattern, and backtracked only where a loosened match can start. These tests
// hold that path to V8's RegExp (a plain backtracker): if the loosened pattern were not a
// superset, or a candidate start were missed, results would differ.
import { beforeAll, describe, expect, it } from "vitest";
import { crsAvailable, loadCrsPatterns } from "./support/crs.ts";
import { FLAG_BYTES, FLAG_I, FLAG_M, FLAG_S, RegexEngine } from "./support/engine.ts";
import { generateBacktrackingPattern, generateLongerInput, Rng } from "./support/generate.ts";
import { pcreToJs } from "./support/pcre-to-js.ts";
import { v8GroupSpans, v8Spans } from "./support/oracle.ts";

let engine: RegexEngine;
beforeAll(async () => {
  engine = await RegexEngine.load();
}, 120_000);

const FLAG_SETS: Array<[number, string]> = [[0, ""], [FLAG_I, "i"], [FLAG_S, "s"], [FLAG_M, "m"], [FLAG_I | FLAG_M | FLAG_S, "ims"]];

describe("backtracking patterns: loosened DFA prefilter + candidate starts, against V8", () => {
  it("agrees on test, exec (with groups) and findAll for 1500 generated PCRE-only patterns", () => {
    const rng = new Rng(4_2026);
    const failures: string[] = [];
    let comparisons = 0;
    let matches = 0;
    for (let n = 0; n < 1500 && failures.length < 10; n++) {
      const gen = generateBacktrackingPattern(rng);
      const [flags, jsFlags] = FLAG_SETS[n % FLAG_SETS.length];
      const oracle = pcreToJs(gen.source, jsFlags + "d");
      const compiled = engine.compile(gen.source, flags);
      if (!compiled.ok) { failures.push(`/${gen.source}/${jsFlags} did not compile: ${compiled.error}`); continue; }
      const h = compiled.handle;
      expect(engine.exports.usesBacktracking(h)).toBe(1);
      const groups = engine.exports.groupCount(h);
      for (let k = 0; k < 10; k++) {
        const input = generateLongerInput(rng);
        const label = `/${gen.source}/${jsFlags} on ${JSON.stringify(input)}`;
        oracle.regex.lastIndex = 0;
        const js = v8GroupSpans(oracle.regex.exec(input), oracle.sameGroups ? groups : 1);
        const ours = engine.exec(h, input);
        const ourTest = engine.test(h, input);
        comparisons++;
        if (ourTest !== (js !== null)) { failures.push(`${label}: test() ${ourTest}, V8 ${js !== null}`); break; }
        if (ours === "limit" || (ours === null) !== (js === null)) { failures.push(`${label}: exec ${JSON.stringify(ours)}, V8 ${JSON.stringify(js)}`); break; }
        if (ours === null || js === null) continue;
        matches++;
        const oursCompared = oracle.sameGroups ? ours : ours.slice(0, 1);
        if (JSON.stringify(oursCompared) !== JSON.stringify(js)) { failures.push(`${label}: exec ${JSON.stringify(ours)}, V8 ${JSON.stringify(js)}`); break; }
        const all = new RegExp(oracle.regex.source, jsFlags + "g");
        const jsAll = v8Spans(input, all);
        const ourAll = engine.findAll(h, input);
        if (JSON.stringify(ourAll) !== JSON.stringify(jsAll)) { failures.push(`${label}: findAll ${JSON.stringify(ourAll)}, V8 ${JSON.stringify(jsAll)}`); break; }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(comparisons).toBeGreaterThan(14000);
    expect(matches).toBeGreaterThan(2000);
  }, 120_000);

  it("a backreference that ignores case is loosened to its group in either case (PCRE semantics)", () => {
    // JavaScript has no scoped (?i:...), so V8 cannot be the oracle here.
    const h = engine.mustCompile("\\b([a-c]+)-(?i:\\1)\\b");
    expect(engine.exec(h, "x abc-ABC y")).toEqual([[2, 9], [2, 5]]);
    expect(engine.exec(h, "x abc-aBc")).toEqual([[2, 9], [2, 5]]);
    expect(engine.test(h, "x abc-ABD y")).toBe(false);
    const sensitive = engine.mustCompile("\\b([a-c]+)-\\1\\b");
    expect(engine.test(sensitive, "x abc-ABC y")).toBe(false);
    expect(engine.test(sensitive, "x abc-abc y")).toBe(true);
  });

  it("finds the leftmost match of X*?Y at the start of the run before Y, and stays linear on long runs", () => {
    const h = engine.mustCompile("[ 'x]*?\\b(\\w+)=\\1\\b");
    expect(engine.exec(h, "ab  x a=a;")).toEqual([[2, 9], [6, 7]]); // the run " x " belongs to the match: V8 agrees
    expect(/[ 'x]*?\b(\w+)=\1\b/d.exec("ab  x a=a;")!.indices!.slice(0, 2)).toEqual([[2, 9], [6, 7]]);
    const run = " ".repeat(20_000);
    // Without skipping the run every start would re-scan it: far beyond the default step limit.
    expect(engine.testRaw(h, run + "a=b")).toBe(0);
    expect(engine.exec(h, run + "a=a")).toEqual([[0, 20_003], [20_000, 20_001]]);
  });

  // A greedy X+ of one byte set is left only before bytes that can go on; when X holds only word
  // bytes (or only others), a \b or \B on the way out narrows those further (the byte before is in
  // X). A wrong narrowing drops a way out that can match: V8 would find a match we miss.
  it("agrees with V8 where a word or non-word X+ is left through \\b or \\B (findAll, groups)", () => {
    const rng = new Rng(942_131);
    const sets = ["\\w", "[a-c]", "[\\d\\w]", "\\d", "[0-9_]", "\\W", "[ .;=]", "[=<>]", "\\s", "[^\\w]"];
    const asserts = ["\\b", "\\B", "\\b\\b", "\\B\\b", ""];
    const tails = ["=", "a", "\\w", "\\W", " ", "[=a]", "(?:=|b)", "[ ;]*?\\1", "\\s*?(?:\\b\\1\\b)", "$", "(?=a)", "(?!=)", ""];
    const alphabet = ["a", "b", "c", "1", "_", " ", "=", ".", ";", "<", ">", "ab", "a=a", "b = b", "1=2"];
    const failures: string[] = [];
    let matches = 0;
    for (let n = 0; n < 600 && failures.length < 10; n++) {
      const x = rng.pick(sets);
      const body = rng.next() < 0.5 ? `(${x}+)` : `${x}+`;
      const source = `(?!zz)${rng.next() < 0.3 ? "\\b" : ""}${body}${rng.pick(asserts)}${rng.pick(tails)}${rng.next() < 0.3 ? rng.pick(asserts) + rng.pick(tails) : ""}`;
      const compiled = engine.compile(source, n % 2 ? FLAG_BYTES : 0);
      if (!compiled.ok) continue; // a \\1 without a group
      const h = compiled.handle;
      const oracle = new RegExp(source, "dg");
      for (let k = 0; k < 6; k++) {
        let input = "";
        const len = rng.int(40);
        for (let i = 0; i < len; i++) input += rng.pick(alphabet);
        const jsAll = v8Spans(input, oracle);
        const ourAll = engine.findAll(h, input);
        if (JSON.stringify(ourAll) !== JSON.stringify(jsAll)) { failures.push(`/${source}/ on ${JSON.stringify(input)}: ${JSON.stringify(ourAll)}, V8 ${JSON.stringify(jsAll)}`); break; }
        matches += jsAll.length;
        oracle.lastIndex = 0;
        const groups = engine.exports.groupCount(h);
        const js = v8GroupSpans(oracle.exec(input), groups);
        oracle.lastIndex = 0;
        const ours = engine.exec(h, input);
        if (JSON.stringify(ours) !== JSON.stringify(js)) { failures.push(`/${source}/ on ${JSON.stringify(input)}: exec ${JSON.stringify(ours)}, V8 ${JSON.stringify(js)}`); break; }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(matches).toBeGreaterThan(3000);
  }, 60_000);

  // A pattern Y (G) Z with a backreference to G in Z is loosened, for the DFAs, to an alternation
  // over sets of the characters G can begin with, the references in Z beginning in the same set
  // (loosen.ts, tightLoosen). If that were not a superset of the pattern, a match would be missed.
  it("agrees with V8 on patterns with a backreference to a group (the tighter loosening)", () => {
    const rng = new Rng(942_132);
    const heads = ["", "\\b", "x?", "[ '\"]*?\\b", "\\W"];
    const groups = ["\\w+", "[a-c]+", "[\\d\\w]+", "\\d+", "[a-z][0-9]*", "(?:ab|c)\\w*", "[A-C]+", "x?[ab]+", "[ab]{2,3}", "a|b\\w", "[a-f]", "[0-9_a-z]+"];
    const mids = ["=", "\\s*=\\s*", "[-=]", "[ '\"]*?(?:=|<|like)", "", "\\b[ =]*?", "(?:=|<>|\\s+is\\s+)"];
    const tails = ["\\1", "\\b\\1\\b", "(?:\\1|x)", "\\1+", "(?!\\1)\\w", "(?:=\\1|<\\w)", "\\1?;", "[ ]*?(?:\\b\\1\\b)", "(?:a|\\1b)", "\\w*\\1"];
    const alphabet = ["a", "b", "c", "A", "B", "C", "ab", "1", "2", "_", "x", "=", " = ", "<", "<>", " is ", "like", " ", "'", ";", "a=a", "ab=ab", "a=b", "B=b", "12=12", "c<>c", "-", "abc"];
    const failures: string[] = [];
    let matches = 0;
    let misses = 0;
    for (let n = 0; n < 800 && failures.length < 10; n++) {
      const source = `${rng.pick(heads)}(${rng.pick(groups)})${rng.pick(mids)}${rng.pick(tails)}${rng.next() < 0.2 ? "|<=" : ""}`;
      const [flags, jsFlags] = ([[0, ""], [FLAG_I, "i"], [FLAG_BYTES, ""], [FLAG_I | FLAG_BYTES, "i"]] as Array<[number, string]>)[n % 4];
      const h = engine.mustCompile(source, flags);
      const oracle = new RegExp(source, jsFlags + "dg");
      for (let k = 0; k < 8; k++) {
        let input = "";
        const len = rng.next() < 0.3 ? 30 + rng.int(90) : rng.int(12);
        for (let i = 0; i < len; i++) input += rng.pick(alphabet);
        const jsAll = v8Spans(input, oracle);
        const ourAll = engine.findAll(h, input);
        if (JSON.stringify(ourAll) !== JSON.stringify(jsAll)) { failures.push(`/${source}/${jsFlags} on ${JSON.stringify(input)}: ${JSON.stringify(ourAll)}, V8 ${JSON.stringify(jsAll)}`); break; }
        if (jsAll.length > 0) matches++; else misses++;
        oracle.lastIndex = 0;
        const js = v8GroupSpans(oracle.exec(input), engine.exports.groupCount(h));
        oracle.lastIndex = 0;
        const ours = engine.exec(h, input);
        if (JSON.stringify(ours) !== JSON.stringify(js)) { failures.push(`/${source}/${jsFlags} on ${JSON.stringify(input)}: exec ${JSON.stringify(ours)}, V8 ${JSON.stringify(js)}`); break; }
        if (engine.test(h, input) !== (js !== null)) { failures.push(`/${source}/${jsFlags} on ${JSON.stringify(input)}: test ${!ours}`); break; }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(matches).toBeGreaterThan(1500);
    expect(misses).toBeGreaterThan(1500);
  }, 120_000);

  it("near-misses whose reference would begin with another character never reach the backtracker", () => {
    // 1 KB of "word=other word" pairs: with the references loosened to any word, every pair is a
    // loosened match and a backtracker start, far beyond a 200-step budget (result 2).
    const h = engine.mustCompile("\\b([\\d\\w]+)\\b\\s*=\\s*\\b\\1\\b", FLAG_BYTES, 200);
    const pairs = "text/html;charset=utf-8;a=b;c=d;e=f;g=h;id=42;q=x;".repeat(21);
    expect(engine.testRaw(h, pairs)).toBe(0);
    expect(engine.testRaw(h, pairs + "same=same")).toBe(1);
    const folded = engine.mustCompile("(?i:\\b([a-z]+)=\\1\\b)", FLAG_BYTES, 200);
    expect(engine.testRaw(folded, pairs + "Same=sAME")).toBe(1);
    expect(engine.testRaw(folded, pairs)).toBe(0);
  });

  it("backtracks only at possible starts: 64 KB of ordinary text stays within a small step budget", () => {
    // A plain backtracker tries every word start (about 13 000 here, several steps each) and runs
    // out of steps; the loosened DFAs leave only the "word=word" places at the end.
    const h = engine.mustCompile("\\b(\\w+)\\s*=\\s*\\1\\b", 0, 5_000);
    const text = "the quick brown fox jumps over the lazy dog ".repeat(1500);
    expect(engine.testRaw(h, text + "user_id=991")).toBe(0);
    expect(engine.testRaw(h, text + "user_id=991 same = same")).toBe(1);
    expect(engine.exec(h, text + "same = same")).toEqual([[text.length, text.length + 11], [text.length, text.length + 4]]);
  });
});

const CRS_FRAGMENTS = [
  "a=a", "1=1", "x = y", "'1'='1", "1 like 1", "a not like b", "<>", "!=", ">=", " is not ", "b<=b", "c<>d", "1^1",
  "&auml;", "&amp;", "&quot;", "&Ouml", ";", "'", "\"", "=", "<?xml", "<?php", "<?", "<? xml", "text/html", "; charset=utf-8",
  "application/json", ",", "*/*", " ", "(", ")", "`", "foo", "bar", "select", "union all", "having", "AND", "OR", "\t", "\n",
  "xxxxxxxxxxxxxxxxxxxx", "                    ", "id=42&sort=asc", "sounds like", "regexp", "rlike", "between",
];

describe.skipIf(!crsAvailable())("CRS patterns that need the backtracker, against V8, on generated near-misses", () => {
  it("agree on test and match offsets in byte and UTF-8 mode", () => {
    const patterns = loadCrsPatterns().filter((p) => {
      const h = engine.mustCompile(p.pattern, FLAG_BYTES);
      const uses = engine.exports.usesBacktracking(h) === 1;
      engine.release(h);
      return uses;
    });
    expect(patterns.length).toBe(5);
    const rng = new Rng(942130);
    const inputs: string[] = [];
    for (let i = 0; i < 1500; i++) {
      let s = "";
      const n = 1 + rng.int(16);
      for (let k = 0; k < n; k++) {
        const f = rng.pick(CRS_FRAGMENTS);
        s += rng.next() < 0.2 ? f.toUpperCase() : f;
      }
      inputs.push(s);
    }
    const failures: string[] = [];
    let matches = 0;
    for (const p of patterns) {
      const oracle = pcreToJs(p.pattern).regex;
      for (const flags of [FLAG_BYTES, 0]) {
        const h = engine.mustCompile(p.pattern, flags);
        for (const input of inputs) {
          const js = oracle.exec(input);
          const ours = engine.exec(h, input);
          if (engine.test(h, input) !== (js !== null) || (ours === null) !== (js === null) || ours === "limit") {
            failures.push(`${p.id} ${flags ? "bytes" : "utf8"} on ${JSON.stringify(input)}: ours ${JSON.stringify(ours)}, V8 ${js !== null}`);
            continue;
          }
          if (ours === null || js === null) continue;
          matches++;
          if (ours[0][0] !== js.index || ours[0][1] !== js.index + js[0].length) {
            failures.push(`${p.id} on ${JSON.stringify(input)}: match ${JSON.stringify(ours[0])}, V8 [${js.index},${js.index + js[0].length}]`);
          }
        }
        engine.release(h);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(matches).toBeGreaterThan(3000);
  }, 120_000);
});
