// proxy_grpc_call (unary) over the plugin's ClusterResolver, as Envoy's gRPC async client does it:
// the service names a cluster (a serialized GrpcService with envoy_grpc.cluster_name, or the bare
// cluster name Envoy also accepts), the request is one length-prefixed message POSTed to
// /<service>/<method>; success delivers proxy_on_grpc_receive, failure proxy_on_grpc_close.
import { WasmResult } from "./abi.ts";
import type { ClusterResponse, HeaderList } from "./api.ts";
import { decodeUtf8, encodeUtf8 } from "./memory.ts";
import type { WasmVm } from "./vm.ts";

/** gRPC status codes the host produces. */
export const GrpcStatus = { Ok: 0, Unknown: 2, DeadlineExceeded: 4, PermissionDenied: 7, Unimplemented: 12, Internal: 13, Unavailable: 14, Unauthenticated: 16 } as const;

/** Reads a protobuf varint at `offset`; returns [value, next offset] or null. */
function varint(bytes: Uint8Array, offset: number): [number, number] | null {
  let value = 0;
  let shift = 0;
  for (let i = offset; i < bytes.length && shift < 35; i++) {
    value += (bytes[i]! & 0x7f) * 2 ** shift;
    if ((bytes[i]! & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  return null;
}

/** Length-delimited field `field` of a protobuf message, or undefined (null when malformed). */
function lengthField(bytes: Uint8Array, field: number): Uint8Array | undefined | null {
  let offset = 0;
  let found: Uint8Array | undefined;
  while (offset < bytes.length) {
    const key = varint(bytes, offset);
    if (key === null) return null;
    offset = key[1];
    const wire = key[0] % 8;
    const number = Math.floor(key[0] / 8);
    if (number === 0) return null;
    if (wire === 0) { const v = varint(bytes, offset); if (v === null) return null; offset = v[1]; }
    else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else if (wire === 2) {
      const len = varint(bytes, offset);
      if (len === null || len[1] + len[0] > bytes.length) return null;
      if (number === field) found = bytes.subarray(len[1], len[1] + len[0]);
      offset = len[1] + len[0];
    } else return null;
    if (offset > bytes.length) return null;
  }
  return found;
}

/** The cluster a GrpcService names: envoy_grpc (field 1) → cluster_name (field 1), else the raw bytes. */
export function grpcServiceCluster(service: Uint8Array): { cluster: string; authority?: string } {
  const envoyGrpc = lengthField(service, 1);
  if (envoyGrpc) {
    const name = lengthField(envoyGrpc, 1);
    const authority = lengthField(envoyGrpc, 2);
    if (name) return { cluster: decodeUtf8(name), authority: authority ? decodeUtf8(authority) : undefined };
  }
  return { cluster: decodeUtf8(service) };
}

/**
 * grpc-message as it travels: percent-encoded UTF-8 (gRPC over HTTP/2 spec). Envoy's gRPC client
 * decodes it before the filter reads the status message; malformed escapes are kept as they are.
 */
export function decodeGrpcMessage(value: string): string {
  if (!value.includes("%")) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === "%" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...encodeUtf8(value[i]!));
    }
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

/** Envoy's Grpc::Utility::httpToGrpcStatus. */
export function httpToGrpcStatus(status: number): number {
  switch (status) {
    case 400: return GrpcStatus.Internal;
    case 401: return GrpcStatus.Unauthenticated;
    case 403: return GrpcStatus.PermissionDenied;
    case 404: return GrpcStatus.Unimplemented;
    case 429: case 502: case 503: case 504: return GrpcStatus.Unavailable;
    default: return GrpcStatus.Unknown;
  }
}

export function frame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.byteLength);
  new DataView(out.buffer).setUint32(1, message.byteLength, false);
  out.set(message, 5);
  return out;
}

export function toList(h: HeaderList | Record<string, string> | undefined): HeaderList {
  if (h === undefined) return [];
  return (Array.isArray(h) ? h : Object.entries(h)).map(([k, v]) => [k.toLowerCase(), String(v)]);
}

