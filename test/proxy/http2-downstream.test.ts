// The embedded proxy's listener speaks HTTP/1.1 and cleartext HTTP/2 (prior knowledge) on one
// port, as Envoy's AUTO codec does: h2c clients and real gRPC clients (@grpc/grpc-js) go through
// the filter chain to HTTP/1.1 and HTTP/2 upstreams, trailers and trailers-only answers included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { parseGateway } from "../../harness/gateway/load.ts";
import { startEchoServer, startProxy, type RunningProxy } from "../../harness/proxy/index.ts";
import type { EchoServer } from "../../harness/proxy/echo.ts";
import { buildWasm } from "../support/build.ts";

const identity = (b: Buffer) => b;
const RAW = { requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
const GREETER: grpc.ServiceDefinition = {
  Hello: { path: "/demo.Greeter/Hello", requestStream: false, responseStream: false, ...RAW },
  Count: { path: "/demo.Greeter/Count", requestStream: false, responseStream: true, ...RAW },
};

let echo: EchoServer;
let grpcServer: grpc.Server;
let proxy: RunningProxy;
let client: grpc.Client;

beforeAll(async () => {
  const [hello, sink] = await Promise.all([buildWasm("examples/hello/index.ts"), buildWasm("test/fixtures/kitchen-sink/index.ts")]);
  echo = await startEchoServer();
  grpcServer = new grpc.Server();
  grpcServer.addService(GREETER, {
    Hello: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const name = call.request.toString();
      if (name === "") return cb({ code: grpc.status.INVALID_ARGUMENT, details: "name is required" });
      cb(null, Buffer.from(`hello ${name} (x-hello-seen: ${call.metadata.get("x-client")[0] ?? "none"})`));
    },
    Count: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const n = Number(call.request.toString());
      for (let i = 1; i <= n; i++) call.write(Buffer.from(String(i)));
      call.end();
    },
  });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  proxy = await startProxy(parseGateway(`
listener: { address: 127.0.0.1, port: 0 }
clusters:
  - { name: echo, url: "${echo.url}" }
  - { name: greeter, url: "http://127.0.0.1:${grpcPort}", http2: true }
routes:
  - { name: grpc, match: { prefix: /demo.Greeter/ }, cluster: greeter }
  - { name: web, match: { prefix: / }, cluster: echo }
filters:
  - { name: sink, wasm: ${sink} }
  - { name: hello, wasm: ${hello} }
`, process.cwd(), "h2-downstream.yaml"), { port: 0, address: "127.0.0.1" });
  client = new grpc.Client(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await proxy?.close();
  grpcServer?.forceShutdown();
  await echo?.close();
});

function h2Request(headers: http2.OutgoingHttpHeaders, body?: string): Promise<{ headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(proxy.url);
    session.on("error", reject);
    const stream = session.request(headers, { endStream: body === undefined });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let text = "";
    stream.on("response", (h) => { responseHeaders = h; });
    stream.on("data", (d: Buffer) => { text += d.toString(); });
    stream.on("end", () => { session.close(); resolve({ headers: responseHeaders, body: text }); });
    stream.on("error", reject);
    if (body !== undefined) stream.end(body);
  });
}

function unary(name: string, metadata = new grpc.Metadata()): Promise<string> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest("/demo.Greeter/Hello", identity, identity, Buffer.from(name), metadata, (err, value) =>
      err ? reject(err) : resolve(value!.toString()));
  });
}

describe("HTTP/2 downstream", () => {
  it("an h2c request runs the filter chain; filters see HTTP/2 as the protocol", async () => {
    const res = await h2Request({ ":method": "GET", ":path": "/props", "x-op": "properties" });
    expect(res.headers[":status"]).toBe(200);
    const props = JSON.parse(res.body) as { protocol: string; host: string; method: string };
    expect(props).toMatchObject({ protocol: "HTTP/2", method: "GET", host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });

  it("an h2c request with a body reaches an HTTP/1.1 upstream and its answer comes back over h2", async () => {
    const res = await h2Request({ ":method": "POST", ":path": "/items?x=1", "content-type": "text/plain", "x-client": "h2" }, "z".repeat(50_000));
    expect(res.headers[":status"]).toBe(200);
    expect(res.headers["x-hello"]).toBe("world");
    const seen = JSON.parse(res.body) as { method: string; path: string; body: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: "POST", path: "/items?x=1" });
    expect(seen.headers["x-client"]).toBe("h2");
    expect(seen.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(seen.body.length).toBe(50_000);
  });

  it("a real gRPC client calls a gRPC service through the proxy: unary OK with metadata", async () => {
    const md = new grpc.Metadata();
    md.set("x-client", "grpc-js");
    expect(await unary("ada", md)).toBe("hello ada (x-hello-seen: grpc-js)");
  });

  it("a gRPC error (a trailers-only answer) reaches the client with its status and message", async () => {
    await expect(unary("")).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: "name is required" });
  });

  it("a server-streaming gRPC call streams every message through the proxy, then OK", async () => {
    const messages: string[] = [];
    const status = await new Promise<grpc.StatusObject>((resolve, reject) => {
      const call = client.makeServerStreamRequest("/demo.Greeter/Count", identity, identity, Buffer.from("5"), new grpc.Metadata());
      call.on("data", (m: Buffer) => messages.push(m.toString()));
      call.on("status", resolve);
      call.on("error", reject);
    });
    expect(messages).toEqual(["1", "2", "3", "4", "5"]);
    expect(status.code).toBe(grpc.status.OK);
  });

  it("HTTP/1.1 keeps working on the same port", async () => {
    const res = await fetch(`${proxy.url}/plain`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-hello")).toBe("world");
  });
});
