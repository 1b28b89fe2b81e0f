// The test API filter authors use from vitest: load a filter (or a chain), send requests through
// it with Envoy's semantics, and look at what reached the upstream and what came back.
//
//   const f = await loadFilter("build/release.wasm", { config: { … } });
//   const r = await f.request({ method: "GET", path: "/x", headers: { authorization: "Bearer …" } });
//   expect(r.status).toBe(200);
//
// Conventions: header names are lower-case; `headers` objects join repeated headers with ", "
// (as HTTP allows) and `headerList` keeps every pair in order. Time is a manual clock (starting
// 2024-01-01T00:00:00Z) unless you pass one: `advanceTime(ms)` drives ticks and http_call timeouts
// deterministically. Like Envoy, requests get x-forwarded-proto and x-request-id (unless given)
// before the first filter. Each loadFilter/loadChain has its own shared data and queues. `logs` of a
// response are the lines written while it ran; with concurrent requests they interleave.
import { randomUUID } from "node:crypto";
import type { CallbackRecord, Clock, ClusterRequest, ClusterResolver, ClusterResponse, HeaderList, LogEntry, LogLevel, Plugin } from "./host/api.ts";
import { createManualClock, type ManualClock } from "./host/clock.ts";
import { createFilterChain } from "./host/filter-chain.ts";
import { loadPlugin } from "./host/plugin.ts";
import { SharedState } from "./host/shared-state.ts";

/** Headers as an object (arrays for repeated names) or as [name, value] pairs in order. */
export type HeaderInput = Record<string, string | string[] | number> | HeaderList | ReadonlyArray<readonly string[]>;
export type BodyInput = string | Uint8Array | Array<string | Uint8Array>;

export interface TestRequest {
  method?: string;
  path: string;
  /** Default "example.com". */
  authority?: string;
  /** Default "http". */
  scheme?: string;
  headers?: HeaderInput;
  /** A string, bytes, or chunks (each sent as its own data frame). */
  body?: BodyInput;
  trailers?: HeaderInput;
}

/** What reached the upstream (or a cluster, for http_call). */
export interface UpstreamRequest {
  method: string;
  path: string;
  authority: string;
  headers: Record<string, string>;
  headerList: HeaderList;
  body: string;
  bodyBytes: Uint8Array;
  trailers: Record<string, string>;
}

export interface UpstreamAnswer {
  status?: number;
  headers?: HeaderInput;
  body?: BodyInput;
  trailers?: HeaderInput;
}

/** An upstream handler, or the base URL of a real HTTP server to forward to. */
export type Upstream = ((req: UpstreamRequest) => UpstreamAnswer | Promise<UpstreamAnswer>) | string;

/** A cluster for http_call: answer, fail ({ failure: "reset" }), or never settle (a timeout). */
export type ClusterHandler = (req: UpstreamRequest & { cluster: string; timeoutMs: number }) =>
  UpstreamAnswer | { failure: "timeout" | "reset" } | Promise<UpstreamAnswer | { failure: "timeout" | "reset" }>;

export interface RequestOptions {
  upstream?: Upstream;
  /** Worker VM to run on (default round-robin). */
  worker?: number;
  /** Real-time guard against a stream that never finishes (default 5000 ms). */
  timeoutMs?: number;
  remoteAddress?: string;
  /** Route and cluster the stream is routed to (the route_name / cluster_name properties). */
  routeName?: string;
  clusterName?: string;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  headerList: HeaderList;
  body: string;
  bodyBytes: Uint8Array;
  trailers: Record<string, string>;
  /** What reached the upstream, or null when a filter answered locally. */
  upstreamRequest: UpstreamRequest | null;
  /** Every filter callback of this stream with the action it returned. */
  actions: CallbackRecord[];
  /** Log lines written while this request ran (all filters of the chain). */
  logs: LogEntry[];
  /** Metric values after the request, by name. */
  metrics: Record<string, bigint>;
  /** Set when the stream was reset instead of answered. */
  reset: string | null;
}

export interface FilterOptions {
  config?: string | Uint8Array | object;
  vmConfig?: string | Uint8Array;
  rootId?: string;
  name?: string;
  vmId?: string;
  workers?: number;
  failOpen?: boolean;
  logLevel?: LogLevel;
  properties?: Record<string, string | Uint8Array>;
  foreignFunctions?: Record<string, (args: Uint8Array) => Uint8Array>;
}

