// proxy_http_call: a call to a named cluster through the plugin's ClusterResolver. The answer is
// delivered to the calling VM's root context. As in Envoy, whose AsyncClient runs the router: a
// timeout is the router's 504 local reply, delivered as a response (onSuccess); only a reset is a
// failure (onFailure: no headers, no body, proxy_get_status BrokenConnection "reset").
import { WasmResult } from "./abi.ts";
import type { ClusterResponse, HeaderList } from "./api.ts";
import { localReplyRequest, prepareLocalReply } from "./local-reply.ts";
import { encodeUtf8 } from "./memory.ts";
import type { CallResponse, WasmVm } from "./vm.ts";

/** The router's answer when the call's timeout passes (Router::Filter::onUpstreamTimeoutAbort). */
function timeoutResponse(requestHeaders: HeaderList): CallResponse {
  const reply = prepareLocalReply(504, encodeUtf8("upstream request timeout"), [], localReplyRequest(requestHeaders));
  return { headers: reply.headers, body: reply.body, trailers: [] };
}

function toHeaderList(headers: HeaderList | Record<string, string> | undefined): HeaderList {
  if (headers === undefined) return [];
  const list = Array.isArray(headers) ? headers : Object.entries(headers);
  return list.map(([k, v]) => [k.toLowerCase(), String(v)]);
}

export function startHttpCall(vm: WasmVm, cluster: string, headers: HeaderList, body: Uint8Array, trailers: HeaderList, timeoutMs: number): { result: WasmResult; token: number } {
  const rt = vm.runtime;
  if (timeoutMs < 0) return { result: WasmResult.BadArgument, token: 0 };
  if (rt.clusters === undefined || !rt.clusters.has(cluster)) {
    rt.log("warn", `host: proxy_http_call to unknown cluster "${cluster}" (BadArgument, as Envoy answers)`, vm.worker);
    return { result: WasmResult.BadArgument, token: 0 };
  }
  for (const required of [":path", ":method", ":authority"]) {
    if (!headers.some(([k]) => k === required)) {
      rt.log("warn", `host: proxy_http_call without a ${required} header (BadArgument, as Envoy answers)`, vm.worker);
      return { result: WasmResult.BadArgument, token: 0 };
    }
  }
  if (body.byteLength > 0 && !headers.some(([k]) => k === "content-length")) headers.push(["content-length", String(body.byteLength)]);
  const token = vm.nextCallToken++;
  let settled = false;
  /** `null`: Envoy's onHttpCallFailure (a reset). */
  const deliver = (response: CallResponse | null) => vm.guard("proxy_on_http_call_response", () => deliverNow(response));
  const deliverNow = (response: CallResponse | null) => {
    if (settled) return;
    settled = true;
    cancelTimer?.();
    vm.pendingCalls.delete(token);
    if (vm.failed) return;
    const root = vm.rootContextId;
    if (response === null) {
      vm.status = { code: WasmResult.BrokenConnection, message: "reset" };
      try {
        vm.call(root, "proxy_on_http_call_response", root, token, 0, 0, 0);
      } finally {
        vm.status = { code: 0, message: "" };
      }
      return;
    }
    vm.callResponse = response;
    try {
      vm.call(root, "proxy_on_http_call_response", root, token, response.headers.length, response.body.byteLength, response.trailers.length);
    } finally {
      vm.callResponse = null;
    }
  };
  const cancelTimer = timeoutMs > 0 ? rt.clock.setTimer(timeoutMs, () => deliver(timeoutResponse(headers))) : undefined;
  vm.pendingCalls.set(token, () => { settled = true; cancelTimer?.(); });
  const onAnswer = (answer: ClusterResponse) => {
    if (answer !== null && typeof answer === "object" && "failure" in answer) return deliver(answer.failure === "timeout" ? timeoutResponse(headers) : null);
    if (answer === null || typeof answer !== "object" || !Number.isInteger(answer.status)) {
      rt.log("warn", `host: cluster "${cluster}" answered ${JSON.stringify(answer)}, not { status, headers?, body?, trailers? } or { failure }; delivered as a reset`, vm.worker);
      return deliver(null);
    }
    const responseHeaders: HeaderList = [[":status", String(answer.status)], ...toHeaderList(answer.headers).filter(([k]) => k !== ":status")];
    const responseBody = answer.body === undefined ? new Uint8Array(0) : typeof answer.body === "string" ? encodeUtf8(answer.body) : answer.body;
    deliver({ headers: responseHeaders, body: responseBody, trailers: toHeaderList(answer.trailers) });
  };
  let pending: Promise<ClusterResponse>;
  try {
    pending = Promise.resolve(rt.clusters.call({ cluster, headers, body, trailers, timeoutMs }));
  } catch (error) {
    pending = Promise.reject(error);
  }
  pending.then(onAnswer).catch((error: unknown) => {
    rt.log("warn", `host: cluster "${cluster}" call failed: ${(error as Error)?.message ?? String(error)}`, vm.worker);
    deliver(null);
  });
  return { result: WasmResult.Ok, token };
}
