// Per-request cost of a filter chain in the embedded host, in CPU time (on a shared machine wall
// time mostly measures the neighbours), measured in interleaved rounds so drift hits every case alike.
import type { HeaderList, Plugin, StreamSink } from "../../harness/host/api.ts";
import { createFilterChain } from "../../harness/host/index.ts";

export const NULL_SINK: StreamSink = {
  upstreamHeaders() {}, upstreamData() {}, upstreamTrailers() {},
  downstreamHeaders() {}, downstreamData() {}, downstreamTrailers() {},
};

export const RESPONSE_HEADERS: HeaderList = [[":status", "200"], ["content-type", "text/plain"], ["content-length", "2"]];

/** A typical browser-ish request of ten headers, varying per request. */
export function requestHeaders(i: number): HeaderList {
  return [
    [":method", "GET"], [":path", `/api/items?page=${i % 10}`], [":authority", "example.com"], [":scheme", "http"],
    ["user-agent", "bench/1.0"], ["accept", "*/*"], ["accept-encoding", "gzip"], ["x-request-id", `req-${i}`],
    ["cookie", "session=abc123"], ["x-user", `user-${i % 10_000}`],
  ];
}

export interface StreamShape {
  /** Request headers of the i-th request (default: requestHeaders). */
  requestHeaders?: (i: number) => HeaderList;
  /** Request body chunks sent after the headers (none: a headers-only request). */
  requestBody?: Uint8Array[];
  /** The upstream's response headers (default: RESPONSE_HEADERS). */
  responseHeaders?: HeaderList;
}

/** CPU microseconds per request through `plugins` (request in, response headers out, stream finished). */
export async function cpuMicrosPerRequest(plugins: Plugin[], count: number, shape: StreamShape = {}): Promise<number> {
  const chain = createFilterChain(plugins);
  const body = shape.requestBody ?? [];
  const headersOf = shape.requestHeaders ?? requestHeaders;
  const response = shape.responseHeaders ?? RESPONSE_HEADERS;
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const stream = chain.newStream({ remoteAddress: `198.51.100.${i % 200}:4000`, localAddress: "127.0.0.1:10000", protocol: "HTTP/1.1" }, NULL_SINK);
    await stream.decodeHeaders(headersOf(i), body.length === 0);
    for (let c = 0; c < body.length; c++) await stream.decodeData(body[c], c === body.length - 1);
    await stream.encodeHeaders(response, true);
    await stream.finished;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface CostCase {
  key: string;
  plugins: Plugin[];
  shape?: StreamShape;
}

/**
 * Median CPU µs/request per case over `rounds` interleaved rounds, after a warm-up of each. Each
 * round starts one case later: garbage a case leaves behind is collected during whichever case
 * runs next, so a fixed order would always bill the same case for its predecessor's GC.
 */
export async function measureCases(cases: CostCase[], { requests, warmup, rounds }: { requests: number; warmup: number; rounds: number }): Promise<Map<string, number>> {
  for (const c of cases) await cpuMicrosPerRequest(c.plugins, warmup, c.shape);
  const samples = new Map<string, number[]>(cases.map((c) => [c.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(round + i) % cases.length]!;
      samples.get(c.key)!.push(await cpuMicrosPerRequest(c.plugins, requests / rounds, c.shape));
    }
  }
  return new Map(cases.map((c) => [c.key, median(samples.get(c.key)!)]));
}
