// Typed wrappers over the raw imports: strings and ArrayBuffers in, ArrayBuffers out, never a
// pointer outside sdk/abi/. Calls that produce a value return it and leave the host's status in
// `lastStatus()`; calls that produce nothing return the Status.
import * as raw from "./imports";
import { BufferType, LogLevel, MapType, MetricType, Status, StreamType } from "./enums";
import {
  clearReturnSlots, deserializeHeaderPairs, discardReturnedBytes, HeaderPair, lenOf, ptrOf,
  RETURN_DATA, RETURN_EXTRA, RETURN_SIZE, serializeHeaderPairs, serializePropertyPath,
  takeReturnedBytes, takeReturnedString, utf8Bytes,
} from "./memory";
import { FIRST_ARG, SECOND_ARG } from "./scratch";

let last: Status = Status.Ok;

/** Status of the most recent value-returning host call. */
export function lastStatus(): Status {
  return last;
}

@inline function record(status: u32): Status {
  last = <Status>status;
  return last;
}

const EMPTY = new ArrayBuffer(0);

// ---- logging, status, time ----

export function log(level: LogLevel, message: string): Status {
  const bytes = utf8Bytes(message);
  return record(raw.proxy_log(<u32>level, ptrOf(bytes), lenOf(bytes)));
}

/** The host's current log level; Trace when the host cannot say. */
export function getLogLevel(): LogLevel {
  store<u32>(RETURN_EXTRA, 0);
  if (record(raw.proxy_get_log_level(RETURN_EXTRA)) != Status.Ok) return LogLevel.Trace;
  return <LogLevel>load<u32>(RETURN_EXTRA);
}

/** Status code and message of the last call result Envoy reports (gRPC/HTTP call results). */
export class HostStatus {
  constructor(public code: u32, public message: string) {}
}

export function getStatus(): HostStatus {
  clearReturnSlots();
  const status = record(raw.proxy_get_status(RETURN_EXTRA, RETURN_DATA, RETURN_SIZE));
  const code = load<u32>(RETURN_EXTRA);
  const message = takeReturnedBytes();
  if (status != Status.Ok) return new HostStatus(0, "");
  return new HostStatus(code, String.UTF8.decode(message));
}

export function getCurrentTimeNanos(): u64 {
  store<u64>(RETURN_EXTRA, 0);
  record(raw.proxy_get_current_time_nanoseconds(RETURN_EXTRA));
  return load<u64>(RETURN_EXTRA);
}

export function setTickPeriodMilliseconds(periodMs: u32): Status {
  return record(raw.proxy_set_tick_period_milliseconds(periodMs));
}

// ---- properties ----

/** Raw property value, or null when absent (status NotFound) or refused. */
export function getProperty(path: string[]): ArrayBuffer | null {
  const encoded = serializePropertyPath(path);
  clearReturnSlots();
  const status = record(raw.proxy_get_property(ptrOf(encoded), lenOf(encoded), RETURN_DATA, RETURN_SIZE));
  if (status != Status.Ok) {
    discardReturnedBytes();
    return null;
  }
  return takeReturnedBytes();
}

export function setProperty(path: string[], value: ArrayBuffer): Status {
  const encoded = serializePropertyPath(path);
  return record(raw.proxy_set_property(ptrOf(encoded), lenOf(encoded), ptrOf(value), lenOf(value)));
}

// ---- stream control ----

export function sendLocalResponse(statusCode: u32, details: string, body: ArrayBuffer, headers: HeaderPair[], grpcStatus: i32): Status {
  const detailBytes = utf8Bytes(details);
  const headerBytes = serializeHeaderPairs(headers);
  return record(raw.proxy_send_local_response(
    statusCode, ptrOf(detailBytes), lenOf(detailBytes), ptrOf(body), lenOf(body),
    ptrOf(headerBytes), lenOf(headerBytes), grpcStatus));
}

export function continueStream(stream: StreamType): Status {
  return record(raw.proxy_continue_stream(<u32>stream));
}

