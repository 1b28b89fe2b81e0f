// CPU cost of running ftw-style requests through a plugin in the embedded host: what the WAF
// bench and the profiling script both measure.
import type { HeaderList, Plugin } from "../../../../harness/host/api.ts";
import { createFilterChain } from "../../../../harness/host/index.ts";
import { NULL_SINK, RESPONSE_HEADERS } from "../../../../bench/support/stream-cost.ts";
import type { FtwRequest } from "./ftw.ts";

export type CorpusStream = { headers: HeaderList; body: Uint8Array | null };

/** An ftw request as the host's stream input (Host becomes :authority). */
export function toStream(req: FtwRequest): CorpusStream {
  const host = req.headers.find(([k]) => k.toLowerCase() === "host")?.[1] ?? "";
  const headers: HeaderList = [[":method", req.method], [":path", req.uri], [":authority", host], [":scheme", "http"]];
  for (const [k, v] of req.headers) if (k.toLowerCase() !== "host") headers.push([k.toLowerCase(), v]);
  return { headers, body: req.body.length > 0 ? new Uint8Array(req.body) : null };
}

/** CPU µs per request through `plugin` for `streams`. */
export async function cpuMicrosPerRequest(plugin: Plugin, streams: CorpusStream[]): Promise<number> {
  const chain = createFilterChain([plugin]);
  const start = process.cpuUsage();
  for (const [i, s] of streams.entries()) {
    const stream = chain.newStream({ remoteAddress: `198.51.100.${i % 200}:4000`, localAddress: "127.0.0.1:10000", protocol: "HTTP/1.1" }, NULL_SINK);
    await stream.decodeHeaders(s.headers, s.body === null);
    if (s.body !== null) await stream.decodeData(s.body, true);
    await stream.encodeHeaders(RESPONSE_HEADERS, true);
    await stream.finished;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / streams.length;
}
