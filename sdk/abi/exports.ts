// Every callback Envoy calls on a proxy-wasm 0.2.1 module. Only the ENTRY file's exports become
// wasm exports, so a filter's entry re-exports these: `export * from "<sdk>/exports"`.
import { Action, PeerType, BufferType } from "./enums";
import { allocateForHost } from "./memory";
import { enterContext } from "../context/current";
import { callbackStarted, callbackFinished } from "./collector";
import { Configuration } from "../context/configuration";
import * as registry from "../context/registry";
import { deliverHttpCallResponse, forgetHttpCallsOf } from "../http-call";
import { deliverGrpcClose, deliverGrpcInitialMetadata, deliverGrpcMessage, deliverGrpcTrailingMetadata, forgetGrpcCallsOf } from "../grpc";

/** Declares the ABI version; Envoy selects its 0.2.1 behaviour by this export's presence. */
export function proxy_abi_version_0_2_1(): void {}

/** The host allocates the blocks it returns data in with this. */
export function malloc(size: usize): usize {
  return allocateForHost(size);
}

export function proxy_on_memory_allocate(size: usize): usize {
  return allocateForHost(size);
}

// Each callback tells the collector when it starts and ends (collector.ts): the end of the
// outermost one is where garbage is collected, since no frame then holds a reference.

// ---- lifecycle ----

export function proxy_on_context_create(contextId: u32, parentContextId: u32): void {
  callbackStarted();
  enterContext(contextId);
  registry.onContextCreate(contextId, parentContextId);
  callbackFinished();
}

export function proxy_on_vm_start(rootContextId: u32, vmConfigurationSize: u32): bool {
  callbackStarted();
  enterContext(rootContextId);
  const result = registry.rootContext(rootContextId).onVmStart(new Configuration(BufferType.VmConfiguration, vmConfigurationSize));
  callbackFinished();
  return result;
}

export function proxy_on_configure(rootContextId: u32, pluginConfigurationSize: u32): bool {
  callbackStarted();
  enterContext(rootContextId);
  const result = registry.rootContext(rootContextId).onConfigure(new Configuration(BufferType.PluginConfiguration, pluginConfigurationSize));
  callbackFinished(true);
  return result;
}

export function proxy_on_tick(rootContextId: u32): void {
  callbackStarted();
  enterContext(rootContextId);
  registry.rootContext(rootContextId).onTick();
  callbackFinished();
}

export function proxy_on_queue_ready(rootContextId: u32, queueId: u32): void {
  callbackStarted();
  enterContext(rootContextId);
  registry.rootContext(rootContextId).onQueueReady(queueId);
  callbackFinished();
}

export function proxy_on_foreign_function(rootContextId: u32, functionId: u32, argumentsSize: u32): void {
  callbackStarted();
  enterContext(rootContextId);
  registry.rootContext(rootContextId).onForeignFunction(functionId, argumentsSize);
  callbackFinished();
}

export function proxy_on_log(contextId: u32): void {
  callbackStarted();
  enterContext(contextId);
  const context = registry.anyContext(contextId);
  if (context !== null) context.onLog();
  callbackFinished();
}

export function proxy_on_done(contextId: u32): bool {
  callbackStarted();
  enterContext(contextId);
  const context = registry.anyContext(contextId);
  const result = context !== null ? context.onDone() : true;
  callbackFinished();
  return result;
}

export function proxy_on_delete(contextId: u32): void {
  callbackStarted();
  enterContext(contextId);
  const context = registry.anyContext(contextId);
  if (context !== null) context.onDelete();
  registry.forgetContext(contextId);
  forgetHttpCallsOf(contextId);
  forgetGrpcCallsOf(contextId);
  callbackFinished();
}

// ---- HTTP streams ----

export function proxy_on_request_headers(contextId: u32, numHeaders: u32, endOfStream: bool): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.httpContext(contextId).onRequestHeaders(numHeaders, endOfStream);
  callbackFinished();
  return result;
}

export function proxy_on_request_body(contextId: u32, bodySize: u32, endOfStream: bool): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.httpContext(contextId).onRequestBody(bodySize, endOfStream);
  callbackFinished();
  return result;
}

export function proxy_on_request_trailers(contextId: u32, numTrailers: u32): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.httpContext(contextId).onRequestTrailers(numTrailers);
  callbackFinished();
  return result;
}

export function proxy_on_response_headers(contextId: u32, numHeaders: u32, endOfStream: bool): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.httpContext(contextId).onResponseHeaders(numHeaders, endOfStream);
  callbackFinished();
  return result;
}

export function proxy_on_response_body(contextId: u32, bodySize: u32, endOfStream: bool): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.httpContext(contextId).onResponseBody(bodySize, endOfStream);
  callbackFinished();
  return result;
}

export function proxy_on_response_trailers(contextId: u32, numTrailers: u32): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.httpContext(contextId).onResponseTrailers(numTrailers);
  callbackFinished();
  return result;
}

// ---- network streams ----

export function proxy_on_new_connection(contextId: u32): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.streamContext(contextId).onNewConnection();
  callbackFinished();
  return result;
}

export function proxy_on_downstream_data(contextId: u32, dataSize: u32, endOfStream: bool): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.streamContext(contextId).onDownstreamData(dataSize, endOfStream);
  callbackFinished();
  return result;
}

export function proxy_on_upstream_data(contextId: u32, dataSize: u32, endOfStream: bool): Action {
  callbackStarted();
  enterContext(contextId);
  const result = registry.streamContext(contextId).onUpstreamData(dataSize, endOfStream);
  callbackFinished();
  return result;
}

export function proxy_on_downstream_connection_close(contextId: u32, peerType: u32): void {
  callbackStarted();
  enterContext(contextId);
  registry.streamContext(contextId).onDownstreamConnectionClose(<PeerType>peerType);
  callbackFinished();
}

export function proxy_on_upstream_connection_close(contextId: u32, peerType: u32): void {
  callbackStarted();
  enterContext(contextId);
  registry.streamContext(contextId).onUpstreamConnectionClose(<PeerType>peerType);
  callbackFinished();
}

// ---- outbound call answers ----

export function proxy_on_http_call_response(contextId: u32, token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
  callbackStarted();
  enterContext(contextId);
  deliverHttpCallResponse(contextId, token, numHeaders, bodySize, numTrailers);
  callbackFinished();
}

export function proxy_on_grpc_receive_initial_metadata(contextId: u32, token: u32, numHeaders: u32): void {
  callbackStarted();
  enterContext(contextId);
  deliverGrpcInitialMetadata(token, numHeaders);
  callbackFinished();
}

export function proxy_on_grpc_receive(contextId: u32, token: u32, responseSize: u32): void {
  callbackStarted();
  enterContext(contextId);
  deliverGrpcMessage(token, responseSize);
  callbackFinished();
}

export function proxy_on_grpc_receive_trailing_metadata(contextId: u32, token: u32, numTrailers: u32): void {
  callbackStarted();
  enterContext(contextId);
  deliverGrpcTrailingMetadata(token, numTrailers);
  callbackFinished();
}

export function proxy_on_grpc_close(contextId: u32, token: u32, statusCode: u32): void {
  callbackStarted();
  enterContext(contextId);
  deliverGrpcClose(token, statusCode);
  callbackFinished();
}
