// The literal prefilter (rare-byte scan 8 bytes at a time, or Horspool with a give-up when the
// input defeats its skips) may only ever move the search start to a position before which no
// match starts. Held to V8 on literal-heavy patterns and inputs full of near-occurrences, with
// matches near word boundaries of the 8-byte scan and at the very end of the input.
import { beforeAll, describe, expect, it } from "vitest";
import { FLAG_BYTES, FLAG_I, RegexEngine } from "./support/engine.ts";
import { Rng } from "./support/generate.ts";

let engine: RegexEngine;
beforeAll(async () => {
  engine = await RegexEngine.load();
}, 120_000);

const LITERALS = ["<?php", "[$ne]", "%uff", "/*!", "'80040e14'", "../", "select", "union all", "table '", "a b", "xx", "<", "e", "Ab"];
const NOISE = ["<", "?", "p", "[", "$", "%", "u", "/", "*", "'", ".", " ", "a", "b", "x", "A", "e", "sel", "union", "table", "\n"];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

describe("literal prefilter", () => {
  it("agrees with V8 on literal alternations, prefixes and required literals over near-miss inputs", () => {
    const rng = new Rng(8_8);
    const failures: string[] = [];
    let matches = 0;
    for (let n = 0; n < 400 && failures.length < 10; n++) {
      const lits = [rng.pick(LITERALS), rng.pick(LITERALS), rng.pick(LITERALS)].slice(0, 1 + rng.int(3)).map(escape);
      const shapes = [lits.join("|"), `(?:${lits.join("|")})\\w*`, `\\d*(?:${lits.join("|")})`, `[ab]+(?:${lits.join("|")})x?`];
      const source = rng.pick(shapes);
      const caseless = rng.next() < 0.4;
      const js = new RegExp(source, caseless ? "i" : "");
      const h = engine.mustCompile(source, (caseless ? FLAG_I : 0) | FLAG_BYTES);
      for (let k = 0; k < 25; k++) {
        let input = "";
        const parts = rng.int(40);
        for (let i = 0; i < parts; i++) input += rng.next() < 0.08 ? rng.pick(LITERALS) : rng.pick(NOISE);
        const m = js.exec(input);
        const ours = engine.exec(h, input);
        if (engine.test(h, input) !== (m !== null) || (ours === null) !== (m === null)) {
          failures.push(`/${source}/${caseless ? "i" : ""} on ${JSON.stringify(input)}: ours ${JSON.stringify(ours)}, V8 ${m?.index}`);
          break;
        }
        if (m === null || ours === null || ours === "limit") continue;
        matches++;
        if (ours[0][0] !== m.index || ours[0][1] !== m.index + m[0].length) {
          failures.push(`/${source}/ on ${JSON.stringify(input)}: ${JSON.stringify(ours[0])}, V8 [${m.index},${m.index + m[0].length}]`);
          break;
        }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(matches).toBeGreaterThan(2000);
  });

  it("finds a literal at every offset of the 8-byte scan, including the last bytes", () => {
    const h = engine.mustCompile("\\[\\$ne\\]|<\\?php", FLAG_BYTES);
    for (let at = 0; at < 40; at++) {
      for (const lit of ["[$ne]", "<?php"]) {
        const input = "[$n<?ph[ $ne".repeat(4).slice(0, at) + lit;
        expect(engine.exec(h, input)?.[0]).toEqual([input.indexOf(lit), input.indexOf(lit) + 5]);
        expect(engine.test(h, input.slice(0, -1))).toBe(false);
      }
    }
  });

  it("gives up skipping on input that defeats it and still finds the match", () => {
    // A run of spaces: the space near the end of "table '" makes every skip one byte long.
    const h = engine.mustCompile("(?i)table '[^']+' doesn't exist|warning.*mysql_|mysqlclient\\.", FLAG_BYTES);
    const run = " ".repeat(5000);
    expect(engine.test(h, run)).toBe(false);
    expect(engine.exec(h, run + "Table 'x' doesn't exist")?.[0]).toEqual([5000, 5023]);
  });
});
