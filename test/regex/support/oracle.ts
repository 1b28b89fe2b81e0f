// V8's RegExp as the oracle the regex tests compare against, and the long input that makes a
// lookaround DFA's state cache grow (and its table move) in the middle of one search.
import { expect } from "vitest";
import { FLAG_BYTES, type RegexEngine } from "./engine.ts";

/** [start, end) of every match of a global `regex` in `text`, as findAll reports them. */
export function v8Spans(text: string, regex: RegExp): number[][] {
  return [...text.matchAll(regex)].map((m) => [m.index!, m.index! + m[0].length]);
}

/**
 * [start, end) of each group of a V8 match made with the d flag, [-1, -1] where a group did not
 * take part, as our exec reports them; the first `groups` only when given.
 */
export function v8GroupSpans(m: RegExpExecArray | null, groups?: number): Array<[number, number]> | null {
  if (!m) return null;
  const indices = (m as RegExpExecArray & { indices: Array<[number, number] | undefined> }).indices;
  return indices.slice(0, groups).map((p) => (p ? [p[0], p[1]] : [-1, -1]) as [number, number]);
}

/**
 * ~120 KB of random a/b runs (10–69 bytes, 2 % c), each with an x or y marker before it
 * (`markerBefore`, for lookaheads reading the run) or after it (for lookbehinds).
 */
export function markedRuns(seed: number, markerBefore: boolean): string {
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let text = "";
  while (text.length < 120_000) {
    const n = 10 + Math.floor(rnd() * 60);
    if (markerBefore) text += rnd() < 0.5 ? "x" : "y";
    for (let i = 0; i < n; i++) text += rnd() < 0.02 ? "c" : rnd() < 0.5 ? "a" : "b";
    if (!markerBefore) text += rnd() < 0.5 ? "x" : "y";
  }
  return text;
}

/** findAll of each source, in UTF-8 and byte mode, equals V8's matches on `text` (over 200 of them). */
export function expectFindAllAgrees(engine: RegexEngine, sources: string[], text: string): void {
  for (const source of sources) {
    for (const flags of [0, FLAG_BYTES]) {
      const h = engine.mustCompile(source, flags);
      const js = v8Spans(text, new RegExp(source, "g"));
      const ours = engine.findAll(h, text);
      expect(ours.length, `/${source}/`).toBe(js.length);
      expect(JSON.stringify(ours) === JSON.stringify(js), `/${source}/ offsets`).toBe(true);
      expect(js.length).toBeGreaterThan(200);
      engine.release(h);
    }
  }
}
