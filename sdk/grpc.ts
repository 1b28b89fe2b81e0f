// Outbound gRPC: unary calls (proxy_grpc_call) and streams (proxy_grpc_stream), with answers
// delivered to a GrpcHandler. Messages are raw protobuf bytes; encode them with your own codec.
import * as host from "./abi/hostcalls";
import { BufferType, MapType, Status } from "./abi/enums";
import { HeaderPair } from "./abi/memory";
import { BaseContext } from "./context/base";

/**
 * Receives gRPC events for one call or stream; override what you need. Every call and stream ends
 * with exactly one onClose. A unary call answers with onMessage then onClose(0) on success (Envoy
 * sends no close for a successful unary call, so the SDK completes it) or onClose(status) alone.
 */
export class GrpcHandler {
  onInitialMetadata(token: u32, metadata: HeaderPair[]): void {}
  onMessage(token: u32, message: ArrayBuffer): void {}
  onTrailingMetadata(token: u32, metadata: HeaderPair[]): void {}
  /** The call ended: `status` is the gRPC status code, `message` its text. */
  onClose(token: u32, status: u32, message: string): void {}
}

class PendingGrpc {
  constructor(readonly context: BaseContext, readonly handler: GrpcHandler, readonly unary: bool) {}
}

const pending = new Map<u32, PendingGrpc>();

/** Unary call; returns its token or 0 (lastStatus() says why). */
export function grpcCall(
  context: BaseContext, cluster: string, service: string, method: string, metadata: HeaderPair[],
  message: ArrayBuffer, timeoutMs: u32, handler: GrpcHandler,
): u32 {
  context.makeEffective();
  const token = host.grpcCall(cluster, service, method, metadata, message, timeoutMs);
  if (host.lastStatus() == Status.Ok) pending.set(token, new PendingGrpc(context, handler, true));
  return token;
}

/** An open gRPC stream. */
export class GrpcStream {
  constructor(readonly token: u32, private readonly context: BaseContext) {}

  send(message: ArrayBuffer, endOfStream: bool = false): Status {
    this.context.makeEffective();
    return host.grpcSend(this.token, message, endOfStream);
  }

  /** Half-closes (graceful end) the stream. */
  close(): Status {
    this.context.makeEffective();
    return host.grpcClose(this.token);
  }

  cancel(): Status {
    this.context.makeEffective();
    const status = host.grpcCancel(this.token);
    pending.delete(this.token);
    return status;
  }
}

/** Opens a stream; null when the host refused it (lastStatus() says why). */
export function grpcStream(
  context: BaseContext, cluster: string, service: string, method: string, metadata: HeaderPair[], handler: GrpcHandler,
): GrpcStream | null {
  context.makeEffective();
  const token = host.grpcStream(cluster, service, method, metadata);
  if (host.lastStatus() != Status.Ok) return null;
  pending.set(token, new PendingGrpc(context, handler, false));
  return new GrpcStream(token, context);
}

/** Cancels a unary call. */
export function grpcCancel(token: u32): Status {
  pending.delete(token);
  return host.grpcCancel(token);
}

/** Drops calls and streams of a deleted context (Envoy cancels them with it). */
export function forgetGrpcCallsOf(contextId: u32): void {
  const tokens = pending.keys();
  for (let i = 0; i < tokens.length; i++) {
    if (pending.get(tokens[i]).context.id == contextId) pending.delete(tokens[i]);
  }
}

/** Number of gRPC calls and streams waiting for answers. */
export function pendingGrpcCalls(): i32 {
  return pending.size;
}

// ---- delivery, called by the ABI exports ----

export function deliverGrpcInitialMetadata(token: u32, count: u32): void {
  if (!pending.has(token)) return;
  const metadata = count > 0 ? host.getHeaderMapPairs(MapType.GrpcReceiveInitialMetadata) : new Array<HeaderPair>();
  pending.get(token).handler.onInitialMetadata(token, metadata);
}

export function deliverGrpcMessage(token: u32, size: u32): void {
  if (!pending.has(token)) return;
  const message = size > 0 ? host.getBufferBytes(BufferType.GrpcReceiveBuffer, 0, size) : new ArrayBuffer(0);
  const call = pending.get(token);
  // A unary call's response is its end: Envoy forgets the call here and calls no close.
  if (call.unary) pending.delete(token);
  call.handler.onMessage(token, message);
  if (call.unary) call.handler.onClose(token, 0, "");
}

export function deliverGrpcTrailingMetadata(token: u32, count: u32): void {
  if (!pending.has(token)) return;
  const metadata = count > 0 ? host.getHeaderMapPairs(MapType.GrpcReceiveTrailingMetadata) : new Array<HeaderPair>();
  pending.get(token).handler.onTrailingMetadata(token, metadata);
}

export function deliverGrpcClose(token: u32, status: u32): void {
  if (!pending.has(token)) return;
  const call = pending.get(token);
  pending.delete(token);
  const detail = host.getStatus();
  call.handler.onClose(token, status, detail.message);
}
