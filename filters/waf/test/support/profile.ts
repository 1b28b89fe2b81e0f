// Measures (and with `node --cpu-prof`, profiles) the WAF on the bench's corpora through the
// embedded host:  npx tsx filters/waf/test/support/profile.ts [benign|attack] [rounds] [baseline.wasm]
// Prints CPU µs per request above the no-op filter per round; with a baseline .wasm (e.g. an
// older build) both run interleaved in the same process, so a loaded machine hits both alike.
// With WAF_PROFILE_NAMES=1 the module keeps a name section, so V8 profiles show AssemblyScript
// function names (asc's --debug also keeps small functions from being inlined: slower, and the
// profile overstates accessors).
import path from "node:path";
import { createManualClock, loadPlugin, SharedState } from "../../../../harness/host/index.ts";
import { compileFilter, PACKAGE_ROOT } from "../../../../harness/build/compile.ts";
import { embedCrs, DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP } from "../../../../harness/build/crs.ts";
import { buildWasm } from "../../../../test/support/build.ts";
import { median } from "../../../../bench/support/stream-cost.ts";
import { cpuMicrosPerRequest, toStream } from "./corpus-cost.ts";
import { envoyRejects } from "./crs-filter.ts";
import { attackCorpus, benignCorpus } from "./corpus.ts";
import type { FtwRequest } from "./ftw.ts";

const [which = "benign", roundsText = "10", baselineWasm] = process.argv.slice(2);
const rounds = Number(roundsText);
const entry = path.join(PACKAGE_ROOT, ".cache/waf-crs/index.ts");
await embedCrs(DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP, entry);
const wasm = path.join(PACKAGE_ROOT, ".cache/waf-profile.wasm");
await compileFilter(entry, wasm, { target: "release", extraArgs: process.env.WAF_PROFILE_NAMES === "1" ? ["--debug"] : [] });
const corpus = (which === "attack" ? attackCorpus(8) : benignCorpus(600, 7)).filter((r) => envoyRejects(r) === "");
const streams = corpus.map(toStream);
const config = JSON.stringify({ include_crs: true, crs: { paranoia_level: 1 } });
const load = (file: string) => loadPlugin({ wasm: file, config, clock: createManualClock(), sharedState: new SharedState() });
const waf = await load(wasm);
const baseline = baselineWasm ? await load(baselineWasm) : null;
const noop = await load(await buildWasm("bench/fixtures/noop/index.ts"));
const added: number[] = [];
const baselineAdded: number[] = [];
for (let round = 0; round < rounds; round++) {
  const floor = await cpuMicrosPerRequest(noop, streams);
  const cost = await cpuMicrosPerRequest(waf, streams) - floor;
  added.push(cost);
  let line = `round ${round}: ${cost.toFixed(0)} CPU µs/request above the no-op filter`;
  if (baseline) {
    const base = await cpuMicrosPerRequest(baseline, streams) - floor;
    baselineAdded.push(base);
    line += `, baseline ${base.toFixed(0)} (${(base / cost).toFixed(2)}× faster)`;
  }
  console.log(`${line} (${which}, ${streams.length} requests)`);
}
if (baseline) console.log(`median: ${median(added).toFixed(0)} µs vs baseline ${median(baselineAdded).toFixed(0)} µs: ${(median(baselineAdded) / median(added)).toFixed(2)}× faster`);
await Promise.all([waf.close(), noop.close(), baseline?.close()]);
