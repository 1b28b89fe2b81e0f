// The embedded proxy over real HTTP: routing, streaming, filter chains, http_call through named
// clusters, the router's own 503/504 answers, and traps, with real .wasm filters.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { parseGateway } from "../../harness/gateway/load.ts";
import { startEchoServer, startProxy, type RunningProxy } from "../../harness/proxy/index.ts";
import type { EchoServer } from "../../harness/proxy/echo.ts";
import { buildWasm } from "../support/build.ts";

let hello: string;
let sink: string;
let echo: EchoServer;
const open: RunningProxy[] = [];

beforeAll(async () => {
  [hello, sink] = await Promise.all([buildWasm("examples/hello/index.ts"), buildWasm("test/fixtures/kitchen-sink/index.ts")]);
  echo = await startEchoServer();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await echo.close();
});

async function proxyFor(yaml: string): Promise<RunningProxy> {
  const proxy = await startProxy(parseGateway(yaml, process.cwd(), "test.yaml"), { port: 0, address: "127.0.0.1" });
  open.push(proxy);
  return proxy;
}

function gatewayYaml(opts: { upstream?: string; filters?: string; routes?: string; extraClusters?: string } = {}): string {
  return `
listener: { address: 127.0.0.1, port: 0 }
clusters:
  - name: echo
    url: ${opts.upstream ?? echo.url}
${opts.extraClusters ?? ""}
routes:
${opts.routes ?? "  - { name: all, match: { prefix: / }, cluster: echo }"}
filters:
${opts.filters ?? `  - { name: hello, wasm: ${hello} }`}
`;
}

/** A GET with an explicit Host header (fetch does not let a caller set one). */
function httpGet(port: number, path: string, host: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on("error", reject);
  });
}

