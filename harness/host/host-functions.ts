// The `env.proxy_*` imports: argument decoding, pointer checks and Envoy's status codes. Stream
// effects (continue, local reply, close) are deferred until the current call returns, as Envoy does.
import { BUFFER_TYPE_MAX, BufferType, MAP_TYPE_MAX, MapType, STREAM_TYPE_MAX, StreamType, WasmResult } from "./abi.ts";
import type { HeaderList } from "./api.ts";
import { ForeignFunctionError } from "./foreign-functions.ts";
import { startGrpcCall } from "./grpc-call.ts";
import { startGrpcStream } from "./grpc-stream.ts";
import { startHttpCall } from "./http-call.ts";
import { concatBytes } from "./memory.ts";
import { indexOfHeader, removeHeader } from "./header-list.ts";
import { deserializePairs, headerBytes, PairsFormatError } from "./pairs.ts";
import { resolveProperty } from "./properties.ts";
import type { BodyBuffer } from "./runtime.ts";
import type { WasmVm } from "./vm.ts";

type Fn = (...args: never[]) => number | void;

export function buildHostFunctions(vm: WasmVm): Record<string, Fn> {
  const rt = vm.runtime;
  const mem = () => vm.memory;

  /** Envoy's PairsUtil::toPairs: malformed input reads as no pairs; we also say why in the log. */
  const readPairs = (ptr: number, size: number, what: string): HeaderList | null => {
    const bytes = mem().view(ptr, size);
    if (bytes === null) return null;
    try {
      return deserializePairs(bytes);
    } catch (e) {
      if (!(e instanceof PairsFormatError)) throw e;
      rt.log("warn", `host: malformed serialized header map passed to ${what}: ${e.message}; read as empty, as Envoy does`, vm.worker);
      return [];
    }
  };

  const streamOf = () => vm.context()?.stream;

  /** Header maps a context may read (http-call response maps included). */
  const constMap = (type: number): HeaderList | null => {
    if (type === MapType.GrpcReceiveInitialMetadata) return vm.grpcMetadata;
    if (type === MapType.GrpcReceiveTrailingMetadata) return vm.grpcTrailingMetadata;
    if (type === MapType.HttpCallResponseHeaders) return vm.callResponse?.headers ?? null;
    if (type === MapType.HttpCallResponseTrailers) return vm.callResponse?.trailers ?? null;
    return streamOf()?.map(type as MapType) ?? null;
  };
  /** Header maps a context may change. */
  const mutableMap = (type: number): HeaderList | null => {
    if (type > MapType.ResponseTrailers) return null;
    return streamOf()?.map(type as MapType) ?? null;
  };

  const constBuffer = (type: number): { bytes: Uint8Array; mutable?: BodyBuffer } | null => {
    switch (type) {
      case BufferType.VmConfiguration: return { bytes: rt.vmConfig };
      case BufferType.PluginConfiguration: return vm.configuring ? { bytes: rt.pluginConfig } : null;
      case BufferType.HttpCallResponseBody: return vm.callResponse !== null ? { bytes: vm.callResponse.body } : null;
      case BufferType.GrpcReceiveBuffer: return vm.grpcReceive !== null ? { bytes: vm.grpcReceive } : null;
      case BufferType.HttpRequestBody:
      case BufferType.HttpResponseBody: {
        const b = streamOf()?.body(type);
        return b == null ? null : { bytes: b.bytes, mutable: b };
      }
      default: return null;
    }
  };

  const lower = (s: string) => s.toLowerCase();

  return {
    proxy_log(level: number, ptr: number, size: number): number {
      if (level >>> 0 > 5) return WasmResult.BadArgument;
      // Below the plugin's level the line is dropped (as Envoy's logger does), without decoding it.
      if (level < rt.logLevel) return mem().view(ptr, size) === null ? WasmResult.InvalidMemoryAccess : WasmResult.Ok;
      const message = mem().string(ptr, size);
      if (message === null) return WasmResult.InvalidMemoryAccess;
      vm.log(level, message);
      return WasmResult.Ok;
    },

    proxy_get_log_level(ptr: number): number {
      return mem().setU32(ptr, rt.logLevel) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_get_status(codePtr: number, ptrPtr: number, sizePtr: number): number {
      if (!mem().setU32(codePtr, vm.status.code)) return WasmResult.InvalidMemoryAccess;
      return mem().copyOutString(vm.status.message, ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_property(pathPtr: number, pathSize: number, valuePtr: number, valueSize: number): number {
      const path = mem().string(pathPtr, pathSize);
      const value = mem().copy(valuePtr, valueSize);
      if (path === null || value === null) return WasmResult.InvalidMemoryAccess;
      const stream = streamOf();
      if (stream === undefined) return WasmResult.NotFound;
      return stream.setProperty(path.split("\0").filter((s) => s !== "").join("."), value);
    },

    proxy_get_property(pathPtr: number, pathSize: number, ptrPtr: number, sizePtr: number): number {
      const path = mem().string(pathPtr, pathSize);
      if (path === null) return WasmResult.InvalidMemoryAccess;
      const segments = path.split("\0");
      if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
      const stream = streamOf();
      const value = resolveProperty(segments, {
        pluginName: rt.name, rootId: rt.rootId, vmId: rt.vmId, extra: rt.extraProperties,
        stream: stream?.propertySources(),
      });
      if (value === undefined) return WasmResult.NotFound;
      return mem().copyOut(value, ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_send_local_response(status: number, detailsPtr: number, detailsSize: number, bodyPtr: number, bodySize: number,
      headersPtr: number, headersSize: number, grpcStatus: number): number {
      const details = mem().string(detailsPtr, detailsSize);
      const body = mem().copy(bodyPtr, bodySize);
      const pairsBytes = mem().view(headersPtr, headersSize);
      if (details === null || body === null || pairsBytes === null) return WasmResult.InvalidMemoryAccess;
      const headers = readPairs(headersPtr, headersSize, "proxy_send_local_response")!;
      const stream = streamOf();
      if (stream === undefined) {
        rt.log("warn", "host: proxy_send_local_response on a root context has no stream to answer (Envoy ignores it)", vm.worker);
        return WasmResult.Ok;
      }
      vm.defer(() => stream.sendLocalResponse(status >>> 0, body, headers.map(([k, v]) => [lower(k), v]), grpcStatus | 0, details));
      return WasmResult.Ok;
    },

    proxy_get_shared_data(keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number, casPtr: number): number {
      const key = mem().string(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const entry = rt.shared.getSharedData(rt.vmId, key);
      if (entry === undefined) return WasmResult.NotFound;
      if (!mem().copyOut(entry.value, valuePtrPtr, valueSizePtr)) return WasmResult.InvalidMemoryAccess;
      return mem().setU32(casPtr, entry.cas) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_shared_data(keyPtr: number, keySize: number, valuePtr: number, valueSize: number, cas: number): number {
      const key = mem().string(keyPtr, keySize);
      const value = mem().view(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      return rt.shared.setSharedData(rt.vmId, key, value, cas >>> 0);
    },

    proxy_register_shared_queue(namePtr: number, nameSize: number, tokenPtr: number): number {
      const name = mem().string(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      // on_queue_ready goes to the root context of the registering VM, posted after the enqueue.
      const token = rt.shared.registerQueue(rt.vmId, name, {
        notify: (t) => queueMicrotask(() => {
          if (!vm.failed) vm.guard("proxy_on_queue_ready", () => vm.call(vm.rootContextId, "proxy_on_queue_ready", vm.rootContextId, t));
        }),
      });
      return mem().setU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_resolve_shared_queue(vmIdPtr: number, vmIdSize: number, namePtr: number, nameSize: number, tokenPtr: number): number {
      const vmId = mem().string(vmIdPtr, vmIdSize);
      const name = mem().string(namePtr, nameSize);
      if (vmId === null || name === null) return WasmResult.InvalidMemoryAccess;
      const token = rt.shared.resolveQueue(vmId === "" ? rt.vmId : vmId, name);
      if (token === 0) return WasmResult.NotFound;
      return mem().setU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_dequeue_shared_queue(token: number, ptrPtr: number, sizePtr: number): number {
      const { result, data } = rt.shared.dequeue(token >>> 0);
      if (result !== WasmResult.Ok) return result;
      return mem().copyOut(data!, ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_enqueue_shared_queue(token: number, ptr: number, size: number): number {
      const data = mem().view(ptr, size);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      return rt.shared.enqueue(token >>> 0, data);
    },

    proxy_get_header_map_value(type: number, keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const name = mem().headerName(keyPtr, keySize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const map = constMap(type);
      if (map === null) return WasmResult.BadArgument;
      const index = indexOfHeader(map, name, 0);
      if (index < 0 && rt.abiVersion !== "0.1.0") return WasmResult.NotFound;
      const value = index < 0 ? "" : map[index]![1];
      return mem().copyOutString(value, valuePtrPtr, valueSizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_add_header_map_value(type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const name = mem().headerName(keyPtr, keySize);
      const value = mem().string(valuePtr, valueSize);
      if (name === null || value === null) return WasmResult.InvalidMemoryAccess;
      const map = mutableMap(type);
      if (map === null) return WasmResult.BadArgument;
      map.push([name, value]);
      return WasmResult.Ok;
    },

    proxy_replace_header_map_value(type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const name = mem().headerName(keyPtr, keySize);
      const value = mem().string(valuePtr, valueSize);
      if (name === null || value === null) return WasmResult.InvalidMemoryAccess;
      const map = mutableMap(type);
      if (map === null) return WasmResult.BadArgument;
      // Envoy's setCopy: the first entry takes the value, later duplicates go; absent → appended.
      const first = indexOfHeader(map, name, 0);
      if (first < 0) { map.push([name, value]); return WasmResult.Ok; }
      map[first] = [name, value];
      removeHeader(map, name, first + 1);
      return WasmResult.Ok;
    },

    proxy_remove_header_map_value(type: number, keyPtr: number, keySize: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const name = mem().headerName(keyPtr, keySize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const map = mutableMap(type);
      if (map === null) return WasmResult.BadArgument;
      removeHeader(map, name, 0);
      return WasmResult.Ok;
    },

    proxy_get_header_map_pairs(type: number, ptrPtr: number, sizePtr: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const map = constMap(type);
      return mem().copyOutPairs(map ?? [], ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_header_map_pairs(type: number, ptr: number, size: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const pairs = readPairs(ptr, size, "proxy_set_header_map_pairs");
      if (pairs === null) return WasmResult.InvalidMemoryAccess;
      const map = mutableMap(type);
      if (map === null) return WasmResult.BadArgument;
      map.length = 0;
      for (const [k, v] of pairs) map.push([lower(k), v]);
      return WasmResult.Ok;
    },

    proxy_get_header_map_size(type: number, sizePtr: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const map = mutableMap(type);
      if (map === null) return WasmResult.BadArgument;
      return mem().setU32(sizePtr, headerBytes(map)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_get_buffer_status(type: number, lengthPtr: number, flagsPtr: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const buffer = constBuffer(type);
      if (buffer === null) return WasmResult.NotFound;
      if (!mem().setU32(lengthPtr, buffer.bytes.byteLength)) return WasmResult.InvalidMemoryAccess;
      return mem().setU32(flagsPtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_get_buffer_bytes(type: number, start: number, length: number, ptrPtr: number, sizePtr: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const buffer = constBuffer(type);
      if (buffer === null) return WasmResult.NotFound;
      start >>>= 0; length >>>= 0;
      const size = buffer.bytes.byteLength;
      if (start > size) length = 0;
      else if (start + length > size) length = size - start;
      if (length === 0) {
        return mem().setU32(ptrPtr, 0) && mem().setU32(sizePtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      }
      return mem().copyOut(buffer.bytes.subarray(start, start + length), ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_buffer_bytes(type: number, start: number, length: number, dataPtr: number, dataSize: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const buffer = constBuffer(type);
      if (buffer === null) return WasmResult.NotFound;
      const data = mem().copy(dataPtr, dataSize);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      const target = buffer.mutable;
      if (target === undefined) return WasmResult.BadArgument;
      start >>>= 0; length >>>= 0;
      // Envoy's Buffer::copyFrom: prepend, replace all, or append; nothing in between.
      const size = target.bytes.byteLength;
      if (start === 0) {
        if (length === 0) target.bytes = concatBytes(data, target.bytes);
        else if (length >= size) target.bytes = data;
        else return WasmResult.BadArgument;
      } else if (start >= size) {
        target.bytes = concatBytes(target.bytes, data);
      } else {
        return WasmResult.BadArgument;
      }
      return WasmResult.Ok;
    },

    proxy_http_call(uriPtr: number, uriSize: number, headersPtr: number, headersSize: number, bodyPtr: number, bodySize: number,
      trailersPtr: number, trailersSize: number, timeoutMs: number, tokenPtr: number): number {
      const cluster = mem().string(uriPtr, uriSize);
      const body = mem().copy(bodyPtr, bodySize);
      const headers = readPairs(headersPtr, headersSize, "proxy_http_call");
      const trailers = readPairs(trailersPtr, trailersSize, "proxy_http_call");
      if (cluster === null || body === null || headers === null || trailers === null) return WasmResult.InvalidMemoryAccess;
      if (!mem().setU32(tokenPtr, 0)) return WasmResult.InvalidMemoryAccess;
      const { result, token } = startHttpCall(vm, cluster, headers.map(([k, v]) => [lower(k), v]), body, trailers, timeoutMs | 0);
      mem().setU32(tokenPtr, token);
      return result;
    },

    proxy_grpc_call(servicePtr: number, serviceSize: number, serviceNamePtr: number, serviceNameSize: number, methodPtr: number,
      methodSize: number, metadataPtr: number, metadataSize: number, requestPtr: number, requestSize: number, timeoutMs: number, tokenPtr: number): number {
      const service = mem().copy(servicePtr, serviceSize);
      const serviceName = mem().string(serviceNamePtr, serviceNameSize);
      const method = mem().string(methodPtr, methodSize);
      const metadata = readPairs(metadataPtr, metadataSize, "proxy_grpc_call");
      const message = mem().copy(requestPtr, requestSize);
      if (service === null || serviceName === null || method === null || metadata === null || message === null) return WasmResult.InvalidMemoryAccess;
      const { result, token } = startGrpcCall(vm, service, serviceName, method, metadata, message, timeoutMs >>> 0);
      if (result !== WasmResult.Ok) return result;
      return mem().setU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_grpc_stream(servicePtr: number, serviceSize: number, serviceNamePtr: number, serviceNameSize: number, methodPtr: number,
      methodSize: number, metadataPtr: number, metadataSize: number, tokenPtr: number): number {
      const service = mem().copy(servicePtr, serviceSize);
      const serviceName = mem().string(serviceNamePtr, serviceNameSize);
      const method = mem().string(methodPtr, methodSize);
      const metadata = readPairs(metadataPtr, metadataSize, "proxy_grpc_stream");
      if (service === null || serviceName === null || method === null || metadata === null) return WasmResult.InvalidMemoryAccess;
      const { result, token } = startGrpcStream(vm, service, serviceName, method, metadata);
      if (result !== WasmResult.Ok) return result;
      return mem().setU32(tokenPtr, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_grpc_send(token: number, ptr: number, size: number, endStream: number): number {
      const message = mem().copy(ptr, size);
      if (message === null) return WasmResult.InvalidMemoryAccess;
      if ((token & 1) === 1) return WasmResult.BadArgument; // a call token: Envoy refuses sends on calls
      const stream = vm.grpcStreams.get(token >>> 0);
      if (stream === undefined) return WasmResult.NotFound;
      return stream.send(message, endStream !== 0);
    },
    proxy_grpc_cancel: (token: number): number => {
      const stream = vm.grpcStreams.get(token >>> 0);
      return stream !== undefined ? stream.cancel() : cancelGrpc(token >>> 0);
    },
    proxy_grpc_close: (token: number): number => {
      const stream = vm.grpcStreams.get(token >>> 0);
      return stream !== undefined ? stream.close() : cancelGrpc(token >>> 0);
    },

    proxy_set_tick_period_milliseconds(period: number): number {
      vm.tickCancel?.();
      vm.tickCancel = undefined;
      vm.tickPeriodMs = period >>> 0;
      if (vm.tickPeriodMs === 0) return WasmResult.Ok;
      const arm = () => {
        vm.tickCancel = rt.clock.setTimer(vm.tickPeriodMs, () => {
          if (vm.failed || vm.tickPeriodMs === 0) return;
          arm();
          vm.guard("proxy_on_tick", () => vm.call(vm.rootContextId, "proxy_on_tick", vm.rootContextId));
        });
      };
      arm();
      return WasmResult.Ok;
    },

    proxy_get_current_time_nanoseconds(ptr: number): number {
      return mem().setU64(ptr, rt.clock.nowNanos()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_define_metric(type: number, namePtr: number, nameSize: number, idPtr: number): number {
      const name = mem().string(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const { result, id } = vm.metrics.define(type >>> 0, name);
      if (result !== WasmResult.Ok) return result;
      return mem().setU32(idPtr, id!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_increment_metric(id: number, offset: bigint): number {
      return vm.metrics.increment(id >>> 0, BigInt.asIntN(64, BigInt(offset)));
    },
    proxy_record_metric(id: number, value: bigint): number {
      return vm.metrics.record(id >>> 0, BigInt.asUintN(64, BigInt(value)));
    },
    proxy_get_metric(id: number, ptr: number): number {
      const { result, value } = vm.metrics.get(id >>> 0);
      if (result !== WasmResult.Ok) return result;
      return mem().setU64(ptr, value!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_effective_context(id: number): number {
      return vm.setEffectiveContext(id >>> 0) ? WasmResult.Ok : WasmResult.BadArgument;
    },

    proxy_done(): number {
      return vm.done() ? WasmResult.Ok : WasmResult.NotFound;
    },

    proxy_call_foreign_function(namePtr: number, nameSize: number, argsPtr: number, argsSize: number, resultsPtr: number, resultsSizePtr: number): number {
      const name = mem().string(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const args = mem().copy(argsPtr, argsSize);
      if (args === null) return WasmResult.InvalidMemoryAccess;
      const fn = rt.foreignFunctions.get(name);
      if (fn === undefined) return WasmResult.NotFound;
      let out: Uint8Array;
      try {
        out = fn(args);
      } catch (e) {
        rt.log("warn", `host: foreign function "${name}" failed: ${(e as Error).message}`, vm.worker);
        return e instanceof ForeignFunctionError ? e.result : WasmResult.InternalFailure;
      }
      if (resultsPtr === 0) return WasmResult.Ok;
      return mem().copyOut(out, resultsPtr, resultsSizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_continue_stream(type: number): number {
      if (type >>> 0 > STREAM_TYPE_MAX) return WasmResult.BadArgument;
      return continueOn(type as StreamType);
    },
    proxy_close_stream(type: number): number {
      if (type >>> 0 > STREAM_TYPE_MAX) return WasmResult.BadArgument;
      const stream = streamOf();
      if (stream === undefined) return WasmResult.Ok;
      vm.defer(() => stream.closeStream(type as StreamType));
      return WasmResult.Ok;
    },
    // ABI 0.1.0
    proxy_continue_request: (): number => continueOn(StreamType.Request),
    proxy_continue_response: (): number => continueOn(StreamType.Response),
    proxy_clear_route_cache: (): number => WasmResult.Ok,
    proxy_get_configuration(ptrPtr: number, sizePtr: number): number {
      const bytes = vm.configuring ? rt.pluginConfig : rt.vmConfig;
      return mem().copyOut(bytes, ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    emscripten_notify_memory_growth: (): void => {},
  };

  /** Envoy's grpcCancel/grpcClose on a unary call: cancel it, no callback follows. */
  function cancelGrpc(token: number): number {
    const cancel = vm.pendingGrpcCalls.get(token);
    if (cancel === undefined) return WasmResult.NotFound;
    cancel();
    return WasmResult.Ok;
  }

  function continueOn(type: StreamType): number {
    if (type === StreamType.Downstream || type === StreamType.Upstream) return WasmResult.BadArgument;
    const ctx = vm.context();
    const stream = ctx?.stream;
    if (stream === undefined) {
      rt.log("warn", `host: proxy_continue_stream on root context ${ctx?.id ?? "?"} has no stream to resume (call proxy_set_effective_context with the stream's context id first)`, vm.worker);
      return WasmResult.Ok;
    }
    vm.defer(() => stream.continueStream(type));
    return WasmResult.Ok;
  }
}

