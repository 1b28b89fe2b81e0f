// The embedded host's public contract: what the local proxy, the test API and the CLI build on.
// The host implements Envoy's filter-manager semantics; callers only move bytes in and out.

/** Header map as the ABI serializes it: ordered pairs, lower-case names, pseudo-headers first. */
export type HeaderList = Array<[name: string, value: string]>;

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "critical";

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** Plugin (filter) name that logged it. */
  plugin: string;
  /** Worker VM index that logged it. */
  worker: number;
}

/**
 * Answer of an outbound http_call, or what went wrong. What the filter then sees follows Envoy,
 * whose AsyncClient runs the router for the call:
 * - an answer: proxy_on_http_call_response with its headers (`:status` first), body and trailers;
 * - `timeout` (or no answer within the call's timeout on the plugin's clock): the router's local
 *   reply, delivered as a response like any other — `:status: 504`, `content-length: 24`,
 *   `content-type: text/plain`, body `upstream request timeout` (a gRPC request gets the
 *   trailers-only gRPC form); proxy_get_status stays Ok;
 * - `reset` (or `unknown_cluster`, a thrown or rejected call): Envoy's failure callback, with 0
 *   headers, 0 body bytes, 0 trailers, and proxy_get_status giving BrokenConnection and "reset".
 */
export type ClusterResponse =
  | { status: number; headers?: HeaderList | Record<string, string>; body?: string | Uint8Array; trailers?: HeaderList }
  | { failure: "timeout" | "reset" | "unknown_cluster" };

export interface ClusterRequest {
  cluster: string;
  headers: HeaderList;
  body: Uint8Array;
  trailers: HeaderList;
  timeoutMs: number;
}

/**
 * Resolves outbound calls (http_call / grpc_call) to named clusters. The proxy resolves to real
 * HTTP; the test API to canned answers. A promise that never settles before `timeoutMs` yields
 * Envoy's timeout answer (the router's 504, see ClusterResponse); an unknown cluster fails the
 * call at the call site with BadArgument as Envoy does.
 */
export interface ClusterResolver {
  has(cluster: string): boolean;
  call(request: ClusterRequest): Promise<ClusterResponse>;
  /**
   * A live exchange for gRPC streams: headers go out at once, each message as the filter sends
   * it, and answers arrive as the upstream sends them (interleaved streaming). Optional: without
   * it, a stream is sent whole when the filter half-closes it, through `call`.
   */
  openStream?(cluster: string, headers: HeaderList, handlers: ClusterStreamHandlers): ClusterStream;
}

/** The answer side of a live cluster exchange, event by event. */
export interface ClusterStreamHandlers {
  /** Response headers (`:status` apart); `endStream` when they end the answer (gRPC trailers-only). */
  onHeaders(status: number, headers: HeaderList, endStream: boolean): void;
  onData(chunk: Uint8Array): void;
  /** The answer is complete; `trailers` empty when none came. */
  onEnd(trailers: HeaderList): void;
  /** Connect failure or reset before the answer completed. */
  onError(err: Error): void;
}

/** The request side of a live cluster exchange. */
export interface ClusterStream {
  write(chunk: Uint8Array): void;
  /** Half-closes the request. */
  end(): void;
  /** Resets the exchange; no handler is called afterwards. */
  destroy(): void;
}

/** Clock the host reads for proxy_get_current_time_nanoseconds and drives ticks/timeouts with. */
export interface Clock {
  nowNanos(): bigint;
  /** Schedule `fn` after `ms` of this clock's time; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface PluginOptions {
  /** Path to a .wasm, or its bytes. */
  wasm: string | Uint8Array;
  /** Filter name (Envoy's `config.name`, readable as the `plugin_name` property). */
  name?: string;
  /** Root id (Envoy's `config.root_id`). */
  rootId?: string;
  /** VM configuration passed to proxy_on_vm_start. */
  vmConfig?: string | Uint8Array;
  /** Plugin configuration passed to proxy_on_configure; objects are JSON-serialized. */
  config?: string | Uint8Array | object;
  /** Number of worker VMs (Envoy's --concurrency). Default 1. */
  workers?: number;
  /** On a trap: pass the stream on (true) or answer 503 (false, Envoy's default). */
  failOpen?: boolean;
  clusters?: ClusterResolver;
  clock?: Clock;
  /** Lowest level kept and returned by proxy_get_log_level. Default "trace" in tests. */
  logLevel?: LogLevel;
  /** Receives every log line as it happens (default: kept in `logs` only). */
  onLog?: (entry: LogEntry) => void;
  /** Extra values for proxy_get_property, by dotted path ("node.metadata.x"). */
  properties?: Record<string, string | Uint8Array>;
}