export function closeStream(stream: StreamType): Status {
  return record(raw.proxy_close_stream(<u32>stream));
}

// ---- shared data ----

/** Value and CAS of a shared-data key; value null when the key is absent. */
export class SharedDataValue {
  constructor(public value: ArrayBuffer | null, public cas: u32, public status: Status) {}
}

export function getSharedData(key: string): SharedDataValue {
  const keyBytes = utf8Bytes(key);
  clearReturnSlots();
  const status = record(raw.proxy_get_shared_data(ptrOf(keyBytes), lenOf(keyBytes), RETURN_DATA, RETURN_SIZE, RETURN_EXTRA));
  const cas = load<u32>(RETURN_EXTRA);
  if (status != Status.Ok) {
    discardReturnedBytes();
    return new SharedDataValue(null, 0, status);
  }
  return new SharedDataValue(takeReturnedBytes(), cas, status);
}

export function setSharedData(key: string, value: ArrayBuffer, cas: u32): Status {
  const keyBytes = utf8Bytes(key);
  return record(raw.proxy_set_shared_data(ptrOf(keyBytes), lenOf(keyBytes), ptrOf(value), lenOf(value), cas));
}

// ---- shared queues ----

/** Queue id, or 0 with lastStatus() set on failure. */
export function registerSharedQueue(name: string): u32 {
  const nameBytes = utf8Bytes(name);
  store<u32>(RETURN_EXTRA, 0);
  if (record(raw.proxy_register_shared_queue(ptrOf(nameBytes), lenOf(nameBytes), RETURN_EXTRA)) != Status.Ok) return 0;
  return load<u32>(RETURN_EXTRA);
}

/** Queue id, or 0 with lastStatus() NotFound when no VM registered it. */
export function resolveSharedQueue(vmId: string, name: string): u32 {
  const vmBytes = utf8Bytes(vmId);
  const nameBytes = utf8Bytes(name);
  store<u32>(RETURN_EXTRA, 0);
  if (record(raw.proxy_resolve_shared_queue(ptrOf(vmBytes), lenOf(vmBytes), ptrOf(nameBytes), lenOf(nameBytes), RETURN_EXTRA)) != Status.Ok) return 0;
  return load<u32>(RETURN_EXTRA);
}

export function enqueueSharedQueue(queueId: u32, value: ArrayBuffer): Status {
  return record(raw.proxy_enqueue_shared_queue(queueId, ptrOf(value), lenOf(value)));
}

/** Next item, or null (lastStatus() Empty when the queue is empty, NotFound for a bad id). */
export function dequeueSharedQueue(queueId: u32): ArrayBuffer | null {
  clearReturnSlots();
  if (record(raw.proxy_dequeue_shared_queue(queueId, RETURN_DATA, RETURN_SIZE)) != Status.Ok) {
    discardReturnedBytes();
    return null;
  }
  return takeReturnedBytes();
}

// ---- header maps ----

/** Header value, or null when absent. */
export function getHeaderMapValue(map: MapType, name: string): string | null {
  const keyLen = FIRST_ARG.encode(name);
  clearReturnSlots();
  if (record(raw.proxy_get_header_map_value(<u32>map, FIRST_ARG.ptr, keyLen, RETURN_DATA, RETURN_SIZE)) != Status.Ok) {
    discardReturnedBytes();
    return null;
  }
  return takeReturnedString();
}

/** Header value as raw bytes (binary gRPC metadata), or null when absent. */
export function getHeaderMapValueBytes(map: MapType, name: string): ArrayBuffer | null {
  const keyLen = FIRST_ARG.encode(name);
  clearReturnSlots();
  if (record(raw.proxy_get_header_map_value(<u32>map, FIRST_ARG.ptr, keyLen, RETURN_DATA, RETURN_SIZE)) != Status.Ok) {
    discardReturnedBytes();
    return null;
  }
  return takeReturnedBytes();
}

