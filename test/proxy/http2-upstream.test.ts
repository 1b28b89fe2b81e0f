// Clusters with `http2: true`: the embedded proxy speaks HTTP/2 to them, so filters' grpc_call
// reaches a real gRPC server (@grpc/grpc-js) and routed HTTP/1.1 requests are forwarded over h2,
// as Envoy does for clusters with http2_protocol_options.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { parseGateway } from "../../harness/gateway/load.ts";
import { startProxy, type RunningProxy } from "../../harness/proxy/index.ts";
import { buildWasm } from "../support/build.ts";

const identity = (b: Buffer) => b;
const RAW = { requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
/** kitchen.Sink with raw-bytes messages: unary Echo (the fixture sends "ping"), bidi Chat ("one", "two"). */
const SINK_SERVICE: grpc.ServiceDefinition = {
  Echo: { path: "/kitchen.Sink/Echo", requestStream: false, responseStream: false, ...RAW },
  Chat: { path: "/kitchen.Sink/Chat", requestStream: true, responseStream: true, ...RAW },
};

interface GrpcServer { port: number; seen: Array<{ message: string; meta: string | undefined; deadline: boolean }>; close(): Promise<void> }

async function startGrpcServer(answer: (message: string) => { reply: string } | { code: grpc.status; details: string }): Promise<GrpcServer> {
  const server = new grpc.Server();
  const seen: GrpcServer["seen"] = [];
  server.addService(SINK_SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const message = call.request.toString();
      seen.push({ message, meta: call.metadata.get("x-meta")[0]?.toString(), deadline: call.getDeadline() !== Infinity });
      const out = answer(message);
      if ("reply" in out) {
        callback(null, Buffer.from(out.reply));
      } else {
        callback({ code: out.code, details: out.details });
      }
    },
    Chat: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on("data", (m: Buffer) => {
        const out = answer(m.toString());
        if ("reply" in out) call.write(Buffer.from(out.reply));
        else call.emit("error", { code: out.code, details: out.details });
      });
      call.on("end", () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { port, seen, close: () => new Promise((r) => server.tryShutdown(() => r())) };
}

let sink: string;
let ok: GrpcServer;
let denying: GrpcServer;
let h2Upstream: http2.Http2Server;
let h2Port: number;
const h2Seen: Array<{ version: string; method: string; path: string; body: string; header: string | undefined }> = [];
const proxies: RunningProxy[] = [];

beforeAll(async () => {
  sink = await buildWasm("test/fixtures/kitchen-sink/index.ts");
  ok = await startGrpcServer((m) => ({ reply: `pong to ${m}` }));
  denying = await startGrpcServer(() => ({ code: grpc.status.PERMISSION_DENIED, details: "not for you: ünïcode, 100%" }));
  h2Upstream = http2.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      h2Seen.push({ version: req.httpVersion, method: req.method, path: req.url, body: Buffer.concat(chunks).toString(), header: req.headers["x-client"] as string | undefined });
      res.setHeader("content-type", "text/plain");
      res.setHeader("x-upstream", "h2");
      res.end(`h2 saw ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((r) => h2Upstream.listen(0, "127.0.0.1", () => r()));
  h2Port = (h2Upstream.address() as AddressInfo).port;
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await Promise.all([ok.close(), denying.close(), new Promise((r) => h2Upstream.close(r))]);
});

async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function proxy(extraClusters = ""): Promise<RunningProxy> {
  const yaml = `
listener: { address: 127.0.0.1, port: 0 }
clusters:
  - { name: web, url: "http://127.0.0.1:${h2Port}", http2: true }
  - { name: grpc, url: "http://127.0.0.1:${ok.port}", http2: true }
  - { name: grpc-deny, url: "http://127.0.0.1:${denying.port}", http2: true }
${extraClusters}
routes:
  - { name: all, match: { prefix: / }, cluster: web }
filters:
  - { name: sink, wasm: ${sink} }
`;
  const p = await startProxy(parseGateway(yaml, process.cwd(), "h2.yaml"), { port: 0, address: "127.0.0.1" });
  proxies.push(p);
  return p;
}

describe("HTTP/2 clusters", () => {
  it("a filter's grpc_call reaches a real gRPC server (metadata, deadline) and gets its response with status OK", async () => {
    const p = await proxy();
    const res = await fetch(`${p.url}/`, { headers: { "x-op": "grpc-call" } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { status_code: number; messages: string[] };
    expect(answer.status_code).toBe(0);
    expect(answer.messages).toEqual(["pong to ping"]);
    expect(ok.seen.at(-1)).toEqual({ message: "ping", meta: "1", deadline: true });
  });

  it("a gRPC error status from the server reaches the filter's close callback with its message", async () => {
    const p = await proxy();
    const res = await fetch(`${p.url}/`, { headers: { "x-op": "grpc-call", "x-cluster": "grpc-deny" } });
    const answer = (await res.json()) as { status_code: number; status_message: string; messages: string[] };
    expect(answer).toMatchObject({ status_code: grpc.status.PERMISSION_DENIED, status_message: "not for you: ünïcode, 100%", messages: [] });
  });

  it("a filter's grpc_stream is a live bidi stream: each message answered, then OK", async () => {
    const p = await proxy();
    const res = await fetch(`${p.url}/`, { headers: { "x-op": "grpc-stream" } });
    const answer = (await res.json()) as { status_code: number; messages: string[]; initial_metadata: Array<[string, string]>; trailing_metadata: Array<[string, string]> };
    expect(answer.status_code).toBe(0);
    expect(answer.messages).toEqual(["pong to one", "pong to two"]);
    expect(answer.initial_metadata).toContainEqual([":status", "200"]);
    expect(answer.trailing_metadata).toContainEqual(["grpc-status", "0"]);
  });

  it("a gRPC stream the server refuses closes with the server's status", async () => {
    const p = await proxy();
    const res = await fetch(`${p.url}/`, { headers: { "x-op": "grpc-stream", "x-cluster": "grpc-deny" } });
    const answer = (await res.json()) as { status_code: number; status_message: string; messages: string[] };
    expect(answer).toMatchObject({ status_code: grpc.status.PERMISSION_DENIED, status_message: "not for you: ünïcode, 100%", messages: [] });
  });

  it("an unreachable gRPC cluster closes the call as UNAVAILABLE (14), quickly", async () => {
    const p = await proxy(`  - { name: grpc-down, url: "http://127.0.0.1:${await refusedPort()}", http2: true }`);
    const res = await fetch(`${p.url}/`, { headers: { "x-op": "grpc-call", "x-cluster": "grpc-down" } });
    const answer = (await res.json()) as { status_code: number };
    expect(answer.status_code).toBe(14);
  });

  it("forwards a routed HTTP/1.1 request with its body over HTTP/2 and streams the answer back", async () => {
    const p = await proxy();
    const res = await fetch(`${p.url}/upload?x=1`, { method: "POST", body: "a".repeat(100_000), headers: { "x-client": "c1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("h2");
    expect(await res.text()).toBe("h2 saw POST /upload?x=1");
    expect(h2Seen.at(-1)).toEqual({ version: "2.0", method: "POST", path: "/upload?x=1", body: "a".repeat(100_000), header: "c1" });
  });

  it("reuses one HTTP/2 session for many concurrent requests to an endpoint", async () => {
    const p = await proxy();
    const sessions = new Set<unknown>();
    const onSession = (s: unknown) => sessions.add(s);
    h2Upstream.on("session", onSession);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${p.url}/n/${i}`).then((r) => r.text())));
      expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `h2 saw GET /n/${i}`));
      expect(sessions.size).toBe(1);
    } finally {
      h2Upstream.off("session", onSession);
    }
  });

  it("an unreachable HTTP/2 route target gets the router's 503", async () => {
    const yaml = `
listener: { address: 127.0.0.1, port: 0 }
clusters:
  - { name: down, url: "http://127.0.0.1:${await refusedPort()}", http2: true }
routes:
  - { name: all, match: { prefix: / }, cluster: down }
filters:
  - { name: sink, wasm: ${sink} }
`;
    const p = await startProxy(parseGateway(yaml, process.cwd(), "h2-down.yaml"), { port: 0, address: "127.0.0.1" });
    proxies.push(p);
    const res = await fetch(`${p.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("upstream connect error");
  });
});
