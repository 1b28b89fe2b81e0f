// proxy_grpc_stream over the plugin's ClusterResolver. A resolver with `openStream` (the proxy's
// clusters) carries a live exchange: headers go out at once, each grpc_send as it happens, and
// answers reach the filter as they arrive. Otherwise (canned test resolvers) the stream is sent
// whole when the filter half-closes it and the answer replayed. Either way the answer runs through
// one receiver that reproduces Envoy's Grpc::AsyncStreamImpl callbacks: initial metadata, each
// message, trailing metadata, then close with the status.
import { WasmResult } from "./abi.ts";
import type { ClusterResponse, ClusterStream, ClusterStreamHandlers, HeaderList } from "./api.ts";
import { GrpcStatus, decodeGrpcMessage, frame, grpcServiceCluster, httpToGrpcStatus, toList } from "./grpc-call.ts";
import { GrpcFrameDecoder } from "./grpc-frames.ts";
import { concatBytes, encodeUtf8 } from "./memory.ts";
import type { WasmVm } from "./vm.ts";

export interface GrpcStreamHandle {
  send(message: Uint8Array, endStream: boolean): WasmResult;
  /** Envoy's grpcClose: half-close the first time, reset afterwards. */
  close(): WasmResult;
  /** Envoy's grpcCancel: reset, no callbacks follow. */
  cancel(): WasmResult;
}

function find(list: HeaderList, name: string): string | undefined {
  return list.find(([k]) => k === name)?.[1];
}

/** Delivers one stream's answer to the VM exactly as Envoy's gRPC async stream does. */
class GrpcStreamReceiver implements ClusterStreamHandlers {
  private readonly frames = new GrpcFrameDecoder();
  private headersSeen = false;

  constructor(private readonly vm: WasmVm, private readonly token: number, private readonly isOpen: () => boolean,
    private readonly onClosed: () => void) {}

  private callback(name: string, fn: () => void): void {
    this.vm.guard(name, () => { if (this.isOpen()) fn(); });
  }

  private initialMetadata(metadata: HeaderList): void {
    const vm = this.vm;
    vm.grpcMetadata = metadata;
    try { vm.call(vm.rootContextId, "proxy_on_grpc_receive_initial_metadata", vm.rootContextId, this.token, metadata.length); } finally { vm.grpcMetadata = null; }
  }

  private remoteClose(trailers: HeaderList, status: number, message: string): void {
    const vm = this.vm;
    vm.grpcTrailingMetadata = trailers;
    try { vm.call(vm.rootContextId, "proxy_on_grpc_receive_trailing_metadata", vm.rootContextId, this.token, trailers.length); } finally { vm.grpcTrailingMetadata = null; }
    if (!this.isOpen()) return;
    this.onClosed();
    vm.status = { code: status, message };
    try { vm.call(vm.rootContextId, "proxy_on_grpc_close", vm.rootContextId, this.token, status); } finally { vm.status = { code: 0, message: "" }; }
  }

  /** Envoy's onTrailers: trailing metadata, then close with grpc-status (Unknown when absent). */
  private trailersClose(trailers: HeaderList): void {
    const status = find(trailers, "grpc-status");
    this.remoteClose(trailers, status === undefined ? GrpcStatus.Unknown : Number(status), decodeGrpcMessage(find(trailers, "grpc-message") ?? ""));
  }

  /** Envoy's streamError: empty trailing metadata, then close with `status`. */
  private streamError(status: number, message = ""): void {
    this.remoteClose([], status, message);
  }

  /** Envoy's AsyncStreamImpl::onHeaders; `endStream` marks a trailers-only answer. */
  onHeaders(status: number, headers: HeaderList, endStream = false): void {
    this.headersSeen = true;
    this.callback("proxy_on_grpc_receive_initial_metadata", () => {
      const trailersOnly = endStream && (status === 200 || find(headers, "grpc-status") !== undefined);
      if (status === 200 && !endStream) return this.initialMetadata([[":status", "200"], ...headers]);
      this.initialMetadata([]);
      if (!this.isOpen()) return;
      if (trailersOnly) this.trailersClose([[":status", String(status)], ...headers]);
      else this.streamError(httpToGrpcStatus(status));
    });
  }

  onData(chunk: Uint8Array): void {
    this.callback("proxy_on_grpc_receive", () => {
      const messages = this.frames.push(chunk);
      if (messages === null) return this.streamError(GrpcStatus.Internal);
      for (const message of messages) {
        if (!this.isOpen()) return;
        const vm = this.vm;
        vm.grpcReceive = message;
        try { vm.call(vm.rootContextId, "proxy_on_grpc_receive", vm.rootContextId, this.token, message.byteLength); } finally { vm.grpcReceive = null; }
      }
    });
  }

