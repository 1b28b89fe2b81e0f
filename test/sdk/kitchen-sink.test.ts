// The SDK end to end through the embedded host: each kitchen-sink op reaches one or more host
// functions through the SDK's API, and the test checks what the host (and so Envoy) sees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter, type TestResponse } from "../../harness/testing.ts";
import { buildWasm } from "../support/build.ts";

const ENTRY = "test/fixtures/kitchen-sink/index.ts";

function json(r: TestResponse): any {
  expect(r.headers["content-type"], `body: ${r.body}`).toContain("application/json");
  return JSON.parse(r.body);
}

describe("kitchen-sink through the embedded host", () => {
  let wasm: string;
  let f: LoadedFilter;
  const calls: Array<{ cluster: string; path: string; body: string; headers: Record<string, string>; timeoutMs: number }> = [];

  beforeAll(async () => {
    wasm = await buildWasm(ENTRY);
    f = await loadFilter(wasm, {
      rootId: "ks",
      name: "kitchen",
      config: { tick_ms: 100 },
      properties: { "node.id": "node-7" },
      foreignFunctions: { reverse: (args) => new Uint8Array([...args].reverse()) },
      clusters: {
        upstream: (req) => {
          calls.push({ cluster: req.cluster, path: req.path, body: req.body, headers: req.headers, timeoutMs: req.timeoutMs });
          return { status: 200, headers: { "x-cluster": "yes" }, body: "pong" };
        },
        broken: () => ({ failure: "reset" }),
        slow: () => ({ failure: "timeout" }),
      },
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  const op = (name: string, headers: Record<string, string> = {}, extra: { body?: string | string[]; method?: string; path?: string } = {}) =>
    f.request({ method: extra.method ?? (extra.body !== undefined ? "POST" : "GET"), path: extra.path ?? "/op", headers: { "x-op": name, ...headers }, body: extra.body });

  it("header values of every length and script read back exactly (the SDK's ASCII fast path and its UTF-8 fallback)", async () => {
    const ascii = "Bearer eyJhbGciOiJSUzI1NiJ9.payload_-.sig=~!#$%&'*+^`|0123456789";
    const values = [
      ...Array.from({ length: 40 }, (_, n) => ascii.slice(0, n + 1)),
      "é", "héllo", "xxxxxxxé", "xxxxxxxxé", "日本語のヘッダー", "emoji 😀 end", "\u007f del", "tab\tinside",
    ];
    for (const value of values) {
      expect(json(await op("echo-headers", { "x-arg": value })).arg, JSON.stringify(value)).toBe(value);
    }
  });

  it("configure ran with the plugin configuration and root_id", async () => {
    expect(f.logs.some((l) => l.message === 'kitchen-sink configured: {"tick_ms":100}')).toBe(true);
    expect(json(await op("config")).root_id).toBe("ks");
  });

  it("reads header maps: pairs in order with pseudo-headers, single values, size", async () => {
    const body = json(await op("echo-headers", { "x-arg": "héllo" }));
    expect(body.headers.slice(0, 4)).toEqual([[":method", "GET"], [":path", "/op"], [":authority", "example.com"], [":scheme", "http"]]);
    expect(body.headers).toContainEqual(["x-op", "echo-headers"]);
    expect(body.headers).toContainEqual(["x-arg", "héllo"]);
    expect(body.count).toBe(body.headers.length);
    expect(body.byte_size).toBeGreaterThan(0);
    expect(body.arg).toBe("héllo");
    expect(json(await op("echo-headers")).arg).toBeNull();
    // A repeated header: get() sees the first value (as Envoy returns), getAll() every one.
    const multi = json(await f.request({ path: "/", headers: [["x-op", "echo-headers"], ["x-multi", "one"], ["x-multi", "two"]] }));
    expect(multi.multi_first).toBe("one");
    expect(multi.multi_all).toEqual(["one", "two"]);
    expect(multi.multi_count).toBe(2);
  });

  it("replaces, adds and removes request and response headers", async () => {
    const r = await f.request({ path: "/m", headers: { "x-op": "mutate-headers", "x-replace": "old", "x-remove-me": "x" } }, {
      upstream: () => ({ status: 200, headers: { "x-upstream-remove": "1", "x-keep": "1" }, body: "ok" }),
    });
    const up = r.upstreamRequest!;
    expect(up.headers["x-replace"]).toBe("replaced");
    expect(up.headerList.filter(([k]) => k === "x-added").map(([, v]) => v)).toEqual(["a", "b"]);
    expect(up.headers["x-remove-me"]).toBeUndefined();
    expect(r.headers["x-response-op"]).toBe("mutate-headers");
    expect(r.headers["x-response-added"]).toBe("1");
    expect(r.headers["x-upstream-remove"]).toBeUndefined();
    expect(r.headers["x-keep"]).toBe("1");
  });

  it("replaces a whole header map with set_header_map_pairs", async () => {
    const r = await op("set-pairs", { "x-a": "1" });
    expect(r.upstreamRequest!.headers["x-set-pairs"]).toBe("yes");
    expect(r.upstreamRequest!.headers["x-a"]).toBe("1");
    expect(r.upstreamRequest!.path).toBe("/op");
  });

  it("edits request and response trailers", async () => {
    const r = await f.request({ method: "POST", path: "/t", headers: { "x-op": "trailers" }, body: "b", trailers: { "x-t1": "1", "x-t2": "2" } }, {
      upstream: () => ({ status: 200, body: "ok", trailers: { "x-up-trailer": "1" } }),
    });
    expect(r.upstreamRequest!.trailers["x-trailer-seen"]).toBe("2");
    expect(r.trailers["x-response-trailer"]).toBe("yes");
  });

  it("buffers a chunked request body and replaces, appends or prepends to it", async () => {
    expect((await op("body-replace", {}, { body: ["hel", "lo"] })).upstreamRequest!.body).toBe("replaced:hello");
    expect((await op("body-append", {}, { body: ["hel", "lo"] })).upstreamRequest!.body).toBe("hello:appended");
    expect((await op("body-prepend", {}, { body: "hello" })).upstreamRequest!.body).toBe("prepended:hello");
  });

  it("reads the buffered body whole and by range", async () => {
    // "héllo" is 6 UTF-8 bytes; bytes [1, 4) are "él".
    expect(json(await op("body-read", {}, { body: ["hé", "llo"] }))).toEqual({ length: 6, text: "héllo", slice: "él" });
  });

  it("replaces the upstream response body", async () => {
    const r = await f.request({ path: "/", headers: { "x-op": "response-body-replace" } }, { upstream: () => ({ status: 200, body: ["o", "k"] }) });
    expect(r.body).toBe("upstream said: ok");
  });

  it("decodes Envoy's property encodings", async () => {
    const p = json(await f.request({ path: "/p/q?x=1", headers: { "x-op": "properties" } }));
    expect(p.path).toBe("/p/q?x=1");
    expect(p.url_path).toBe("/p/q");
    expect(p.method).toBe("GET");
    expect(p.host).toBe("example.com");
    expect(p.scheme).toBe("http");
    expect(p.protocol).toBe("HTTP/1.1");
    expect(p.source_address).toBe("203.0.113.7:51234");
    expect(p.source_port).toBe(51234);
    expect(p.destination_port).toBe(10000);
    expect(p.plugin_name).toBe("kitchen");
    expect(p.plugin_root_id).toBe("ks");
    expect(p.node_id).toBe("node-7");
    expect(p.mtls).toBe(false);
    expect(p.time_nanos).toBeGreaterThan(0);
    expect(p.headers_count).toBeGreaterThanOrEqual(5);
  });

  it("sets a property and reads it back", async () => {
    expect(json(await op("set-property", { "x-key": "my_state", "x-value": "v1" }))).toEqual({ status: "Ok", value: "v1" });
  });

  it("logs at every level and reads the host's level", async () => {
    const r = await op("log", { "x-arg": "hello-log" });
    expect(json(r).level).toBe(0);
    expect(r.logs.filter((l) => l.message === "hello-log").map((l) => l.level)).toEqual(["trace", "debug", "info", "warn", "error", "critical"]);
  });

  it("reads the host clock through nowNanos and Date.now, and seeds Math.random", async () => {
    const t = json(await op("time"));
    expect(t.now_nanos).toBeGreaterThan(0);
    expect(t.date_now_ms).toBe(Math.floor(t.now_nanos / 1e6));
    expect(t.random_in_range).toBe(true);
  });

  it("shared data: set, get with cas, compare-and-swap mismatch, absent key", async () => {
    expect(json(await op("shared-set", { "x-key": "k1", "x-value": "v1" })).status).toBe("Ok");
    const got = json(await op("shared-get", { "x-key": "k1" }));
    expect(got.status).toBe("Ok");
    expect(got.value).toBe("v1");
    expect(got.cas).toBeGreaterThan(0);
    expect(json(await op("shared-set", { "x-key": "k1", "x-value": "v2", "x-cas": String(got.cas + 1000) })).status).toBe("CasMismatch");
    expect(json(await op("shared-set", { "x-key": "k1", "x-value": "v2", "x-cas": String(got.cas) })).status).toBe("Ok");
    expect(json(await op("shared-get", { "x-key": "k1" })).value).toBe("v2");
    expect(json(await op("shared-cas", { "x-key": "k2" }))).toEqual({ first: "Ok", second: "CasMismatch" });
    expect(json(await op("shared-get", { "x-key": "never-set" }))).toEqual({ status: "NotFound", value: null, cas: 0 });
  });

  it("shared queues: enqueue wakes the registering root, which dequeues", async () => {
    const enq = json(await op("queue-enqueue", { "x-value": "item-1" }));
    expect(enq.status).toBe("Ok");
    expect(enq.queue_id).toBeGreaterThan(0);
    await f.advanceTime(0);
    expect(json(await op("shared-get", { "x-key": "queue:last" })).value).toBe("item-1");
    expect(json(await op("queue-dequeue")).status).toBe("Empty");
    expect(json(await op("queue-bad"))).toEqual({ enqueue: "NotFound", dequeue: "NotFound" });
  });

  it("metrics: counter increments, gauge records, values read back", async () => {
    const first = json(await op("metrics", { "x-value": "3" }));
    const second = json(await op("metrics", { "x-value": "4" }));
    expect(second.counter - first.counter).toBe(4);
    expect(second.gauge).toBe(4);
    expect(f.metric("kitchen_sink.requests")).toBe(BigInt(second.counter));
    expect(f.metric("kitchen_sink.gauge")).toBe(4n);
  });

  it("http_call: pauses, calls the cluster, resumes the request with the answer", async () => {
    calls.length = 0;
    const r = await op("http-call", { "x-path": "/check", "x-timeout": "750" });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ cluster: "upstream", path: "/check", body: "ping", timeoutMs: 750 });
    expect(calls[0]!.headers["x-from"]).toBe("kitchen-sink");
    expect(r.status).toBe(200);
    expect(r.upstreamRequest!.headers["x-call-status"]).toBe("200");
    expect(r.upstreamRequest!.headers["x-call-body"]).toBe("pong");
  });

  it("http_call answer delivered to a handler object with status, headers and body", async () => {
    const body = json(await op("http-call-local"));
    expect(body.status).toBe(200);
    expect(body.body).toBe("pong");
    expect(body.failed).toBe(false);
    expect(body.headers_count).toBeGreaterThanOrEqual(2);
  });

  it("http_call failure (reset) reaches the handler as failed", async () => {
    const r = await op("http-call", { "x-cluster": "broken" });
    expect(r.status).toBe(503);
    expect(r.body).toBe("http_call failed");
    expect(r.upstreamRequest).toBeNull();
  });

  it("http_call timeout reaches the handler as Envoy's router answer (504) when the clock passes the timeout", async () => {
    const pending = op("http-call-local", { "x-cluster": "slow", "x-timeout": "300" });
    await f.advanceTime(299);
    await f.advanceTime(2);
    const body = json(await pending);
    expect(body).toMatchObject({ status: 504, failed: false, body: "upstream request timeout" });
  });

  it("http_call to an unknown cluster is refused with BadArgument", async () => {
    expect(json(await op("http-call-bad"))).toEqual({ token: 0, status: "BadArgument" });
  });

  it("sends a local response with status, details, body and headers", async () => {
    const r = await op("local-response", { "x-status": "429" });
    expect(r.status).toBe(429);
    expect(r.body).toBe("denied");
    expect(r.headers["x-local"]).toBe("yes");
    expect(r.upstreamRequest).toBeNull();
  });

  it("gRPC calls answer with a clear status instead of hanging (the embedded host does not implement gRPC)", async () => {
    const r = await op("grpc-call");
    expect(r.status).toBe(500);
    expect(r.body).toMatch(/^grpc_call refused: \w+$/);
    const s = await op("grpc-stream");
    expect(s.body).toMatch(/^grpc_stream refused: \w+$/);
  });

  it("a root resumes a paused stream from onTick (set_effective_context + continue_stream)", async () => {
    const pending = op("pause-until-tick");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await f.advanceTime(100);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.upstreamRequest!.headers["x-resumed-by"]).toBe("tick");
    expect(json(await op("tick-count")).ticks).toBeGreaterThan(0);
  });

  it("calls host foreign functions", async () => {
    expect(json(await op("foreign", { "x-arg": "reverse" }, { body: "abc" }))).toEqual({ name: "reverse", status: "Ok", result: "cba" });
    expect(json(await op("foreign", { "x-arg": "nope" }, { body: "abc" })).status).toBe("NotFound");
  });

  it("set_effective_context with an unknown id is refused", async () => {
    expect(json(await op("effective-bad")).status).toBe("BadArgument");
  });

  it("abort() logs its message at critical level and traps; the stream fails closed and the VM is replaced", async () => {
    const r = await op("abort");
    expect(r.status).toBe(503);
    expect(r.upstreamRequest).toBeNull();
    expect(r.logs.some((l) => l.level === "critical" && l.message === "abort: kitchen-sink abort")).toBe(true);
    expect(json(await op("echo-headers")).count).toBeGreaterThan(0);
  });

  it("a failed assert() logs message, file, line and column through the abort handler", async () => {
    const r = await op("assert");
    expect(r.status).toBe(503);
    const line = r.logs.find((l) => l.level === "critical" && l.message.startsWith("abort: kitchen-sink assert"));
    expect(line?.message).toMatch(/^abort: kitchen-sink assert at test\/fixtures\/kitchen-sink\/index\.ts:\d+:\d+$/);
  });

  it("a trap (unreachable) fails the stream closed and the next request runs on a fresh VM", async () => {
    expect((await op("trap")).status).toBe(503);
    expect((await op("pass")).status).toBe(200);
  });

  it("onLog runs for every finished stream (access-log time)", async () => {
    const r = await op("pass");
    expect(r.logs.some((l) => l.level === "debug" && l.message === "kitchen-sink log: pass")).toBe(true);
  });

  it("contexts are forgotten at proxy_on_delete: no growth over many streams", async () => {
    for (let i = 0; i < 50; i++) await op("pass");
    // The root and the stream asking; every earlier stream was deleted.
    expect(json(await op("live-contexts"))).toEqual({ live: 2, http_calls: 0, grpc_calls: 0 });
  });

  it("an unknown op is answered 400", async () => {
    const r = await op("no-such-op");
    expect(r.status).toBe(400);
    expect(r.body).toBe("unknown x-op: no-such-op");
  });
});

describe("kitchen-sink configuration and log level", () => {
  it("onVmStart receives the VM configuration; false fails the load", async () => {
    const wasm = await buildWasm(ENTRY);
    const f = await loadFilter(wasm, { vmConfig: "vm-settings" });
    try {
      expect(f.logs.some((l) => l.message === "kitchen-sink vm start: vm-settings")).toBe(true);
    } finally {
      await f.close();
    }
    await expect(loadFilter(wasm, { vmConfig: "fail" })).rejects.toThrow(/kitchen-sink vm start: fail/);
  });

  it("root_id selects among the roots registered in one module", async () => {
    const wasm = await buildWasm(ENTRY);
    const alt = await loadFilter(wasm, { rootId: "alt" });
    const main = await loadFilter(wasm, { rootId: "anything-else" });
    try {
      const r = await alt.request({ path: "/" });
      expect(r.status).toBe(200);
      expect(r.body).toBe("alt root alt");
      expect(JSON.parse((await main.request({ path: "/", headers: { "x-op": "config" } })).body).root_id).toBe("anything-else");
    } finally {
      await alt.close();
      await main.close();
    }
  });

  it("a rejected configuration fails the load with the filter's own errors", async () => {
    const wasm = await buildWasm(ENTRY);
    await expect(loadFilter(wasm, { config: { fail_configure: true, tick_ms: "soon" } })).rejects.toThrow(/tick_ms: expected an integer, got string[\s\S]*fail_configure: asked to fail/);
    await expect(loadFilter(wasm, { config: "{not json" })).rejects.toThrow(/invalid JSON at offset 1/);
  });

  it("lines below the host's log level are not logged, and get_log_level reports it", async () => {
    const f = await loadFilter(await buildWasm(ENTRY), { logLevel: "warn" });
    try {
      const r = await f.request({ path: "/", headers: { "x-op": "log", "x-arg": "lvl" } });
      expect(JSON.parse(r.body).level).toBe(3);
      expect(r.logs.filter((l) => l.message === "lvl").map((l) => l.level)).toEqual(["warn", "error", "critical"]);
    } finally {
      await f.close();
    }
  });

  it("shared data written on one worker VM is read on another", async () => {
    const f = await loadFilter(await buildWasm(ENTRY), { workers: 2 });
    try {
      await f.request({ path: "/", headers: { "x-op": "shared-set", "x-key": "w", "x-value": "from-0" } }, { worker: 0 });
      const r = await f.request({ path: "/", headers: { "x-op": "shared-get", "x-key": "w" } }, { worker: 1 });
      expect(JSON.parse(r.body).value).toBe("from-0");
    } finally {
      await f.close();
    }
  });
});
