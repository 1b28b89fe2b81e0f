// SDK paths the embedded host does not serve yet — gRPC calls/streams and network (TCP) stream
// contexts — driven callback by callback through a scripted host (support/raw-host.ts) in the
// order Envoy calls them, checking what the SDK sends and how it dispatches the answers.
import { beforeEach, describe, expect, it } from "vitest";
import { buildWasm } from "../support/build.ts";
import { RawHost } from "./support/raw-host.ts";

const ROOT = 1;
const enc = new TextEncoder();

async function startedHost(): Promise<RawHost> {
  const host = await RawHost.load(await buildWasm("test/fixtures/kitchen-sink/index.ts"));
  host.exports.proxy_on_context_create(ROOT, 0);
  expect(host.exports.proxy_on_vm_start(ROOT, 0)).toBe(1);
  expect(host.exports.proxy_on_configure(ROOT, 0)).toBe(1);
  return host;
}

/** Starts HTTP stream `id` with x-op `op`; returns the action of proxy_on_request_headers. */
function requestWithOp(host: RawHost, id: number, op: string): number {
  host.exports.proxy_on_context_create(id, ROOT);
  host.maps.set(0, [[":method", "GET"], [":path", "/"], [":authority", "h"], ["x-op", op]]);
  return host.exports.proxy_on_request_headers(id, 4, 1);
}

describe("gRPC through the SDK", () => {
  let host: RawHost;
  beforeEach(async () => {
    host = await startedHost();
  });

  it("a unary call sends cluster/service/method/metadata/message; its one response ends it with close(0), as Envoy sends no close", () => {
    expect(requestWithOp(host, 2, "grpc-call")).toBe(1); // paused
    expect(host.grpcCalls).toEqual([{ token: 101, cluster: "grpc", service: "kitchen.Sink", method: "Echo", metadata: [["x-meta", "1"]], message: "ping", timeoutMs: 1000 }]);
    host.buffers.set(5, enc.encode("pong"));
    host.exports.proxy_on_grpc_receive(ROOT, 101, 4);
    expect(host.localResponses).toHaveLength(1);
    expect(JSON.parse(host.localResponses[0]!.body)).toEqual({
      status_code: 0, status_message: "", messages: ["pong"], initial_metadata: [], trailing_metadata: [],
    });
    // The call is over: a stray close for its token reaches no handler.
    host.exports.proxy_on_grpc_close(ROOT, 101, 13);
    expect(host.localResponses).toHaveLength(1);
  });

  it("a failed call reports its status code and message at close", () => {
    requestWithOp(host, 2, "grpc-call");
    host.status = { code: 14, message: "upstream connect error" };
    host.exports.proxy_on_grpc_close(2, 101, 14);
    expect(JSON.parse(host.localResponses[0]!.body)).toMatchObject({ status_code: 14, status_message: "upstream connect error", messages: [] });
  });

  it("a stream sends messages with end_of_stream on the last and dispatches replies to its handler", () => {
    requestWithOp(host, 2, "grpc-stream");
    expect(host.grpcCalls[0]).toMatchObject({ token: 101, service: "kitchen.Sink", method: "Chat", metadata: [["x-meta", "1"]] });
    expect(host.grpcSends).toEqual([{ token: 101, message: "one", end: false }, { token: 101, message: "two", end: true }]);
    for (const reply of ["a", "b"]) {
      host.buffers.set(5, enc.encode(reply));
      host.exports.proxy_on_grpc_receive(2, 101, 1);
    }
    host.exports.proxy_on_grpc_close(2, 101, 0);
    expect(JSON.parse(host.localResponses[0]!.body).messages).toEqual(["a", "b"]);
  });

  it("cancel and close reach the host with the call's token", () => {
    requestWithOp(host, 2, "grpc-cancel");
    expect(host.grpcCancelled).toEqual([101]);
    expect(JSON.parse(host.localResponses[0]!.body)).toEqual({ token: 101, cancel: "Ok" });
    requestWithOp(host, 3, "grpc-close");
    expect(host.grpcClosed).toEqual([102]);
  });

  it("answers for unknown or finished tokens are ignored, not trapped on", () => {
    host.exports.proxy_on_grpc_receive(2, 999, 0);
    host.exports.proxy_on_grpc_close(2, 999, 0);
    requestWithOp(host, 2, "grpc-call");
    host.exports.proxy_on_grpc_close(2, 101, 0);
    host.exports.proxy_on_grpc_close(2, 101, 0); // a second close for the same token
    expect(host.localResponses).toHaveLength(1);
  });

  it("a deleted stream's pending calls are dropped: a late answer does nothing", () => {
    requestWithOp(host, 2, "grpc-call");
    host.exports.proxy_on_log(2);
    host.exports.proxy_on_done(2);
    host.exports.proxy_on_delete(2);
    host.exports.proxy_on_grpc_close(2, 101, 0);
    expect(host.localResponses).toHaveLength(0);
    requestWithOp(host, 3, "live-contexts");
    expect(JSON.parse(host.localResponses[0]!.body)).toEqual({ live: 2, http_calls: 0, grpc_calls: 0 });
  });
});

describe("network (TCP) stream contexts through the SDK", () => {
  it("dispatches connection callbacks to the root's StreamContext and closes on request", async () => {
    const host = await startedHost();
    host.exports.proxy_on_context_create(5, ROOT);
    expect(host.exports.proxy_on_new_connection(5)).toBe(0);
    expect(host.logs.map((l) => l.message)).toContain("kitchen-sink connection");
    host.buffers.set(2, enc.encode("hello"));
    expect(host.exports.proxy_on_downstream_data(5, 5, 0)).toBe(0);
    expect(host.closedStreams).toEqual([]);
    host.buffers.set(2, enc.encode("close now"));
    expect(host.exports.proxy_on_downstream_data(5, 9, 0)).toBe(0);
    expect(host.closedStreams).toEqual([2]); // StreamType.Downstream
    host.buffers.set(3, enc.encode("from upstream"));
    expect(host.exports.proxy_on_upstream_data(5, 13, 1)).toBe(0);
    host.exports.proxy_on_downstream_connection_close(5, 2);
    expect(host.logs.map((l) => l.message)).toContain("kitchen-sink downstream closed by 2");
    expect(host.exports.proxy_on_done(5)).toBe(1);
    host.exports.proxy_on_log(5);
    host.exports.proxy_on_delete(5);
  });
});
