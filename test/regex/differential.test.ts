// Differential test: thousands of generated patterns and inputs, sdk/regex (real wasm) against
// V8's RegExp on the syntax both share. Inputs are ASCII, so byte offsets equal string indices.
import { beforeAll, describe, expect, it } from "vitest";
import { FLAG_I, FLAG_M, FLAG_S, RegexEngine } from "./support/engine.ts";
import { generateInput, generatePattern, Rng } from "./support/generate.ts";
import { pcreToJs } from "./support/pcre-to-js.ts";
import { v8GroupSpans, v8Spans } from "./support/oracle.ts";

let engine: RegexEngine;
beforeAll(async () => {
  engine = await RegexEngine.load();
}, 120_000);

const FLAG_SETS: Array<[number, string]> = [[0, ""], [FLAG_I, "i"], [FLAG_S, "s"], [FLAG_M, "m"], [FLAG_I | FLAG_M | FLAG_S, "ims"]];

describe("differential against V8 RegExp", () => {
  it("agrees on test, exec (with groups), findAll and replace for 3000 generated patterns", () => {
    const rng = new Rng(20261123);
    let comparisons = 0;
    let groupComparisons = 0;
    const failures: string[] = [];
    for (let n = 0; n < 3000 && failures.length < 10; n++) {
      const gen = generatePattern(rng);
      const [flags, jsFlags] = FLAG_SETS[n % FLAG_SETS.length];
      const oracle = pcreToJs(gen.source, jsFlags + "d");
      const compiled = engine.compile(gen.source, flags);
      if (!compiled.ok) {
        failures.push(`/${gen.source}/${jsFlags} did not compile: ${compiled.error} at ${compiled.offset}`);
        continue;
      }
      const h = compiled.handle;
      for (let k = 0; k < 8; k++) {
        const input = generateInput(rng);
        const js = v8GroupSpans(oracle.regex.exec(input));
        oracle.regex.lastIndex = 0;
        const ours = engine.exec(h, input);
        const ourTest = engine.test(h, input);
        comparisons++;
        const label = `/${gen.source}/${jsFlags} on ${JSON.stringify(input)}`;
        if (ourTest !== (js !== null)) { failures.push(`${label}: test() ${ourTest}, V8 ${js !== null}`); break; }
        if ((ours === null) !== (js === null)) { failures.push(`${label}: exec ${JSON.stringify(ours)}, V8 ${JSON.stringify(js)}`); break; }
        if (ours === null || ours === "limit" || js === null) continue;
        if (ours[0][0] !== js[0][0] || ours[0][1] !== js[0][1]) {
          // A quantified group whose body can match empty: JavaScript rejects empty iterations and
          // backtracks into the body, RE2 and PCRE accept them, e.g. /(?:\D*?)?[^a]/ on "\nx":
          // JavaScript [0,2], RE2/PCRE [0,1]. Only those patterns may differ.
          if (!gen.emptyLoop) { failures.push(`${label}: match ${JSON.stringify(ours[0])}, V8 ${JSON.stringify(js[0])}`); break; }
          continue;
        }
        if (!gen.captureInRepeat && !gen.emptyLoop) {
          groupComparisons++;
          if (JSON.stringify(ours) !== JSON.stringify(js)) { failures.push(`${label}: groups ${JSON.stringify(ours)}, V8 ${JSON.stringify(js)}`); break; }
          // findAll and replace follow JavaScript's rules for empty matches.
          const all = new RegExp(oracle.regex.source, jsFlags + "g");
          const jsAll = v8Spans(input, all);
          const ourAll = engine.findAll(h, input);
          if (JSON.stringify(ourAll) !== JSON.stringify(jsAll)) { failures.push(`${label}: findAll ${JSON.stringify(ourAll)}, V8 ${JSON.stringify(jsAll)}`); break; }
          const replaced = engine.replace(h, input, "<$&|$1>");
          const jsReplaced = input.replace(all, "<$&|$1>");
          if (ours.length > 1 && replaced !== jsReplaced) { failures.push(`${label}: replace ${JSON.stringify(replaced)}, V8 ${JSON.stringify(jsReplaced)}`); break; }
        }
      }
      engine.release(h);
    }
    expect(failures).toEqual([]);
    expect(comparisons).toBeGreaterThan(20000);
    expect(groupComparisons).toBeGreaterThan(5000);
  }, 120_000);
});