export interface ChainOptions {
  clusters?: Record<string, ClusterHandler>;
  /** Default: a manual clock (advance it with advanceTime). */
  clock?: Clock;
  /** Default worker count for every filter. */
  workers?: number;
  /** Default upstream for request() (default: the echo upstream). */
  upstream?: Upstream;
  /** Envoy's per_connection_buffer_limit_bytes (default 1 MiB): a buffering filter past it gets 413/500. */
  bufferLimitBytes?: number;
}

export interface LoadedFilter {
  readonly plugins: readonly Plugin[];
  /** Every log line of every filter, in order. */
  readonly logs: LogEntry[];
  request(req: TestRequest, options?: RequestOptions): Promise<TestResponse>;
  /** Moves the manual clock forward, firing ticks and call timeouts that fall due. */
  advanceTime(ms: number): Promise<void>;
  metric(name: string): bigint | undefined;
  metrics(): Record<string, bigint>;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toHeaderList(input: HeaderInput | undefined): HeaderList {
  if (input === undefined) return [];
  if (Array.isArray(input)) {
    return (input as ReadonlyArray<readonly string[]>).map((pair, i) => {
      if (pair.length !== 2 || typeof pair[0] !== "string") throw new TypeError(`headers[${i}] must be a [name, value] pair, got ${JSON.stringify(pair)}`);
      return [pair[0].toLowerCase(), String(pair[1])] as [string, string];
    });
  }
  const out: HeaderList = [];
  for (const [k, v] of Object.entries(input)) {
    if (Array.isArray(v)) for (const item of v) out.push([k.toLowerCase(), String(item)]);
    else out.push([k.toLowerCase(), String(v)]);
  }
  return out;
}

function toRecord(list: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of list) out[k] = k in out ? `${out[k]}, ${v}` : v;
  return out;
}

function toChunks(body: BodyInput | undefined): Uint8Array[] {
  if (body === undefined) return [];
  const parts = Array.isArray(body) ? body : [body];
  return parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks));
}

function describeRequest(headers: HeaderList, body: Uint8Array, trailers: HeaderList): UpstreamRequest {
  const get = (n: string) => headers.find(([k]) => k === n)?.[1] ?? "";
  return {
    method: get(":method"), path: get(":path"), authority: get(":authority"),
    headers: toRecord(headers), headerList: headers,
    body: decoder.decode(body), bodyBytes: body, trailers: toRecord(trailers),
  };
}

/** The default upstream: 200 with the request it received as JSON. */
export const echoUpstream: Upstream = (req) => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ method: req.method, path: req.path, authority: req.authority, headers: req.headers, body: req.body }),
});

/** A cluster answer for a unary gRPC call: one length-prefixed message, grpc-status in trailers. */
export function grpcAnswer(message: string | Uint8Array, status = 0, statusMessage?: string): UpstreamAnswer {
  const bytes = typeof message === "string" ? encoder.encode(message) : message;
  const framed = new Uint8Array(5 + bytes.byteLength);
  new DataView(framed.buffer).setUint32(1, bytes.byteLength, false);
  framed.set(bytes, 5);
  const trailers: Record<string, string> = { "grpc-status": String(status) };
  if (statusMessage !== undefined) trailers["grpc-message"] = statusMessage;
  return { status: 200, headers: { "content-type": "application/grpc" }, body: status === 0 ? framed : new Uint8Array(0), trailers };
}

/** The message of a gRPC request a cluster received (the 5-byte length prefix removed). */
export function grpcRequestMessage(req: UpstreamRequest): Uint8Array {
  const b = req.bodyBytes;
  if (b.byteLength < 5) return new Uint8Array(0);
  const length = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(1, false);
  return b.slice(5, 5 + length);
}

async function forwardToUrl(base: string, req: UpstreamRequest): Promise<UpstreamAnswer> {
  const headers = req.headerList.filter(([k]) => !k.startsWith(":") && k !== "host" && k !== "content-length");
  const res = await fetch(new URL(req.path, base), {
    method: req.method,
    headers: headers as [string, string][],
    body: req.method === "GET" || req.method === "HEAD" || req.bodyBytes.byteLength === 0 ? undefined : Buffer.from(req.bodyBytes),
  });
  const list: HeaderList = [];
  res.headers.forEach((v, k) => list.push([k, v]));
  return { status: res.status, headers: list, body: new Uint8Array(await res.arrayBuffer()) };
}