async function freePortThatRefuses(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("embedded proxy", () => {
  it("forwards through the filter to the upstream and back", async () => {
    const proxy = await proxyFor(gatewayYaml());
    const res = await fetch(`${proxy.url}/items?id=7`, { headers: { "x-client": "a" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-hello")).toBe("world");
    const seen = (await res.json()) as { method: string; path: string; headers: Record<string, string> };
    expect(seen.path).toBe("/items?id=7");
    expect(seen.headers["x-client"]).toBe("a");
    // Envoy's connection manager adds these before filters run.
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("streams a large request body to the upstream unchanged", async () => {
    const proxy = await proxyFor(gatewayYaml());
    const body = "0123456789abcdef".repeat(64 * 1024); // 1 MiB
    const res = await fetch(`${proxy.url}/upload`, { method: "POST", body });
    const seen = (await res.json()) as { body: string; method: string };
    expect(seen.method).toBe("POST");
    expect(seen.body.length).toBe(body.length);
    expect(seen.body === body).toBe(true);
  });

  it("answers 404 for a request no route matches, without reaching the upstream", async () => {
    const proxy = await proxyFor(gatewayYaml({ routes: "  - { name: api, match: { prefix: /api }, cluster: echo }" }));
    const res = await fetch(`${proxy.url}/other`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("");
  });

  it("selects routes by Host as Envoy's virtual hosts do", async () => {
    const proxy = await proxyFor(
      gatewayYaml({
        routes: [
          "  - { name: shop, match: { prefix: / }, cluster: echo, hostnames: [shop.example.com], filters: [] }",
          "  - { name: rest, match: { prefix: /only }, cluster: echo }",
        ].join("\n"),
      }),
    );
    const shop = await httpGet(proxy.port, "/", "shop.example.com:8080");
    expect(shop.status).toBe(200);
    expect(shop.headers["x-hello"]).toBeUndefined(); // the shop route runs no filters
    expect((await httpGet(proxy.port, "/", "other.example.com")).status).toBe(404);
    const rest = await httpGet(proxy.port, "/only/x", "other.example.com");
    expect(rest.status).toBe(200);
    expect(rest.headers["x-hello"]).toBe("world");
  });

  it("treats a 0s route timeout as none", async () => {
    const proxy = await proxyFor(gatewayYaml({ routes: "  - { name: all, match: { prefix: / }, cluster: echo, timeout: 0s }" }));
    expect((await fetch(`${proxy.url}/`)).status).toBe(200);
  });

  it("runs a chain: a local reply from the second filter still passes the first filter's response path", async () => {
    const proxy = await proxyFor(gatewayYaml({ filters: `  - { name: hello, wasm: ${hello} }\n  - { name: sink, wasm: ${sink} }` }));
    const res = await fetch(`${proxy.url}/deny`, { headers: { "x-op": "local-response", "x-status": "403" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-local")).toBe("yes");
    expect(res.headers.get("x-hello")).toBe("world");
    expect(await res.text()).toBe("denied");
  });

  it("resolves a filter's http_call through a named cluster over real HTTP", async () => {
    const proxy = await proxyFor(
      gatewayYaml({
        filters: `  - { name: sink, wasm: ${sink} }`,
        extraClusters: `  - name: auth\n    url: ${echo.url}`,
      }),
    );
    const res = await fetch(`${proxy.url}/x`, { headers: { "x-op": "http-call", "x-cluster": "auth", "x-path": "/check" } });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { headers: Record<string, string> };
    expect(seen.headers["x-call-status"]).toBe("200");
    expect(seen.headers["x-call-body"]).toContain('"path":"/check"');
  });

  it("a filter's http_call to an unreachable cluster gets Envoy's router answer, a 503, not a failure", async () => {
    const proxy = await proxyFor(
      gatewayYaml({ filters: `  - { name: sink, wasm: ${sink} }`, extraClusters: `  - name: down\n    url: http://127.0.0.1:${await freePortThatRefuses()}` }),
    );
    const res = await fetch(`${proxy.url}/x`, { headers: { "x-op": "http-call-local", "x-cluster": "down" } });
    expect(await res.json()).toMatchObject({
      status: 503, failed: false, body: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
    });
  });

  it("non-ASCII header values: filters read UTF-8 text, upstreams and clients get the same bytes", async () => {
    // An upstream that reports the raw bytes of the headers it got, and answers a UTF-8 header.
    const bytesSeen: Record<string, string> = {};
    const upstream = net.createServer((socket) => {
      socket.once("data", (data: Buffer) => {
        for (const line of data.toString("latin1").split("\r\n")) {
          const [name, ...rest] = line.split(": ");
          if (name.startsWith("x-")) bytesSeen[name] = Buffer.from(rest.join(": "), "latin1").toString("hex");
        }
        const answer = Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 0\r\nx-answer: "), Buffer.from("né", "utf8"), Buffer.from("\r\n\r\n")]);
        socket.end(answer);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
    try {
      const { port } = upstream.address() as AddressInfo;
      const proxy = await proxyFor(gatewayYaml({ upstream: `http://127.0.0.1:${port}`, filters: `  - { name: sink, wasm: ${sink} }` }));
      const send = (op: string) => new Promise<string>((resolve, reject) => {
        const s = net.connect(proxy.port, "127.0.0.1", () => s.write(Buffer.concat([
          Buffer.from(`GET / HTTP/1.1\r\nhost: a\r\nconnection: close\r\nx-op: ${op}\r\nx-arg: `), Buffer.from("grüße 日本", "utf8"), Buffer.from("\r\n\r\n"),
        ])));
        const chunks: Buffer[] = [];
        s.on("data", (d: Buffer) => chunks.push(d));
        s.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        s.on("error", reject);
      });
      const echoed = await send("echo-headers");
      expect(JSON.parse(echoed.slice(echoed.indexOf("\r\n\r\n") + 4)).arg).toBe("grüße 日本");
      const passed = await send("pass");
      expect(bytesSeen["x-arg"]).toBe(Buffer.from("grüße 日本", "utf8").toString("hex"));
      expect(passed).toContain("x-answer: né");
    } finally {
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });

  it("answers 503 when a filter leaves a header value that cannot be encoded", async () => {
    const multiline = http.createServer((_req, res) => res.end("line one\nline two"));
    await new Promise<void>((r) => multiline.listen(0, "127.0.0.1", () => r()));
    try {
      const { port } = multiline.address() as AddressInfo;
      const proxy = await proxyFor(
        gatewayYaml({ filters: `  - { name: sink, wasm: ${sink} }`, extraClusters: `  - name: auth\n    url: http://127.0.0.1:${port}` }),
      );
      // The filter copies the call's body (with a newline) into a request header.
      const res = await fetch(`${proxy.url}/x`, { headers: { "x-op": "http-call", "x-cluster": "auth" } });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("could not be encoded");
      expect((await fetch(`${proxy.url}/`, { headers: { "x-op": "pass" } })).status).toBe(200);
    } finally {
      multiline.closeAllConnections();
      await new Promise<void>((r) => multiline.close(() => r()));
    }
  });

  it("answers 503 through the filters' response path when the upstream refuses connections", async () => {
    const port = await freePortThatRefuses();
    const proxy = await proxyFor(gatewayYaml({ upstream: `http://127.0.0.1:${port}` }));
    const res = await fetch(`${proxy.url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get("x-hello")).toBe("world");
    expect(await res.text()).toContain("upstream connect error");
  });

  it("answers 504 when the upstream outlives the route timeout", async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    try {
      const { port } = silent.address() as AddressInfo;
      const proxy = await proxyFor(
        gatewayYaml({ upstream: `http://127.0.0.1:${port}`, routes: "  - { name: all, match: { prefix: / }, cluster: echo, timeout: 200ms }" }),
      );
      const res = await fetch(`${proxy.url}/slow`);
      expect(res.status).toBe(504);
      expect(await res.text()).toBe("upstream request timeout");
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("survives a trapping filter: fail closed answers 503, and the next request is served", async () => {
    const proxy = await proxyFor(gatewayYaml({ filters: `  - { name: sink, wasm: ${sink} }` }));
    const trapped = await fetch(`${proxy.url}/`, { headers: { "x-op": "trap" } });
    expect(trapped.status).toBe(503);
    const next = await fetch(`${proxy.url}/`, { headers: { "x-op": "pass" } });
    expect(next.status).toBe(200);
  });

  it("lets a trapping filter's requests through under fail_open", async () => {
    const proxy = await proxyFor(gatewayYaml({ filters: `  - { name: sink, wasm: ${sink}, fail_open: true }` }));
    const res = await fetch(`${proxy.url}/`, { headers: { "x-op": "trap" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { path: string }).path).toBe("/");
  });

  it("answers a malformed request with 400 and keeps serving", async () => {
    const proxy = await proxyFor(gatewayYaml());
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(proxy.port, "127.0.0.1", () => socket.write("GET / HTTP/1.1\r\nbad header line\r\n\r\n"));
      let data = "";
      socket.on("data", (d) => (data += d.toString()));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(reply.startsWith("HTTP/1.1 400")).toBe(true);
    expect((await fetch(`${proxy.url}/`)).status).toBe(200);
  });
});
