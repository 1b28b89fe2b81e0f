// Measures rule-set start-up per VM with CRS embedded: the filter's own "compiled in N ms; VM
// memory" line, for several fresh VMs, optionally interleaved with a baseline build (in
// alternating order):
//   npx tsx filters/waf/test/support/startup.ts [rounds] [paranoia] [baseline.wasm]
// With `node --cpu-prof` (and WAF_PROFILE_NAMES=1 for function names) it profiles the load.
import path from "node:path";
import { loadFilter } from "../../../../harness/testing.ts";
import { systemClock } from "../../../../harness/host/clock.ts";
import { compileFilter, PACKAGE_ROOT } from "../../../../harness/build/compile.ts";
import { embedCrs, DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP } from "../../../../harness/build/crs.ts";

const [roundsText = "5", paranoiaText = "4", baselineWasm] = process.argv.slice(2);
const entry = path.join(PACKAGE_ROOT, ".cache/waf-crs/index.ts");
await embedCrs(DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP, entry);
const wasm = path.join(PACKAGE_ROOT, ".cache/waf-startup.wasm");
await compileFilter(entry, wasm, { target: "release", extraArgs: process.env.WAF_PROFILE_NAMES === "1" ? ["--debug"] : [] });
const config = { include_crs: true, crs: { paranoia_level: Number(paranoiaText) } };

async function measure(file: string): Promise<{ millis: number; kib: number }> {
  const f = await loadFilter(file, { config, clock: systemClock });
  const line = f.logs.find((l) => / compiled in /.test(l.message));
  await f.close();
  if (!line) throw new Error(`no start-up line from ${file}`);
  return {
    millis: Number(/compiled in ([\d.]+) ms/.exec(line.message)![1]),
    kib: Number(/VM memory (\d+) KiB/.exec(line.message)![1]),
  };
}

const format = (m: { millis: number; kib: number }) => `${m.millis.toFixed(1)} ms, ${(m.kib / 1024).toFixed(1)} MiB`;
for (let round = 0; round < Number(roundsText); round++) {
  // Alternate which build goes first: the VM loaded right after another one is measurably slower.
  const baselineFirst = baselineWasm !== undefined && round % 2 === 1;
  const before = baselineFirst ? await measure(baselineWasm) : null;
  const current = await measure(wasm);
  const after = baselineWasm && !baselineFirst ? await measure(baselineWasm) : null;
  const base = before ?? after;
  console.log(`round ${round}: ${format(current)}${base ? `; baseline ${format(base)}` : ""}`);
}
