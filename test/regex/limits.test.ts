// Linear time, the step limit of the backtracking fallback, and bounded memory.
import { beforeAll, describe, expect, it } from "vitest";
import { performance } from "node:perf_hooks";
import { RegexEngine } from "./support/engine.ts";

let e: RegexEngine;
beforeAll(async () => {
  e = await RegexEngine.load();
}, 120_000);

describe("bounded work", () => {
  it("(a+)+b on 100 KB of 'a' answers in well under a second (linear, no backtracking)", () => {
    const h = e.mustCompile("(a+)+b");
    const input = "a".repeat(100_000);
    e.test(h, input); // warm-up
    const t0 = performance.now();
    expect(e.test(h, input)).toBe(false);
    expect(e.exec(h, input)).toBeNull();
    expect(e.exec(h, input + "b")).toEqual([[0, 100_001], [0, 100_000]]);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("time grows linearly with the input for a nested-quantifier pattern", () => {
    const h = e.mustCompile("(x+x+)+y");
    const small = "x".repeat(20_000);
    const big = "x".repeat(200_000);
    e.test(h, small);
    const t0 = performance.now();
    e.test(h, small);
    const t1 = performance.now();
    e.test(h, big);
    const t2 = performance.now();
    // 10x the input: allow generous noise, but nothing like the 100x of quadratic time.
    expect(t2 - t1).toBeLessThan(Math.max(30 * (t1 - t0), 200));
  });

  it("the backtracking fallback stops at its step limit and reports it", () => {
    const h = e.mustCompile("(a|aa)+(?=c)b", 0, 10_000);
    // The loosened pattern (a|aa)+b matches, so the backtracker must run, and explodes.
    expect(e.testRaw(h, "a".repeat(40) + "b")).toBe(2); // limit exceeded: reported, no hang
    expect(e.exec(h, "a".repeat(40) + "b")).toBe("limit");
    // Without a "b" the loosened pattern's DFA proves there is no match: no backtracking at all.
    expect(e.testRaw(h, "a".repeat(40))).toBe(0);
    const generous = e.mustCompile("(a|aa)+(?=c)b", 0, 0);
    expect(e.testRaw(generous, "aac")).toBe(0);
  });

  it("memory stays flat across many matches", () => {
    const h = e.mustCompile("(?i)(\\w+)@(\\w+)\\.com");
    const input = "contact: Alice@Example.com, bob@test.com ".repeat(20);
    e.load(input);
    const len = new TextEncoder().encode(input).length;
    e.exports.execRepeatedly(h, len, 2000);
    e.exports.testRepeatedly(h, len, 2000);
    const before = e.exports.memory.buffer.byteLength;
    expect(e.exports.execRepeatedly(h, len, 50_000)).toBe(50_000);
    expect(e.exports.testRepeatedly(h, len, 200_000)).toBe(200_000);
    expect(e.exports.memory.buffer.byteLength).toBe(before);
  }, 60_000);
});
