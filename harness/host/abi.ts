// Numeric values of the proxy-wasm ABI (v0.1.0 – v0.2.1) as Envoy's host library defines them.

export enum WasmResult {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  BadExpression = 5,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  ResultMismatch = 9,
  InternalFailure = 10,
  BrokenConnection = 11,
  Unimplemented = 12,
}

export enum MapType {
  RequestHeaders = 0,
  RequestTrailers = 1,
  ResponseHeaders = 2,
  ResponseTrailers = 3,
  GrpcReceiveInitialMetadata = 4,
  GrpcReceiveTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}
export const MAP_TYPE_MAX = 7;

export enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  NetworkDownstreamData = 2,
  NetworkUpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}
export const BUFFER_TYPE_MAX = 8;

export enum StreamType {
  Request = 0,
  Response = 1,
  Downstream = 2,
  Upstream = 3,
}
export const STREAM_TYPE_MAX = 3;

export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** proxy-wasm FilterHeadersStatus (what on_*_headers returns). */
export const HEADERS_ACTIONS = ["Continue", "StopIteration", "ContinueAndDontEndStream", "StopAllIterationAndBuffer", "StopAllIterationAndWatermark"] as const;
/** proxy-wasm FilterDataStatus (what on_*_body returns). */
export const DATA_ACTIONS = ["Continue", "StopIterationAndBuffer", "StopIterationAndWatermark", "StopIterationNoBuffer"] as const;
/** proxy-wasm FilterTrailersStatus. */
export const TRAILERS_ACTIONS = ["Continue", "StopIteration"] as const;

/** proxy-wasm log levels, in ABI order. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "critical"] as const;

export type AbiVersion = "0.1.0" | "0.2.0" | "0.2.1";
export const ABI_EXPORTS: Record<string, AbiVersion> = {
  proxy_abi_version_0_1_0: "0.1.0",
  proxy_abi_version_0_2_0: "0.2.0",
  proxy_abi_version_0_2_1: "0.2.1",
};

/** WASI errno values the host returns. */
export enum Errno {
  Success = 0,
  Badf = 8,
  Fault = 21,
  Inval = 28,
  Noent = 44,
  Nosys = 52,
  Notdir = 20,
  Notsup = 58,
}