export function addHeaderMapValue(map: MapType, name: string, value: string): Status {
  const keyLen = FIRST_ARG.encode(name);
  const valueLen = SECOND_ARG.encode(value);
  return record(raw.proxy_add_header_map_value(<u32>map, FIRST_ARG.ptr, keyLen, SECOND_ARG.ptr, valueLen));
}

export function replaceHeaderMapValue(map: MapType, name: string, value: string): Status {
  const keyLen = FIRST_ARG.encode(name);
  const valueLen = SECOND_ARG.encode(value);
  return record(raw.proxy_replace_header_map_value(<u32>map, FIRST_ARG.ptr, keyLen, SECOND_ARG.ptr, valueLen));
}

export function removeHeaderMapValue(map: MapType, name: string): Status {
  const keyLen = FIRST_ARG.encode(name);
  return record(raw.proxy_remove_header_map_value(<u32>map, FIRST_ARG.ptr, keyLen));
}

export function getHeaderMapPairs(map: MapType): HeaderPair[] {
  clearReturnSlots();
  if (record(raw.proxy_get_header_map_pairs(<u32>map, RETURN_DATA, RETURN_SIZE)) != Status.Ok) {
    discardReturnedBytes();
    return new Array<HeaderPair>();
  }
  return deserializeHeaderPairs(takeReturnedBytes());
}

export function setHeaderMapPairs(map: MapType, pairs: HeaderPair[]): Status {
  const bytes = serializeHeaderPairs(pairs);
  return record(raw.proxy_set_header_map_pairs(<u32>map, ptrOf(bytes), lenOf(bytes)));
}

/** What proxy_get_header_map_size reports (Envoy: the map's byte size). */
export function getHeaderMapSize(map: MapType): u32 {
  store<u32>(RETURN_EXTRA, 0);
  if (record(raw.proxy_get_header_map_size(<u32>map, RETURN_EXTRA)) != Status.Ok) return 0;
  return load<u32>(RETURN_EXTRA);
}

// ---- buffers ----

/** Current length of a buffer (0 with lastStatus() set when it is not available). */
export function getBufferLength(buffer: BufferType): u32 {
  store<u32>(RETURN_EXTRA, 0);
  store<u32>(RETURN_SIZE, 0);
  if (record(raw.proxy_get_buffer_status(<u32>buffer, RETURN_SIZE, RETURN_EXTRA)) != Status.Ok) return 0;
  return load<u32>(RETURN_SIZE);
}

/** Bytes [start, start+maxSize) of a buffer; empty when absent (lastStatus() says why). */
export function getBufferBytes(buffer: BufferType, start: u32, maxSize: u32): ArrayBuffer {
  clearReturnSlots();
  if (record(raw.proxy_get_buffer_bytes(<u32>buffer, start, maxSize, RETURN_DATA, RETURN_SIZE)) != Status.Ok) {
    discardReturnedBytes();
    return EMPTY;
  }
  return takeReturnedBytes();
}

/**
 * Envoy's set_buffer_bytes: start 0 replaces the first `size` bytes with `data` (size 0 prepends);
 * start >= length appends; anything else is BadArgument.
 */
export function setBufferBytes(buffer: BufferType, start: u32, size: u32, data: ArrayBuffer): Status {
  return record(raw.proxy_set_buffer_bytes(<u32>buffer, start, size, ptrOf(data), lenOf(data)));
}

// ---- outbound calls ----

/** Token of the dispatched call, or 0 with lastStatus() set (BadArgument: unknown cluster). */
export function httpCall(cluster: string, headers: HeaderPair[], body: ArrayBuffer, trailers: HeaderPair[], timeoutMs: u32): u32 {
  const clusterBytes = utf8Bytes(cluster);
  const headerBytes = serializeHeaderPairs(headers);
  const trailerBytes = serializeHeaderPairs(trailers);
  store<u32>(RETURN_EXTRA, 0);
  const status = record(raw.proxy_http_call(
    ptrOf(clusterBytes), lenOf(clusterBytes), ptrOf(headerBytes), lenOf(headerBytes),
    ptrOf(body), lenOf(body), ptrOf(trailerBytes), lenOf(trailerBytes), timeoutMs, RETURN_EXTRA));
  return status == Status.Ok ? load<u32>(RETURN_EXTRA) : 0;
}