function clusterResolver(clusters: Record<string, ClusterHandler>): ClusterResolver {
  return {
    has: (name) => Object.prototype.hasOwnProperty.call(clusters, name),
    async call(request: ClusterRequest): Promise<ClusterResponse> {
      const answer = await clusters[request.cluster]!({
        ...describeRequest(request.headers, request.body, request.trailers), cluster: request.cluster, timeoutMs: request.timeoutMs,
      });
      if ("failure" in answer) return answer.failure === "timeout" ? new Promise<ClusterResponse>(() => {}) : { failure: answer.failure };
      return {
        status: answer.status ?? 200,
        headers: toHeaderList(answer.headers),
        body: concat(toChunks(answer.body).length > 0 ? toChunks(answer.body) : [new Uint8Array(0)]),
        trailers: toHeaderList(answer.trailers),
      };
    },
  };
}

/** Loads one filter. */
export async function loadFilter(wasm: string | Uint8Array, options: FilterOptions & ChainOptions = {}): Promise<LoadedFilter> {
  return loadChain([{ wasm, ...options }], options);
}

/** Loads filters as one chain (request path in this order, response path in reverse). */
export async function loadChain(filters: Array<FilterOptions & { wasm: string | Uint8Array }>, options: ChainOptions = {}): Promise<LoadedFilter> {
  const clock = options.clock ?? createManualClock();
  const shared = new SharedState();
  const clusters = clusterResolver(options.clusters ?? {});
  const logs: LogEntry[] = [];
  const plugins: Plugin[] = [];
  try {
    for (const [i, f] of filters.entries()) {
      plugins.push(await loadPlugin({
        ...f,
        name: f.name ?? (filters.length > 1 ? `filter${i}` : undefined),
        workers: f.workers ?? options.workers,
        clock, clusters, sharedState: shared,
        onLog: (entry) => logs.push(entry),
      }));
    }
  } catch (e) {
    for (const p of plugins) await p.close();
    throw e;
  }
  const chain = createFilterChain(plugins, { bufferLimitBytes: options.bufferLimitBytes });

  const metrics = (): Record<string, bigint> => {
    const out: Record<string, bigint> = {};
    for (const p of plugins) for (const m of p.metrics()) out[m.name] = m.value;
    return out;
  };

  async function request(req: TestRequest, opts: RequestOptions = {}): Promise<TestResponse> {
    const upstream = opts.upstream ?? options.upstream ?? echoUpstream;
    const logStart = logs.length;
    const requestHeaders: HeaderList = [
      [":method", req.method ?? "GET"], [":path", req.path], [":authority", req.authority ?? "example.com"], [":scheme", req.scheme ?? "http"],
      ...toHeaderList(req.headers).filter(([k]) => !k.startsWith(":")),
    ];
    // Envoy's connection manager adds these before any filter runs (as `proxyscript run` does).
    if (!requestHeaders.some(([k]) => k === "x-forwarded-proto")) requestHeaders.push(["x-forwarded-proto", req.scheme ?? "http"]);
    if (!requestHeaders.some(([k]) => k === "x-request-id")) requestHeaders.push(["x-request-id", randomUUID()]);
    const chunks = toChunks(req.body);
    const trailers = toHeaderList(req.trailers);

    const up = { headers: null as HeaderList | null, body: [] as Uint8Array[], trailers: [] as HeaderList, done: false };
    const down = { headers: [] as HeaderList, body: [] as Uint8Array[], trailers: [] as HeaderList };
    let reset: string | null = null;
    let upstreamFailure: unknown;

    const stream = chain.newStream(
      {
        remoteAddress: opts.remoteAddress ?? "203.0.113.7:51234", localAddress: "127.0.0.1:10000", protocol: "HTTP/1.1",
        worker: opts.worker, routeName: opts.routeName, clusterName: opts.clusterName,
      },
      {
        upstreamHeaders: (h, eos) => { up.headers = h.map(([k, v]) => [k, v]); if (eos) upstreamComplete(); },
        upstreamData: (c, eos) => { up.body.push(c.slice()); if (eos) upstreamComplete(); },
        upstreamTrailers: (t) => { up.trailers = t.map(([k, v]) => [k, v]); upstreamComplete(); },
        downstreamHeaders: (h) => { down.headers = h.map(([k, v]) => [k, v]); },
        downstreamData: (c) => { down.body.push(c.slice()); },
        downstreamTrailers: (t) => { down.trailers = t.map(([k, v]) => [k, v]); },
        reset: (reason) => { reset = reason; },
      },
    );

    // The upstream answers once the whole request reached it (after the current filter pass).
    function upstreamComplete(): void {
      if (up.done) return;
      up.done = true;
      const seen = describeRequest(up.headers ?? [], concat(up.body.length > 0 ? up.body : [new Uint8Array(0)]), up.trailers);
      void Promise.resolve().then(async () => {
        try {
          let answer: UpstreamAnswer;
          if (typeof upstream === "string") {
            try {
              answer = await forwardToUrl(upstream, seen);
            } catch (e) {
              // What Envoy's router answers when the upstream cannot be reached.
              answer = { status: 503, headers: { "content-type": "text/plain" }, body: `upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: ${(e as Error).message}` };
            }
          } else {
            answer = await upstream(seen);
          }
          const responseChunks = toChunks(answer.body);
          const responseTrailers = toHeaderList(answer.trailers);
          const headers: HeaderList = [[":status", String(answer.status ?? 200)], ...toHeaderList(answer.headers).filter(([k]) => k !== ":status")];
          await stream.encodeHeaders(headers, responseChunks.length === 0 && responseTrailers.length === 0);
          for (const [i, c] of responseChunks.entries()) await stream.encodeData(c, i === responseChunks.length - 1 && responseTrailers.length === 0);
          if (responseTrailers.length > 0) await stream.encodeTrailers(responseTrailers);
        } catch (e) {
          // A bug in the test's upstream handler: surface it instead of inventing a response.
          upstreamFailure = e;
          await stream.destroy();
        }
      });
    }

    await stream.decodeHeaders(requestHeaders, chunks.length === 0 && trailers.length === 0);
    for (const [i, c] of chunks.entries()) await stream.decodeData(c, i === chunks.length - 1 && trailers.length === 0);
    if (trailers.length > 0) await stream.decodeTrailers(trailers);

    const timeoutMs = opts.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      stream.finished.then(() => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      await stream.destroy();
      const last = stream.callbacks.slice(-4).map((c) => `${c.plugin}.${c.callback} → ${c.action}`).join(", ");
      throw new Error(`request ${req.method ?? "GET"} ${req.path} did not finish within ${timeoutMs} ms (real time): a filter paused the stream and never continued it` +
        `${last ? ` (last callbacks: ${last})` : ""}; with the default manual clock, ticks and http_call timeouts need advanceTime()`);
    }
    if (upstreamFailure !== undefined) throw upstreamFailure;
    const bodyBytes = concat(down.body.length > 0 ? down.body : [new Uint8Array(0)]);
    return {
      status: Number(down.headers.find(([k]) => k === ":status")?.[1] ?? 0),
      headers: toRecord(down.headers),
      headerList: down.headers,
      body: decoder.decode(bodyBytes),
      bodyBytes,
      trailers: toRecord(down.trailers),
      upstreamRequest: up.headers === null ? null : describeRequest(up.headers, concat(up.body.length > 0 ? up.body : [new Uint8Array(0)]), up.trailers),
      actions: stream.callbacks,
      logs: logs.slice(logStart),
      metrics: metrics(),
      reset,
    };
  }

  return {
    plugins,
    logs,
    request,
    async advanceTime(ms: number) {
      if (!("advance" in clock)) throw new Error("advanceTime needs the manual clock (omit `clock`, or pass createManualClock())");
      (clock as ManualClock).advance(ms);
      // Let callbacks posted by the fired timers (and the streams they resume) run.
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    },
    metric: (name) => {
      for (const p of plugins) { const v = p.metric(name); if (v !== undefined) return v; }
      return undefined;
    },
    metrics,
    async close() {
      for (const p of plugins) await p.close();
    },
  };
}

export { createManualClock, type ManualClock };
