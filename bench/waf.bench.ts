// The WAF's added cost per request (OWASP CRS 3.3.4 at paranoia level 1, through the embedded
// host, CPU time above the no-op filter floor) on a benign and an attack corpus, beside
// ModSecurity v3's added cost in nginx with the same CRS (nginx worker CPU time with ModSecurity
// minus without, loopback load, same run). Target: the WAF costs ≤ 1/10 of ModSecurity.
import type { Plugin } from "../harness/host/api.ts";
import { createManualClock, loadPlugin, SharedState } from "../harness/host/index.ts";
import { buildWasm } from "../test/support/build.ts";
import { median } from "./support/stream-cost.ts";
import { cpuMicrosPerRequest, toStream } from "../filters/waf/test/support/corpus-cost.ts";
import { crsFilterWasm, envoyRejects, haveCrs } from "../filters/waf/test/support/crs-filter.ts";
import { attackCorpus, benignCorpus } from "../filters/waf/test/support/corpus.ts";
import { haveModsecNginx, rawRequest, sendRaw, startModsecNginx, type ModsecNginx } from "../filters/waf/test/support/modsecurity-nginx.ts";
import type { FtwRequest } from "../filters/waf/test/support/ftw.ts";
import type { BenchRow, BenchSuite } from "./types.ts";

const ROUNDS = 5;

/** CPU µs per request through `plugin` for the corpus. */
function hostCost(plugin: Plugin, corpus: FtwRequest[]): Promise<number> {
  return cpuMicrosPerRequest(plugin, corpus.map(toStream));
}

/** nginx CPU µs per request on `port` (its workers' CPU time; the load generator's is not counted). */
async function nginxCost(nginx: ModsecNginx, port: number, corpus: FtwRequest[]): Promise<number> {
  const payloads = corpus.map((r) => rawRequest(r));
  const before = nginx.cpuMicros();
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < payloads.length) await sendRaw(port, payloads[next++]);
  }));
  await new Promise((r) => setTimeout(r, 200)); // let the kernel account the last requests
  return (nginx.cpuMicros() - before) / payloads.length;
}

const suite: BenchSuite = {
  name: "waf (CRS 3.3.4 vs ModSecurity v3 in nginx)",
  async run(): Promise<BenchRow[]> {
    if (!haveCrs) throw new Error("Debian's modsecurity-crs is not installed");
    const benign = benignCorpus(600, 7).filter((r) => envoyRejects(r) === "");
    const attacks = attackCorpus(8).filter((r) => envoyRejects(r) === "");
    const clock = createManualClock();
    const shared = new SharedState();
    const noop = await loadPlugin({ wasm: await buildWasm("bench/fixtures/noop/index.ts"), clock, sharedState: shared });
    const waf = await loadPlugin({ wasm: await crsFilterWasm(), config: JSON.stringify({ include_crs: true, crs: { paranoia_level: 1 } }), clock, sharedState: shared });
    const corpora: Array<[string, FtwRequest[]]> = [["benign", benign], ["attack", attacks]];
    const samples = new Map<string, number[]>();
    const add = (k: string, v: number) => samples.set(k, [...(samples.get(k) ?? []), v]);
    for (const [, c] of corpora) { await hostCost(noop, c); await hostCost(waf, c); } // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, c] of corpora) {
        add(`noop ${name}`, await hostCost(noop, c));
        add(`waf ${name}`, await hostCost(waf, c));
      }
    }
    await waf.close();
    await noop.close();

    let nginx: ModsecNginx | null = null;
    if (haveModsecNginx) {
      nginx = await startModsecNginx(1);
      try {
        for (const [, c] of corpora) { await nginxCost(nginx, nginx.plainPort, c.slice(0, 100)); await nginxCost(nginx, nginx.port, c.slice(0, 100)); }
        for (let round = 0; round < ROUNDS; round++) {
          for (const [name, c] of corpora) {
            add(`nginx ${name}`, await nginxCost(nginx, nginx.plainPort, c));
            add(`modsec ${name}`, await nginxCost(nginx, nginx.port, c));
          }
        }
      } finally {
        await nginx.stop();
      }
    }

    const rows: BenchRow[] = [];
    for (const [name, c] of corpora) {
      const wafAdded = median(samples.get(`waf ${name}`)!) - median(samples.get(`noop ${name}`)!);
      if (!nginx) {
        rows.push({ name: `WAF added cost, ${name} corpus (${c.length} requests)`, value: wafAdded, unit: "CPU µs/request" });
        continue;
      }
      const modsecAdded = median(samples.get(`modsec ${name}`)!) - median(samples.get(`nginx ${name}`)!);
      rows.push({ name: `ModSecurity added cost in nginx, ${name}`, value: modsecAdded, unit: "CPU µs/request" });
      const ratio = wafAdded / modsecAdded;
      rows.push({
        name: `WAF added cost, ${name} corpus (${c.length} requests)`, value: wafAdded, unit: "CPU µs/request",
        baseline: "ModSecurity's added cost", ratio, target: "≤ 0.1×", pass: ratio <= 0.1,
      });
    }
    return rows;
  },
};

export default suite;