/** Thrown by loadPlugin: a module Envoy would refuse, or a start/configure that failed. */
export class PluginLoadError extends Error {
  constructor(message: string, readonly logs: LogEntry[] = []) {
    super(message);
    this.name = "PluginLoadError";
  }
}

export interface MetricSnapshot {
  name: string;
  type: "counter" | "gauge" | "histogram";
  value: bigint;
}

/** A loaded filter: N worker VMs of one module, sharing shared data and queues. */
export interface Plugin {
  readonly name: string;
  readonly rootId: string;
  readonly workers: number;
  readonly logs: LogEntry[];
  metrics(): MetricSnapshot[];
  metric(name: string): bigint | undefined;
  /** Run every timer due up to now on the plugin's clock (tick-driven filters). */
  runTimers(): Promise<void>;
  /** Calls proxy_on_done / proxy_on_delete on every root context and drops the VMs. */
  close(): Promise<void>;
}

export interface StreamInfo {
  /** e.g. "203.0.113.7:51234" */
  remoteAddress: string;
  localAddress: string;
  /** "HTTP/1.1" | "HTTP/2" */
  protocol: string;
  /** Worker VM the stream runs on; default round-robin. */
  worker?: number;
  /** Route name and cluster the stream is routed to (route_name / cluster_name properties). */
  routeName?: string;
  clusterName?: string;
}

/**
 * Where a stream's output goes. The host calls these in order, after filters released them:
 * request parts to the upstream, response parts (upstream's, or a local reply) to the client.
 */
export interface StreamSink {
  upstreamHeaders(headers: HeaderList, endOfStream: boolean): void;
  upstreamData(chunk: Uint8Array, endOfStream: boolean): void;
  upstreamTrailers(trailers: HeaderList): void;
  downstreamHeaders(headers: HeaderList, endOfStream: boolean): void;
  downstreamData(chunk: Uint8Array, endOfStream: boolean): void;
  downstreamTrailers(trailers: HeaderList): void;
  /** A filter (or a trap under fail-closed) ended the stream; nothing more follows. */
  reset?(reason: string): void;
}

/** The action a filter callback returned, recorded for tests. */
export interface CallbackRecord {
  plugin: string;
  callback: string;
  action: "Continue" | "StopIteration" | "StopAllIterationAndBuffer" | "StopAllIterationAndWatermark" | "Trap" | string;
}

/**
 * One HTTP stream through an ordered chain of plugins, as Envoy's filter manager drives it:
 * decode* in chain order, encode* in reverse. Each call resolves once the host has processed
 * the input as far as filters allow (paused streams resolve too; they resume on continue).
 */
export interface HttpStream {
  decodeHeaders(headers: HeaderList, endOfStream: boolean): Promise<void>;
  decodeData(chunk: Uint8Array, endOfStream: boolean): Promise<void>;
  decodeTrailers(trailers: HeaderList): Promise<void>;
  encodeHeaders(headers: HeaderList, endOfStream: boolean): Promise<void>;
  encodeData(chunk: Uint8Array, endOfStream: boolean): Promise<void>;
  encodeTrailers(trailers: HeaderList): Promise<void>;
  /** Downstream or upstream went away; filters get on_log (access log) and on_done/on_delete. */
  destroy(): Promise<void>;
  /** Resolves when the stream has finished (both directions ended or reset) and is logged. */
  readonly finished: Promise<void>;
  readonly callbacks: CallbackRecord[];
}

export interface FilterChain {
  readonly plugins: readonly Plugin[];
  newStream(info: StreamInfo, sink: StreamSink): HttpStream;
}
