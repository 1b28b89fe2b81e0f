// Unary proxy_grpc_call through a named cluster: request framing and metadata, success delivered to
// proxy_on_grpc_receive, errors and timeouts to proxy_on_grpc_close with the gRPC status, cancel.
import { afterEach, describe, expect, it } from "vitest";
import { grpcAnswer, grpcRequestMessage, loadFilter, type ClusterHandler, type LoadedFilter, type UpstreamRequest } from "../../harness/testing.ts";
import { buildRaw } from "./support/build-raw.ts";

const loaded: LoadedFilter[] = [];
afterEach(async () => { for (const f of loaded.splice(0)) await f.close(); });

async function probe(clusters: Record<string, ClusterHandler>) {
  const f = await loadFilter(await buildRaw("probe"), { name: "G", config: "name=G", clusters });
  loaded.push(f);
  return f;
}

describe("proxy_grpc_call", () => {
  it("sends one framed message to /<service>/<method> on the named cluster and delivers the answer", async () => {
    let seen: UpstreamRequest | undefined;
    const f = await probe({ authz: (req) => { seen = req; return grpcAnswer(`pong to ${new TextDecoder().decode(grpcRequestMessage(req))}`); } });
    for (const op of ["grpc:authz", "grpc-proto:authz"]) {
      const r = await f.request({ path: "/", headers: { "x-op": op } });
      expect(r.upstreamRequest!.headers["x-grpc-dispatch"]).toBe("0");
      expect(r.upstreamRequest!.headers["x-grpc"]).toBe("ok pong to ping from G");
      expect(seen!.path).toBe("/pkg.Checker/Check");
      expect(seen!.method).toBe("POST");
      expect(seen!.headers["content-type"]).toBe("application/grpc");
      expect(seen!.headers["x-md"]).toBe("G");
      expect(seen!.headers["grpc-timeout"]).toBe("1000m");
    }
  });

  it("delivers a non-OK grpc-status, an HTTP error and a reset to proxy_on_grpc_close", async () => {
    const f = await probe({
      denied: () => grpcAnswer("", 7, "not allowed"),
      http503: () => ({ status: 503 }),
      broken: () => ({ failure: "reset" }),
    });
    const denied = await f.request({ path: "/", headers: { "x-op": "grpc:denied" } });
    expect(denied.upstreamRequest!.headers["x-grpc"]).toBe("closed 7/7 not allowed");
    const unavailable = await f.request({ path: "/", headers: { "x-op": "grpc:http503" } });
    expect(unavailable.upstreamRequest!.headers["x-grpc"]).toBe("closed 14/14 HTTP 503");
    const reset = await f.request({ path: "/", headers: { "x-op": "grpc:broken" } });
    expect(reset.upstreamRequest!.headers["x-grpc"]).toBe("closed 14/14 reset");
  });

  it("a timeout closes the call with DEADLINE_EXCEEDED", async () => {
    const f = await probe({ slow: () => new Promise(() => {}) });
    const pending = f.request({ path: "/", headers: { "x-op": "grpc:slow", "x-timeout": "200" } });
    await new Promise((r) => setTimeout(r, 20));
    await f.advanceTime(200);
    expect((await pending).upstreamRequest!.headers["x-grpc"]).toBe("closed 4/4 timeout");
  });

  it("an unknown cluster is ParseFailure; cancel works once, then NotFound", async () => {
    const f = await probe({ authz: () => new Promise(() => {}) });
    const unknown = await f.request({ path: "/", headers: { "x-op": "grpc:nowhere" } });
    expect(unknown.upstreamRequest!.headers["x-grpc-dispatch"]).toBe("4");
    const cancelled = await f.request({ path: "/", headers: { "x-op": "grpc:authz", "x-grpc-cancel-op": "1" } });
    expect(cancelled.upstreamRequest!.headers["x-grpc-cancel"]).toBe("0/1");
    expect(cancelled.upstreamRequest!.headers["x-grpc"]).toBeUndefined();
  });
});

describe("proxy_grpc_stream", () => {
  it("sends the messages when the filter half-closes and replays the answer as Envoy's stream callbacks", async () => {
    let seen: UpstreamRequest | undefined;
    const answer = (req: UpstreamRequest) => {
      seen = req;
      const a = grpcAnswer("r1");
      const b = grpcAnswer("r2");
      return { ...a, body: new Uint8Array([...(a.body as Uint8Array), ...(b.body as Uint8Array)]), trailers: { "grpc-status": "0", "x-trailer-md": "t" } };
    };
    const f = await probe({ chat: answer });
    for (const op of ["grpc-stream:chat", "grpc-stream-close:chat"]) {
      const r = await f.request({ path: "/", headers: { "x-op": op } });
      expect(r.upstreamRequest!.headers["x-grpc-dispatch"]).toBe("0");
      const prefix = op === "grpc-stream:chat" ? "after-end=2;" : "";
      expect(r.upstreamRequest!.headers["x-grpc-stream"]).toBe(`${prefix}initial=2;msg=r1;msg=r2;trailing=2:t;closed 0/0 `);
      expect(seen!.path).toBe("/pkg.Streamer/Chat");
      // Both messages went out, each length-prefixed.
      expect(Buffer.from(seen!.bodyBytes).toString("hex")).toBe("0000000002" + Buffer.from("m1").toString("hex") + "0000000002" + Buffer.from("m2").toString("hex"));
    }
  });

  it("an error status closes the stream with it", async () => {
    const f = await probe({ chat: () => grpcAnswer("", 16, "who are you") });
    const r = await f.request({ path: "/", headers: { "x-op": "grpc-stream:chat" } });
    expect(r.upstreamRequest!.headers["x-grpc-stream"]).toBe("after-end=2;initial=2;trailing=2:null;closed 16/16 who are you");
  });
});
