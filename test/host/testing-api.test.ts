// harness/testing.ts as filter authors use it: echo upstream, custom and real HTTP upstreams,
// chunked bodies, repeated headers, the manual clock, chains.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadChain, loadFilter, type LoadedFilter } from "../../harness/testing.ts";
import { buildRaw } from "./support/build-raw.ts";

let f: LoadedFilter;
beforeAll(async () => { f = await loadFilter(await buildRaw("probe"), { name: "api", config: "name=api", workers: 2 }); });
afterAll(() => f.close());

describe("request()", () => {
  it("answers with the built-in echo upstream by default", async () => {
    const r = await f.request({ method: "PUT", path: "/items/1", headers: { "x-multi": ["a", "b"] }, body: "payload" });
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json");
    const echoed = JSON.parse(r.body);
    expect(echoed).toMatchObject({ method: "PUT", path: "/items/1", authority: "example.com", body: "payload" });
    expect(echoed.headers["x-multi"]).toBe("a, b");
    expect(echoed.headers["x-forwarded-proto"]).toBe("http");
    expect(echoed.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.upstreamRequest!.headerList.filter(([k]) => k === "x-multi")).toEqual([["x-multi", "a"], ["x-multi", "b"]]);
    expect(r.actions.map((a) => a.callback)).toContain("on_request_body");
    expect(r.metrics["api_requests"]).toBeGreaterThan(0n);
    expect(r.bodyBytes).toBeInstanceOf(Uint8Array);
  });

  it("uses a custom upstream with chunked bodies and trailers", async () => {
    const r = await f.request({ path: "/", body: [new Uint8Array([104, 105]), "!"] }, {
      upstream: (req) => ({ status: 201, headers: { "x-got": req.body }, body: ["one", "two"], trailers: { "grpc-status": "0" } }),
    });
    expect(r.status).toBe(201);
    expect(r.headers["x-got"]).toBe("hi!");
    expect(r.body).toBe("onetwo");
    expect(r.trailers).toEqual({ "grpc-status": "0" });
  });

  it("forwards to a real HTTP server given its URL", async () => {
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => { res.writeHead(202, { "x-seen": String(req.headers["x-request-by"]) }); res.end(`${req.method} ${req.url} ${body}`); });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await f.request({ method: "POST", path: "/real?x=1", body: "data" }, { upstream: `http://127.0.0.1:${port}` });
      expect(r.status).toBe(202);
      expect(r.body).toBe("POST /real?x=1 data");
      expect(r.headers["x-seen"]).toBe("api");
    } finally {
      server.close();
    }
  });

  it("surfaces an exception from the upstream handler; an unreachable URL answers 503 as Envoy's router does", async () => {
    await expect(f.request({ path: "/" }, { upstream: () => { throw new Error("handler bug"); } })).rejects.toThrow("handler bug");
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await f.request({ path: "/" }, { upstream: `http://127.0.0.1:${port}` });
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/^upstream connect error or disconnect\/reset before headers/);
  });

  it("runs each request on a chosen worker, round-robin otherwise", async () => {
    const r0 = await f.request({ path: "/" }, { worker: 0 });
    const r1 = await f.request({ path: "/" }, { worker: 1 });
    expect(r0.logs[0]!.worker).toBe(0);
    expect(r1.logs[0]!.worker).toBe(1);
  });

  it("accepts header pairs in order and rejects malformed pairs with the index", async () => {
    const r = await f.request({ path: "/", headers: [["X-A", "1"], ["x-a", "2"]] });
    expect(r.upstreamRequest!.headerList.filter(([k]) => k === "x-a")).toEqual([["x-a", "1"], ["x-a", "2"]]);
    await expect(f.request({ path: "/", headers: [["x-a", "1"], ["x-b"]] })).rejects.toThrow(/headers\[1\] must be a \[name, value\] pair/);
  });

  it("explains what went wrong when a load fails", async () => {
    await expect(loadFilter(await buildRaw("probe"), { config: "fail=bad limit" })).rejects.toThrow(/invalid configuration: bad limit/);
    await expect(loadFilter("/no/such/file.wasm")).rejects.toThrow(/cannot read \/no\/such\/file.wasm/);
  });
});

describe("loadChain()", () => {
  it("names filters and shares clusters and time across the chain", async () => {
    const wasm = await buildRaw("probe");
    const chain = await loadChain([{ wasm, config: "name=first" }, { wasm, config: "name=second" }], {
      clusters: { auth: () => ({ status: 200, body: "ok" }) },
    });
    try {
      const r = await chain.request({ path: "/", headers: { "x-op-second": "call:auth" } });
      expect(r.upstreamRequest!.headers["x-request-by"]).toBe("first, second");
      expect(r.upstreamRequest!.headers["x-call"]).toBe("200 ok");
      expect(chain.plugins.map((p) => p.name)).toEqual(["filter0", "filter1"]);
    } finally {
      await chain.close();
    }
  });
});
