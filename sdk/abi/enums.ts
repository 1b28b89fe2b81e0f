// Numeric enums of the proxy-wasm ABI v0.2.1, with Envoy's values.

/** WasmResult: the status every host function returns. */
export enum Status {
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

/** Readable name of a Status, for log lines and errors. */
export function statusName(status: Status): string {
  switch (status) {
    case Status.Ok: return "Ok";
    case Status.NotFound: return "NotFound";
    case Status.BadArgument: return "BadArgument";
    case Status.SerializationFailure: return "SerializationFailure";
    case Status.ParseFailure: return "ParseFailure";
    case Status.BadExpression: return "BadExpression";
    case Status.InvalidMemoryAccess: return "InvalidMemoryAccess";
    case Status.Empty: return "Empty";
    case Status.CasMismatch: return "CasMismatch";
    case Status.ResultMismatch: return "ResultMismatch";
    case Status.InternalFailure: return "InternalFailure";
    case Status.BrokenConnection: return "BrokenConnection";
    case Status.Unimplemented: return "Unimplemented";
    default: return "Status(" + (<i32>status).toString() + ")";
  }
}

export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
}

/** What a stream callback tells Envoy to do next (FilterHeadersStatus / FilterDataStatus values). */
export enum Action {
  /** Pass the headers/data on to the next filter. */
  Continue = 0,
  /** Stop here until continueRequest()/continueResponse(); for bodies: buffer and stop. */
  Pause = 1,
  /** Headers only: stop and buffer the rest of the stream too (StopAllIterationAndBuffer). */
  StopAllIterationAndBuffer = 3,
  /** Headers only: stop and watermark-buffer the rest of the stream (StopAllIterationAndWatermark). */
  StopAllIterationAndWatermark = 4,
}

export enum MapType {
  HttpRequestHeaders = 0,
  HttpRequestTrailers = 1,
  HttpResponseHeaders = 2,
  HttpResponseTrailers = 3,
  GrpcReceiveInitialMetadata = 4,
  GrpcReceiveTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

export enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}

/** proxy_continue_stream / proxy_close_stream argument. */
export enum StreamType {
  Request = 0,
  Response = 1,
  Downstream = 2,
  Upstream = 3,
}

export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** Which side closed a network connection. */
export enum PeerType {
  Unknown = 0,
  Local = 1,
  Remote = 2,
}

/** gRPC status codes (proxy_on_grpc_close, send_local_response's grpc_status). */
export enum GrpcStatus {
  Ok = 0,
  Cancelled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}
