// Profiles the WAF on the bench's benign corpus: `npx tsx filters/waf/test/support/profile.ts [benign|attack] [rounds]`.
// Run under `node --cpu-prof` (e.g. `node --cpu-prof --import tsx ...`) to see where the time goes; the
// module is built with a name section so wasm functions carry their AssemblyScript names.
import path from "node:path";
import type { HeaderList } from "../../../../harness/host/api.ts";
import { createFilterChain, createManualClock, loadPlugin, SharedState } from "../../../../harness/host/index.ts";
import { compileFilter, PACKAGE_ROOT } from "../../../../harness/build/compile.ts";
import { embedCrs, DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP } from "../../../../harness/build/crs.ts";
import { NULL_SINK, RESPONSE_HEADERS } from "../../../../bench/support/stream-cost.ts";
import { envoyRejects } from "./crs-filter.ts";
import { attackCorpus, benignCorpus } from "./corpus.ts";
import type { FtwRequest } from "./ftw.ts";

function toStream(req: FtwRequest): { headers: HeaderList; body: Uint8Array | null } {
  const host = req.headers.find(([k]) => k.toLowerCase() === "host")?.[1] ?? "";
  const headers: HeaderList = [[":method", req.method], [":path", req.uri], [":authority", host], [":scheme", "http"]];
  for (const [k, v] of req.headers) if (k.toLowerCase() !== "host") headers.push([k.toLowerCase(), v]);
  return { headers, body: req.body.length > 0 ? new Uint8Array(req.body) : null };
}

const which = process.argv[2] ?? "benign";
const rounds = Number(process.argv[3] ?? 10);
const entry = path.join(PACKAGE_ROOT, ".cache/waf-crs/index.ts");
await embedCrs(DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP, entry);
const wasm = path.join(PACKAGE_ROOT, ".cache/waf-profile.wasm");
await compileFilter(entry, wasm, { target: "release", extraArgs: ["--debug"] });
const corpus = (which === "attack" ? attackCorpus(8) : benignCorpus(600, 7)).filter((r) => envoyRejects(r) === "");
const waf = await loadPlugin({
  wasm, config: JSON.stringify({ include_crs: true, crs: { paranoia_level: 1 } }),
  clock: createManualClock(), sharedState: new SharedState(),
});
const chain = createFilterChain([waf]);
const streams = corpus.map(toStream);
for (let round = 0; round < rounds; round++) {
  const start = process.cpuUsage();
  for (const [i, s] of streams.entries()) {
    const stream = chain.newStream({ remoteAddress: `198.51.100.${i % 200}:4000`, localAddress: "127.0.0.1:10000", protocol: "HTTP/1.1" }, NULL_SINK);
    await stream.decodeHeaders(s.headers, s.body === null);
    if (s.body !== null) await stream.decodeData(s.body, true);
    await stream.encodeHeaders(RESPONSE_HEADERS, true);
    await stream.finished;
  }
  const used = process.cpuUsage(start);
  console.log(`round ${round}: ${((used.user + used.system) / streams.length).toFixed(0)} CPU µs/request (${streams.length} requests)`);
}
await waf.close();
