// proxy_grpc_stream over the request/response ClusterResolver. The resolver answers whole
// exchanges, so a stream is sent when the filter half-closes it (grpc_send with end_stream, or
// grpc_close) and the answer is replayed as Envoy's callbacks: initial metadata, each message,
// trailing metadata, close. Interleaved (ping-pong) streaming is not modelled.
import { WasmResult } from "./abi.ts";
import type { ClusterResponse, HeaderList } from "./api.ts";
import { GrpcStatus, decodeGrpcMessage, frame, grpcServiceCluster, httpToGrpcStatus, toList } from "./grpc-call.ts";
import { concatBytes, encodeUtf8 } from "./memory.ts";
import type { WasmVm } from "./vm.ts";

export interface GrpcStreamHandle {
  send(message: Uint8Array, endStream: boolean): WasmResult;
  /** Envoy's grpcClose: half-close the first time, reset afterwards. */
  close(): WasmResult;
  /** Envoy's grpcCancel: reset, no callbacks follow. */
  cancel(): WasmResult;
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
  const root = vm.rootContextId;
  const headers: HeaderList = [
    [":method", "POST"], [":path", `/${serviceName}/${method}`], [":authority", authority ?? cluster], [":scheme", "http"],
    ["content-type", "application/grpc"], ["te", "trailers"],
    ...metadata.map(([k, v]) => [k.toLowerCase(), v] as [string, string]),
  ];
  let body: Uint8Array = new Uint8Array(0);
  let localClosed = false;
  let done = false;

  const alive = () => !done && !vm.failed;
  const end = () => { done = true; vm.grpcStreams.delete(token); };
  const closeWith = (status: number, message: string) => {
    if (!alive()) return;
    end();
    vm.status = { code: status, message };
    try { vm.call(root, "proxy_on_grpc_close", root, token, status); } finally { vm.status = { code: 0, message: "" }; }
  };

  const replay = (answer: ClusterResponse) => vm.guard("gRPC stream callbacks", () => {
    if (!alive()) return;
    if (answer !== null && typeof answer === "object" && "failure" in answer) {
      return closeWith(answer.failure === "timeout" ? GrpcStatus.DeadlineExceeded : GrpcStatus.Unavailable, answer.failure);
    }
    if (answer === null || typeof answer !== "object" || !Number.isInteger(answer.status)) return closeWith(GrpcStatus.Internal, "invalid response");
    const initial: HeaderList = [[":status", String(answer.status)], ...toList(answer.headers)];
    const trailing = toList(answer.trailers);
    const find = (name: string) => trailing.find(([k]) => k === name)?.[1] ?? initial.find(([k]) => k === name)?.[1];
    if (answer.status !== 200) return closeWith(httpToGrpcStatus(answer.status), decodeGrpcMessage(find("grpc-message") ?? `HTTP ${answer.status}`));
    vm.grpcMetadata = initial;
    try { vm.call(root, "proxy_on_grpc_receive_initial_metadata", root, token, initial.length); } finally { vm.grpcMetadata = null; }
    const data = answer.body === undefined ? new Uint8Array(0) : typeof answer.body === "string" ? encodeUtf8(answer.body) : answer.body;
    let offset = 0;
    while (offset + 5 <= data.byteLength && alive()) {
      const length = new DataView(data.buffer, data.byteOffset + offset + 1, 4).getUint32(0, false);
      if (data[offset] !== 0 || offset + 5 + length > data.byteLength) return closeWith(GrpcStatus.Internal, "malformed or compressed gRPC response frame");
      vm.grpcReceive = data.slice(offset + 5, offset + 5 + length);
      try { vm.call(root, "proxy_on_grpc_receive", root, token, length); } finally { vm.grpcReceive = null; }
      offset += 5 + length;
    }
    if (!alive()) return;
    if (trailing.length > 0) {
      vm.grpcTrailingMetadata = trailing;
      try { vm.call(root, "proxy_on_grpc_receive_trailing_metadata", root, token, trailing.length); } finally { vm.grpcTrailingMetadata = null; }
    }
    closeWith(Number(find("grpc-status") ?? GrpcStatus.Unknown), decodeGrpcMessage(find("grpc-message") ?? ""));
  });

  const dispatch = () => {
    let pending: Promise<ClusterResponse>;
    try {
      pending = Promise.resolve(clusters.call({ cluster, headers, body, trailers: [], timeoutMs: 0 }));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(replay).catch((error: unknown) => {
      rt.log("warn", `host: gRPC stream to cluster "${cluster}" failed: ${(error as Error)?.message ?? String(error)}`, vm.worker);
      vm.guard("proxy_on_grpc_close", () => closeWith(GrpcStatus.Unavailable, "reset"));
    });
  };

  vm.grpcStreams.set(token, {
    send(message, endStream) {
      if (localClosed) return WasmResult.BadArgument;
      body = concatBytes(body, frame(message));
      if (endStream) { localClosed = true; dispatch(); }
      return WasmResult.Ok;
    },
    close() {
      if (!localClosed) { localClosed = true; dispatch(); return WasmResult.Ok; }
      end();
      return WasmResult.Ok;
    },
    cancel() {
      end();
      return WasmResult.Ok;
    },
  });
  return { result: WasmResult.Ok, token };
}
