// sdk/regex against V8's RegExp, same patterns, same inputs, same process:
//   - throughput on 1 MB of ordinary request text over every CRS 3.3.4 @rx pattern (byte mode);
//   - per-call cost of test() on 1 KB header-sized inputs, worst pattern: ordinary text, attacks,
//     and near-misses built to be the worst realistic cases for the patterns that need the
//     backtracker (many almost-matches, each a candidate start that must be checked);
//   - the classic catastrophic pattern (a+)+b on 100 KB of "a".
import { performance } from "node:perf_hooks";
import type { BenchRow, BenchSuite } from "./types.ts";
import { ATTACKS, BENIGN } from "../test/regex/support/corpus.ts";
import { crsAvailable, loadCrsPatterns } from "../test/regex/support/crs.ts";
import { FLAG_BYTES, RegexEngine } from "../test/regex/support/engine.ts";
import { pcreToJs } from "../test/regex/support/pcre-to-js.ts";

/** Ordinary traffic text (no attacks), repeated to `size` bytes; ASCII so both engines see the same characters. */
function benignText(size: number): string {
  const parts = [...BENIGN, "GET /shop/cart?item=1234&qty=2 HTTP/1.1", "Accept-Language: en-US", "user_id=991&session=abc123def"];
  let s = "";
  let i = 0;
  while (s.length < size) s += parts[i++ % parts.length] + (i % 7 === 0 ? "\n" : " ");
  return s.slice(0, size);
}

/** `text` repeated to exactly 1 KB. */
function oneKb(text: string): string {
  return text.repeat(Math.ceil(1024 / text.length)).slice(0, 1024);
}

/**
 * The 1 KB inputs. Near-misses are aimed at the patterns that need the backtracker: "word op word"
 * pairs and quoted values (942130, 942260), entities before ';' (920120's lookbehind), <?xml
 * (953120's lookahead), media-type parameters (920600), and runs of one class (leading X*?).
 */
const ONE_KB_INPUTS: Array<[string, string]> = [
  ["benign", benignText(1024)],
  ["attack", oneKb(ATTACKS.join(" ") + " ")],
  ["near-miss: query string with comparisons", oneKb("id=1&name=foo&a<b&c!=d&x like y&price>=10&q='abc'&sort=name desc&")],
  ["near-miss: media-type parameters", oneKb("text/html;charset=utf-8;a=b;c=d;e=f;g=h;")],
  ["near-miss: quoted values", oneKb("'a' \"b\" `c` 'd'='e' ")],
  ["near-miss: HTML entities", oneKb("&auml;&ouml;&amp;&apos;&Uuml;&eacute;")],
  ["near-miss: <?xml declarations", oneKb("<?xml version ")],
  ["near-miss: Accept header", oneKb("text/html; charset=utf-8, application/xhtml+xml; q=0.9, */*; q=0.8, ")],
  ["whitespace run", " ".repeat(1000) + "a=b and c<d".padEnd(24, " ")],
  ["short words", oneKb("a b c d e f g h i j k l m n o p ")],
];

/** The 1 KB inputs V8 is timed on too (see the near-miss note in run()). */
const V8_COMPARED = new Set(["benign", "attack"]);