  onEnd(trailers: HeaderList): void {
    this.callback("proxy_on_grpc_close", () => {
      if (trailers.length > 0) return this.trailersClose(trailers);
      // No trailers after a body: Envoy's onData(end_stream) → streamError(Unknown).
      this.streamError(GrpcStatus.Unknown);
    });
  }

  onError(): void {
    // Before any answer Envoy's router answers a gRPC request with a trailers-only 14 ("upstream
    // connect error…"); a reset mid-answer is Envoy's onReset → Internal.
    this.callback("proxy_on_grpc_close", () => {
      if (this.headersSeen) this.streamError(GrpcStatus.Internal);
      else this.remoteClose([], GrpcStatus.Unavailable, "upstream connect error or disconnect/reset before headers");
    });
  }

  /** A whole answer from a resolver without live streams, replayed event by event. */
  replay(answer: ClusterResponse): void {
    if (answer !== null && typeof answer === "object" && "failure" in answer) {
      const status = answer.failure === "timeout" ? GrpcStatus.DeadlineExceeded : GrpcStatus.Unavailable;
      return this.callback("proxy_on_grpc_close", () => this.remoteClose([], status, answer.failure));
    }
    if (answer === null || typeof answer !== "object" || !Number.isInteger(answer.status)) {
      return this.callback("proxy_on_grpc_close", () => this.streamError(GrpcStatus.Internal, "invalid response"));
    }
    const headers = toList(answer.headers);
    const body = answer.body === undefined ? new Uint8Array(0) : typeof answer.body === "string" ? encodeUtf8(answer.body) : answer.body;
    const trailers = toList(answer.trailers);
    const headersOnly = body.byteLength === 0 && trailers.length === 0;
    this.onHeaders(answer.status, headers, headersOnly);
    if (headersOnly || answer.status !== 200) return;
    if (body.byteLength > 0) this.onData(body);
    this.onEnd(trailers);
  }
}
export function startGrpcStream(vm: WasmVm, service: Uint8Array, serviceName: string, method: string, metadata: HeaderList): { result: WasmResult; token: number } {
  const rt = vm.runtime;
  const { cluster, authority } = grpcServiceCluster(service);
  if (rt.clusters === undefined || !rt.clusters.has(cluster)) {
    rt.log("warn", `host: proxy_grpc_stream to unknown cluster "${cluster}" (ParseFailure, as Envoy answers)`, vm.worker);
    return { result: WasmResult.ParseFailure, token: 0 };
  }
  const clusters = rt.clusters;
  const token = vm.nextGrpcStreamToken;
  vm.nextGrpcStreamToken += 2; // stream tokens are even, as in Envoy
  const headers: HeaderList = [
    [":method", "POST"], [":path", `/${serviceName}/${method}`], [":authority", authority ?? cluster], [":scheme", "http"],
    ["content-type", "application/grpc"], ["te", "trailers"],
    ...metadata.map(([k, v]) => [k.toLowerCase(), v] as [string, string]),
  ];
  let localClosed = false;
  let done = false;
  const end = () => { done = true; vm.grpcStreams.delete(token); };
  const receiver = new GrpcStreamReceiver(vm, token, () => !done && !vm.failed, end);

  let live: ClusterStream | null = null;
  if (clusters.openStream) {
    try {
      live = clusters.openStream(cluster, headers, receiver);
    } catch (error) {
      rt.log("warn", `host: gRPC stream to cluster "${cluster}" could not start: ${(error as Error).message}`, vm.worker);
      // Reported on the next turn, as Envoy reports a failed stream after grpc_stream returned.
      queueMicrotask(() => receiver.onError());
    }
  }

  let body: Uint8Array = new Uint8Array(0);
  const dispatchWhole = () => {
    let pending: Promise<ClusterResponse>;
    try {
      pending = Promise.resolve(clusters.call({ cluster, headers, body, trailers: [], timeoutMs: 0 }));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then((answer) => receiver.replay(answer)).catch((error: unknown) => {
      rt.log("warn", `host: gRPC stream to cluster "${cluster}" failed: ${(error as Error)?.message ?? String(error)}`, vm.worker);
      receiver.replay({ failure: "reset" });
    });
  };
  const halfClose = () => {
    localClosed = true;
    if (live) live.end();
    else if (!clusters.openStream) dispatchWhole();
  };

  vm.grpcStreams.set(token, {
    send(message, endStream) {
      if (localClosed) return WasmResult.BadArgument;
      if (live) live.write(frame(message));
      else body = concatBytes(body, frame(message));
      if (endStream) halfClose();
      return WasmResult.Ok;
    },
    close() {
      if (!localClosed) { halfClose(); return WasmResult.Ok; }
      live?.destroy();
      end();
      return WasmResult.Ok;
    },
    cancel() {
      live?.destroy();
      end();
      return WasmResult.Ok;
    },
  });
  return { result: WasmResult.Ok, token };
}