export function startGrpcCall(vm: WasmVm, service: Uint8Array, serviceName: string, method: string, metadata: HeaderList,
  message: Uint8Array, timeoutMs: number): { result: WasmResult; token: number } {
  const rt = vm.runtime;
  const { cluster, authority } = grpcServiceCluster(service);
  if (rt.clusters === undefined || !rt.clusters.has(cluster)) {
    rt.log("warn", `host: proxy_grpc_call to unknown cluster "${cluster}" (ParseFailure, as Envoy answers)`, vm.worker);
    return { result: WasmResult.ParseFailure, token: 0 };
  }
  const token = vm.nextGrpcToken;
  vm.nextGrpcToken += 2; // call tokens are odd, as in Envoy
  const headers: HeaderList = [
    [":method", "POST"], [":path", `/${serviceName}/${method}`], [":authority", authority ?? cluster], [":scheme", "http"],
    ["content-type", "application/grpc"], ["te", "trailers"],
    ...(timeoutMs > 0 ? [["grpc-timeout", `${timeoutMs}m`] as [string, string]] : []),
    ...metadata.map(([k, v]) => [k.toLowerCase(), v] as [string, string]),
  ];
  let settled = false;
  const root = vm.rootContextId;
  const close = (status: number, text: string) => vm.guard("proxy_on_grpc_close", () => {
    if (settled) return;
    settled = true;
    finish();
    if (vm.failed) return;
    vm.status = { code: status, message: text };
    try { vm.call(root, "proxy_on_grpc_close", root, token, status); } finally { vm.status = { code: 0, message: "" }; }
  });
  const receive = (data: Uint8Array) => vm.guard("proxy_on_grpc_receive", () => {
    if (settled) return;
    settled = true;
    finish();
    if (vm.failed) return;
    vm.grpcReceive = data;
    try { vm.call(root, "proxy_on_grpc_receive", root, token, data.byteLength); } finally { vm.grpcReceive = null; }
  });
  const cancelTimer = timeoutMs > 0 ? rt.clock.setTimer(timeoutMs, () => close(GrpcStatus.DeadlineExceeded, "timeout")) : undefined;
  const finish = () => { cancelTimer?.(); vm.pendingGrpcCalls.delete(token); };
  vm.pendingGrpcCalls.set(token, () => { settled = true; finish(); });

  const onAnswer = (answer: ClusterResponse) => {
    if (answer !== null && typeof answer === "object" && "failure" in answer) {
      return close(answer.failure === "timeout" ? GrpcStatus.DeadlineExceeded : GrpcStatus.Unavailable, answer.failure);
    }
    if (answer === null || typeof answer !== "object" || !Number.isInteger(answer.status)) {
      rt.log("warn", `host: cluster "${cluster}" answered ${JSON.stringify(answer)} to a gRPC call, not { status, headers?, body?, trailers? }`, vm.worker);
      return close(GrpcStatus.Internal, "invalid response");
    }
    const responseHeaders = toList(answer.headers);
    const trailers = toList(answer.trailers);
    const find = (name: string) => trailers.find(([k]) => k === name)?.[1] ?? responseHeaders.find(([k]) => k === name)?.[1];
    if (answer.status !== 200) return close(httpToGrpcStatus(answer.status), decodeGrpcMessage(find("grpc-message") ?? `HTTP ${answer.status}`));
    const grpcStatus = Number(find("grpc-status") ?? GrpcStatus.Unknown);
    if (grpcStatus !== GrpcStatus.Ok) return close(grpcStatus, decodeGrpcMessage(find("grpc-message") ?? ""));
    const body = answer.body === undefined ? new Uint8Array(0) : typeof answer.body === "string" ? encodeUtf8(answer.body) : answer.body;
    if (body.byteLength < 5) return close(GrpcStatus.Internal, "response has no gRPC message");
    const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(1, false);
    if (body[0] !== 0 || 5 + length > body.byteLength) return close(GrpcStatus.Internal, "malformed or compressed gRPC response frame");
    receive(body.slice(5, 5 + length));
  };
  let pending: Promise<ClusterResponse>;
  try {
    pending = Promise.resolve(rt.clusters.call({ cluster, headers, body: frame(message), trailers: [], timeoutMs }));
  } catch (error) {
    pending = Promise.reject(error);
  }
  pending.then(onAnswer).catch((error: unknown) => {
    rt.log("warn", `host: gRPC call to cluster "${cluster}" failed: ${(error as Error)?.message ?? String(error)}`, vm.worker);
    close(GrpcStatus.Unavailable, "reset");
  });
  return { result: WasmResult.Ok, token };
}