/** Median of `rounds` timings of fn(), in ms. */
function time(fn: () => void, rounds: number): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const suite: BenchSuite = {
  name: "regex (sdk/regex vs V8 RegExp)",
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const engine = await RegexEngine.load();
    if (!crsAvailable()) throw new Error("CRS rules missing: apt-get install modsecurity-crs");
    const patterns = loadCrsPatterns();
    const compiled = patterns.map((p) => ({ p, h: engine.mustCompile(p.pattern, FLAG_BYTES), js: pcreToJs(p.pattern).regex }));

    // 1 MB throughput. V8's backtracking is quadratic on some CRS patterns (seconds per MB), so each
    // pattern is first probed on 64 KB; V8 runs the 1 MB input only where the probe stayed linear.
    const MB = 1 << 20;
    const big = benignText(MB);
    const probe = big.slice(0, 64 * 1024);
    let oursMs = 0;
    let v8Ms = 0;
    let comparedPatterns = 0;
    let v8Superlinear = 0;
    let oursAllMs = 0;
    let slowest = { name: "", ratio: Infinity };
    let below = 0;
    for (const c of compiled) {
      const probeLen = engine.load(probe);
      engine.exports.testRepeatedly(c.h, probeLen, 2); // warm-up: builds DFA states, lets the wasm tier up
      const t0 = performance.now();
      c.js.test(probe);
      const v8ProbeMs = performance.now() - t0;
      const len = engine.load(big);
      const ours = time(() => engine.exports.testRepeatedly(c.h, len, 1), 3);
      oursAllMs += ours;
      if (v8ProbeMs > 20) { v8Superlinear++; continue; }
      const v8 = time(() => c.js.test(big), 3);
      oursMs += ours;
      v8Ms += v8;
      comparedPatterns++;
      const ratio = v8 / ours; // throughput ratio ours/V8
      if (ratio < 0.5) below++;
      if (ratio < slowest.ratio) slowest = { name: `${c.p.id}`, ratio };
    }
    const oursMBs = (comparedPatterns * MB) / 1e6 / (oursMs / 1000);
    const v8MBs = (comparedPatterns * MB) / 1e6 / (v8Ms / 1000);
    rows.push({ name: `CRS, 1 MB benign text, ${comparedPatterns} patterns: sdk/regex`, value: oursMBs, unit: "MB/s", baseline: "V8 RegExp", ratio: oursMBs / v8MBs, target: "≥ 0.5×", pass: oursMBs / v8MBs >= 0.5 });
    rows.push({ name: `CRS, 1 MB benign text, ${comparedPatterns} patterns: V8 RegExp`, value: v8MBs, unit: "MB/s" });
    rows.push({ name: `CRS, 1 MB, all ${compiled.length} patterns: sdk/regex`, value: (compiled.length * MB) / 1e6 / (oursAllMs / 1000), unit: "MB/s" });
    rows.push({ name: "CRS patterns where V8 is superlinear (>20 ms on 64 KB)", value: v8Superlinear, unit: "patterns" });
    rows.push({ name: `CRS patterns below 0.5× V8 on 1 MB (worst: ${slowest.name})`, value: below, unit: "patterns", ratio: slowest.ratio, baseline: "V8 (worst pattern)" });

    // Header-sized inputs: per-call cost of test() on 1 KB, worst pattern per input.
    const overTarget: string[] = [];
    for (const [label, text] of ONE_KB_INPUTS) {
      const n = engine.load(text);
      let worstOurs = { us: 0, id: "" };
      let sumOurs = 0;
      let sumV8 = 0;
      const compareV8 = V8_COMPARED.has(label);
      for (const c of compiled) {
        const calls = 100;
        engine.exports.testRepeatedly(c.h, n, 20); // warm-up
        const ours = (time(() => engine.exports.testRepeatedly(c.h, n, calls), 3) * 1000) / calls;
        sumOurs += ours;
        // On the near-misses V8 backtracks exponentially for some patterns (920600 on the Accept
        // input: 2 s at 768 bytes, not monotonic in the length, so no prefix probe bounds it): it is
        // timed on the ordinary inputs only.
        if (compareV8) {
          sumV8 += (time(() => { for (let i = 0; i < calls; i++) c.js.test(text); }, 3) * 1000) / calls;
        }
        if (ours > worstOurs.us) worstOurs = { us: ours, id: c.p.id };
        if (ours > 10) overTarget.push(`${c.p.id} on ${label} (${ours.toFixed(1)} µs)`);
      }
      const mean = sumOurs / compiled.length;
      if (!compareV8) rows.push({ name: `1 KB ${label}: test(), mean over CRS patterns`, value: mean, unit: "µs/call" });
      else rows.push({ name: `1 KB ${label}: test(), mean over CRS patterns`, value: mean, unit: "µs/call", baseline: "V8 time (lower is better)", ratio: sumOurs / sumV8 });
      rows.push({ name: `1 KB ${label}: test(), worst pattern (${worstOurs.id})`, value: worstOurs.us, unit: "µs/call", target: "≤ 10 µs", pass: worstOurs.us <= 10 });
    }
    rows.push({ name: `patterns over 10 µs on a 1 KB input${overTarget.length ? ": " + overTarget.join(", ") : ""}`, value: overTarget.length, unit: "cases", target: "0", pass: overTarget.length === 0 });

    // Catastrophic backtracking pattern: linear for us.
    const evil = engine.mustCompile("(a+)+b");
    const n = engine.load("a".repeat(100_000));
    const evilUs = time(() => engine.exports.testRepeatedly(evil, n, 1), 5) * 1000;
    rows.push({ name: "(a+)+b on 100 KB of 'a' (V8 would not finish)", value: evilUs, unit: "µs", target: "≤ 1000 µs", pass: evilUs <= 1000 });
    const execUs = time(() => engine.exports.execRepeatedly(evil, n, 1), 5) * 1000;
    rows.push({ name: "(a+)+b exec on 100 KB of 'a'", value: execUs, unit: "µs" });

    rows.push({ name: "wasm memory after the run (279 patterns compiled)", value: engine.exports.memory.buffer.byteLength / MB, unit: "MB" });
    return rows;
  },
};

export default suite;