export function grpcCall(cluster: string, service: string, method: string, metadata: HeaderPair[], message: ArrayBuffer, timeoutMs: u32): u32 {
  const clusterBytes = utf8Bytes(cluster);
  const serviceBytes = utf8Bytes(service);
  const methodBytes = utf8Bytes(method);
  const metadataBytes = serializeHeaderPairs(metadata);
  store<u32>(RETURN_EXTRA, 0);
  const status = record(raw.proxy_grpc_call(
    ptrOf(clusterBytes), lenOf(clusterBytes), ptrOf(serviceBytes), lenOf(serviceBytes),
    ptrOf(methodBytes), lenOf(methodBytes), ptrOf(metadataBytes), lenOf(metadataBytes),
    ptrOf(message), lenOf(message), timeoutMs, RETURN_EXTRA));
  return status == Status.Ok ? load<u32>(RETURN_EXTRA) : 0;
}

export function grpcStream(cluster: string, service: string, method: string, metadata: HeaderPair[]): u32 {
  const clusterBytes = utf8Bytes(cluster);
  const serviceBytes = utf8Bytes(service);
  const methodBytes = utf8Bytes(method);
  const metadataBytes = serializeHeaderPairs(metadata);
  store<u32>(RETURN_EXTRA, 0);
  const status = record(raw.proxy_grpc_stream(
    ptrOf(clusterBytes), lenOf(clusterBytes), ptrOf(serviceBytes), lenOf(serviceBytes),
    ptrOf(methodBytes), lenOf(methodBytes), ptrOf(metadataBytes), lenOf(metadataBytes), RETURN_EXTRA));
  return status == Status.Ok ? load<u32>(RETURN_EXTRA) : 0;
}

export function grpcSend(token: u32, message: ArrayBuffer, endOfStream: bool): Status {
  return record(raw.proxy_grpc_send(token, ptrOf(message), lenOf(message), endOfStream ? 1 : 0));
}

export function grpcCancel(token: u32): Status {
  return record(raw.proxy_grpc_cancel(token));
}

export function grpcClose(token: u32): Status {
  return record(raw.proxy_grpc_close(token));
}

// ---- metrics ----

/** Metric id, or 0 with lastStatus() set on failure. */
export function defineMetric(type: MetricType, name: string): u32 {
  const nameBytes = utf8Bytes(name);
  store<u32>(RETURN_EXTRA, 0);
  if (record(raw.proxy_define_metric(<u32>type, ptrOf(nameBytes), lenOf(nameBytes), RETURN_EXTRA)) != Status.Ok) return 0;
  return load<u32>(RETURN_EXTRA);
}

export function incrementMetric(id: u32, offset: i64): Status {
  return record(raw.proxy_increment_metric(id, offset));
}

export function recordMetric(id: u32, value: u64): Status {
  return record(raw.proxy_record_metric(id, value));
}

export function getMetric(id: u32): u64 {
  store<u64>(RETURN_EXTRA, 0);
  if (record(raw.proxy_get_metric(id, RETURN_EXTRA)) != Status.Ok) return 0;
  return load<u64>(RETURN_EXTRA);
}

// ---- contexts, foreign functions ----

export function setEffectiveContext(contextId: u32): Status {
  return record(raw.proxy_set_effective_context(contextId));
}

export function done(): Status {
  return record(raw.proxy_done());
}

/** Result bytes of a host foreign function, or null with lastStatus() set. */
export function callForeignFunction(name: string, args: ArrayBuffer): ArrayBuffer | null {
  const nameBytes = utf8Bytes(name);
  clearReturnSlots();
  if (record(raw.proxy_call_foreign_function(ptrOf(nameBytes), lenOf(nameBytes), ptrOf(args), lenOf(args), RETURN_DATA, RETURN_SIZE)) != Status.Ok) {
    discardReturnedBytes();
    return null;
  }
  return takeReturnedBytes();
}
