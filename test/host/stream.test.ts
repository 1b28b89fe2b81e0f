// The filter manager: chain order, local replies in a chain, StopIteration + continue, body
// buffering, trailers, http_call success/failure/timeout, close_stream, and the end-of-stream callbacks.
import { afterEach, describe, expect, it } from "vitest";
import type { HeaderList } from "../../harness/host/api.ts";
import { createFilterChain, createManualClock, loadPlugin } from "../../harness/host/index.ts";
import { loadChain, loadFilter, type LoadedFilter } from "../../harness/testing.ts";
import { buildRaw } from "./support/build-raw.ts";

const loaded: LoadedFilter[] = [];
afterEach(async () => { for (const f of loaded.splice(0)) await f.close(); });

async function chain(names: string[], options: Parameters<typeof loadChain>[1] = {}) {
  const wasm = await buildRaw("probe");
  const f = await loadChain(names.map((n) => ({ wasm, name: n, config: `name=${n}` })), options);
  loaded.push(f);
  return f;
}

describe("chains", () => {
  it("decodes in chain order and encodes in reverse", async () => {
    const f = await chain(["A", "B", "C"]);
    const r = await f.request({ path: "/" });
    expect(r.upstreamRequest!.headerList.filter(([k]) => k === "x-request-by").map(([, v]) => v)).toEqual(["A", "B", "C"]);
    expect(r.headerList.filter(([k]) => k === "x-response-by").map(([, v]) => v)).toEqual(["C", "B", "A"]);
    expect(r.actions.map((a) => `${a.plugin}.${a.callback}`)).toEqual([
      "A.on_request_headers", "B.on_request_headers", "C.on_request_headers",
      "C.on_response_headers", "B.on_response_headers", "A.on_response_headers",
      "C.on_response_body", "B.on_response_body", "A.on_response_body",
    ]);
  });

  it("a local reply ends the request path and still passes through the response path of earlier filters", async () => {
    const f = await chain(["A", "B", "C"]);
    const r = await f.request({ path: "/", headers: { "x-op-B": "local:403" } });
    expect(r.status).toBe(403);
    expect(r.body).toBe("denied by B");
    expect(r.upstreamRequest).toBeNull();
    expect(r.headers["x-local-by"]).toBe("B");
    expect(r.headers["content-type"]).toBe("text/plain");
    // C never saw the request; B (the sender) and A see the reply on the way out.
    expect(r.headerList.filter(([k]) => k === "x-response-by").map(([, v]) => v)).toEqual(["B", "A"]);
    expect(r.actions.some((a) => a.plugin === "C" && a.callback !== "on_log")).toBe(false);
    // Every filter still gets its access-log callback, with the final status.
    expect(r.logs.filter((l) => l.message.includes("on_log")).map((l) => l.message.replace(/ctx=\d+ /, "").replace(/ code=.*$/, ""))).toEqual([
      "A: on_log status=403", "B: on_log status=403", "C: on_log status=403",
    ]);
  });

  it("a local reply to a gRPC request is a trailers-only gRPC answer; to HEAD it has no body", async () => {
    const f = await chain(["A"]);
    const g = await f.request({ method: "POST", path: "/pkg.Svc/Call", headers: { "content-type": "application/grpc", "x-op": "local:403" } });
    expect(g.status).toBe(200);
    expect(g.headers["grpc-status"]).toBe("7"); // 403 → PERMISSION_DENIED
    expect(g.headers["grpc-message"]).toBe("denied by A");
    expect(g.body).toBe("");
    const h = await f.request({ method: "HEAD", path: "/", headers: { "x-op": "local:403" } });
    expect(h.status).toBe(403);
    expect(h.headers["content-length"]).toBe("11");
    expect(h.body).toBe("");
  });

  it("a local reply stops iteration even if the filter returns Continue", async () => {
    const f = await chain(["A", "B"]);
    const r = await f.request({ path: "/", headers: { "x-op-A": "local-continue:401" } });
    expect(r.status).toBe(401);
    expect(r.upstreamRequest).toBeNull();
    expect(r.actions[0]).toEqual({ plugin: "A", callback: "on_request_headers", action: "StopAllIterationAndWatermark" });
  });

  it("a local reply from the response path replaces the upstream response", async () => {
    const f = await chain(["A", "B"]);
    const r = await f.request({ path: "/", headers: { "x-op-B": "local-on-response" } });
    expect(r.status).toBe(418);
    expect(r.body).toBe("teapot from B");
    expect(r.upstreamRequest).not.toBeNull();
  });

  it("trailers pass through every filter in order", async () => {
    const f = await chain(["A", "B"]);
    const r = await f.request({ method: "POST", path: "/", body: "x", trailers: { "x-trailer": "t" } });
    expect(r.upstreamRequest!.trailers["x-trailer-seen-by"]).toBe("A, B");
  });

  it("runs on_log, on_done and on_delete once per filter at the end, in that order", async () => {
    const f = await chain(["A"]);
    const r = await f.request({ path: "/" });
    const tail = r.logs.map((l) => l.message.replace(/ ctx=\d+.*$/, "")).filter((m) => /on_(log|done|delete)/.test(m));
    expect(tail).toEqual(["A: on_log", "A: on_done", "A: on_delete"]);
  });
});

describe("pausing and resuming", () => {
  it("StopIteration pauses the request until proxy_continue_stream from a tick", async () => {
    const f = await loadFilter(await buildRaw("probe"), { name: "T", config: "name=T;tick=100" });
    loaded.push(f);
    const pending = f.request({ path: "/", headers: { "x-op": "pause-tick" } });
    await new Promise((r) => setTimeout(r, 20));
    await f.advanceTime(100);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.upstreamRequest!.headers["x-resumed-by"]).toBe("tick");
    expect(r.actions[0]!.action).toBe("StopIteration");
  });

  it("the response path pauses too; data arriving meanwhile reaches the filter after continue", async () => {
    const wasm = await buildRaw("probe");
    const f = await loadChain([{ wasm, name: "A", config: "name=A" }, { wasm, name: "B", config: "name=B;tick=100" }]);
    loaded.push(f);
    const pending = f.request({ path: "/", headers: { "x-op-B": "pause-response-tick" } }, { upstream: () => ({ status: 201, body: ["ab", "cd"] }) });
    await new Promise((r) => setTimeout(r, 20));
    // B holds the response: A has not seen it yet, and B saw no body.
    expect(f.logs.some((l) => l.message.startsWith("A: on_response_headers"))).toBe(false);
    expect(f.logs.some((l) => l.message.startsWith("B: on_response_body"))).toBe(false);
    await f.advanceTime(100);
    const r = await pending;
    expect(r.status).toBe(201);
    expect(r.body).toBe("abcd");
    expect(r.headers["x-response-resumed-by"]).toBe("tick");
    // After continue, the held body goes through B first (Envoy iterates from the stopped filter), then A.
    const bodyCalls = r.actions.filter((a) => a.callback === "on_response_body").map((a) => a.plugin);
    expect(bodyCalls).toEqual(["B", "A"]);
    expect(r.logs.find((l) => l.message.startsWith("B: on_response_body"))!.message).toMatch(/size=4 eos=1/);
  });

  it("response properties are available at access-log time", async () => {
    const f = await chain(["A"]);
    const r = await f.request({ path: "/" }, { upstream: () => ({ status: 207, body: "12345" }) });
    const line = r.logs.find((l) => l.message.startsWith("A: on_log"))!.message;
    expect(line).toContain(`code=0:${Buffer.from(new BigInt64Array([207n]).buffer).toString("hex")}`);
    expect(line).toContain(`details=0:${Buffer.from("via_upstream").toString("hex")}`);
    expect(line).toContain(`size=0:${Buffer.from(new BigInt64Array([5n]).buffer).toString("hex")}`);
  });

  it("a paused stream that is never resumed is reported, not hung", async () => {
    const f = await loadFilter(await buildRaw("probe"), { name: "T", config: "name=T" });
    loaded.push(f);
    await expect(f.request({ path: "/", headers: { "x-op": "pause-tick" } }, { timeoutMs: 200 })).rejects.toThrow(/did not finish within 200 ms.*on_request_headers → StopIteration/);
  });

  it("StopIterationAndBuffer hands the accumulated body to the next body callback", async () => {
    const f = await loadFilter(await buildRaw("probe"), { name: "B", config: "name=B" });
    loaded.push(f);
    const r = await f.request({ method: "POST", path: "/", headers: { "x-op": "buffer" }, body: ["hello ", "wide ", "world"] });
    expect(r.upstreamRequest!.body).toBe("HELLO WIDE WORLD");
    const sizes = r.logs.filter((l) => l.message.includes("on_request_body")).map((l) => /size=(\d+) eos=(\d)/.exec(l.message)!.slice(1).join("/"));
    expect(sizes).toEqual(["6/0", "11/0", "16/1"]);
    expect(r.actions.filter((a) => a.callback === "on_request_body").map((a) => a.action)).toEqual(["StopIterationAndBuffer", "StopIterationAndBuffer", "Continue"]);
  });

  it("StopIterationAndWatermark holds chunks but shows each callback only its new chunk; NoBuffer drops them", async () => {
    const f = await loadFilter(await buildRaw("probe"), { name: "W", config: "name=W", bufferLimitBytes: 4 });
    loaded.push(f);
    const r = await f.request({ method: "POST", path: "/", headers: { "x-op": "watermark" }, body: ["hello ", "wide ", "world"] });
    expect(r.upstreamRequest!.body).toBe("hello wide world"); // no limit: watermarks are flow control
    const sizes = r.logs.filter((l) => l.message.includes("on_request_body")).map((l) => /size=(\d+)/.exec(l.message)![1]);
    expect(sizes).toEqual(["6", "5", "5"]);
    const n = await f.request({ method: "POST", path: "/", headers: { "x-op": "nobuffer" }, body: ["hello ", "wide ", "world"] });
    expect(n.upstreamRequest!.body).toBe("world");
  });

  it("a buffering filter past the buffer limit gets Envoy's 413 (request) / 500 (response)", async () => {
    const f = await chain(["A"], { bufferLimitBytes: 10 });
    const r = await f.request({ method: "POST", path: "/", headers: { "x-op": "buffer" }, body: ["0123456", "789abc"] });
    expect(r.status).toBe(413);
    expect(r.body).toBe("Payload Too Large");
    // The headers had gone upstream (the filter continued them); no body byte did.
    expect(r.upstreamRequest!.body).toBe("");
    const g = await chain(["B"], { bufferLimitBytes: 10 });
    const s = await g.request({ path: "/", headers: { "x-op": "buffer-response" } }, { upstream: () => ({ status: 200, body: ["0123456", "789abc", "!"] }) });
    // The filter had let the response headers reach the client, so Envoy can only reset the stream.
    expect(s.reset).toMatch(/local reply 500 after the response started/);
    // Within the limit nothing changes.
    const ok = await f.request({ method: "POST", path: "/", headers: { "x-op": "buffer" }, body: ["01234", "5"] });
    expect(ok.upstreamRequest!.body).toBe("012345");
  });

  it("survives memory growth while the host copies a large body in (views are refreshed)", async () => {
    const f = await loadFilter(await buildRaw("probe"), { name: "M", config: "name=M", bufferLimitBytes: 16 * 1024 * 1024 });
    loaded.push(f);
    const chunk = "abcdefghij".repeat(100_000); // 1 MB per chunk, 3 MB in all: the module's memory must grow
    const r = await f.request({ method: "POST", path: "/", headers: { "x-op": "buffer" }, body: [chunk, chunk, chunk] });
    expect(r.upstreamRequest!.bodyBytes.byteLength).toBe(3_000_000);
    expect(r.upstreamRequest!.body.slice(0, 20)).toBe("ABCDEFGHIJABCDEFGHIJ");
    expect(r.upstreamRequest!.body.slice(-10)).toBe("ABCDEFGHIJ");
  });

  it("buffers the response body the same way", async () => {
    const f = await chain(["A", "B"]);
    const r = await f.request({ path: "/", headers: { "x-op-B": "buffer-response" } }, { upstream: () => ({ status: 200, body: ["a", "b", "c"] }) });
    expect(r.body).toBe("abc!B");
  });

  it("StopAllIterationAndBuffer on headers holds the body until continue, then the filter sees it", async () => {
    const f = await chain(["A"]);
    // The probe never continues this one: the request must not reach the upstream.
    await expect(f.request({ method: "POST", path: "/", headers: { "x-op": "stop-all-buffer" }, body: "xyz" }, { timeoutMs: 100 })).rejects.toThrow(/did not finish/);
    expect(f.logs.some((l) => l.message.includes("on_request_body"))).toBe(false);
  });

  it("close_stream resets the stream", async () => {
    const f = await chain(["A"]);
    const r = await f.request({ path: "/", headers: { "x-op": "close" } });
    expect(r.reset).toMatch(/closed by filter "A"/);
    expect(r.upstreamRequest).toBeNull();
  });
});

describe("http_call", () => {
  it("calls a named cluster and delivers the response to the root context", async () => {
    let seen: { path: string; headers: Record<string, string>; body: string } | undefined;
    const f = await chain(["A"], { clusters: { auth: (req) => { seen = req; return { status: 200, body: "allowed" }; } } });
    const r = await f.request({ path: "/", headers: { "x-op": "call:auth" } });
    expect(r.status).toBe(200);
    expect(r.upstreamRequest!.headers["x-call"]).toBe("200 allowed");
    expect(seen!.path).toBe("/check");
    expect(seen!.headers["x-from"]).toBe("A");
    expect(seen!.body).toMatch(/^ctx=\d+$/);
    expect(r.logs.some((l) => /on_http_call_response root=1 token=\d+ headers=1 body=7/.test(l.message))).toBe(true);
  });

  it("a callback can answer locally", async () => {
    const f = await chain(["A"], { clusters: { auth: () => ({ status: 403 }) } });
    const r = await f.request({ path: "/", headers: { "x-op": "call:auth" } });
    expect(r.status).toBe(403);
    expect(r.body).toBe("call said no");
  });

  // Envoy's AsyncClient runs the router: a timeout is the router's 504 local reply, which reaches
  // the filter through onHttpCallSuccess like any answer (only resets go through onHttpCallFailure).
  it("a timeout delivers the router's 504 response, not the failure callback", async () => {
    const f = await chain(["A"], { clusters: { slow: () => new Promise(() => {}) } });
    const pending = f.request({ path: "/", headers: { "x-op": "call:slow", "x-timeout": "250" } });
    await new Promise((r) => setTimeout(r, 20));
    await f.advanceTime(249);
    expect(f.logs.some((l) => l.message.includes("on_http_call_response"))).toBe(false);
    await f.advanceTime(1);
    const r = await pending;
    expect(r.upstreamRequest!.headers["x-call"]).toBe("504 upstream request timeout");
    expect(r.logs.some((l) => /on_http_call_response root=1 token=\d+ headers=3 body=24/.test(l.message))).toBe(true);
  });

  it("a resolver answering { failure: \"timeout\" } (the proxy's own timer) delivers the same 504 response", async () => {
    const plugin = await loadPlugin({
      wasm: await buildRaw("probe"), name: "A", config: "name=A", clock: createManualClock(),
      clusters: { has: (name) => name === "slow", call: async () => ({ failure: "timeout" }) },
    });
    const upstream: HeaderList[] = [];
    const stream = createFilterChain([plugin]).newStream({ remoteAddress: "1.2.3.4:5", localAddress: "127.0.0.1:80", protocol: "HTTP/1.1" }, {
      upstreamHeaders: (h) => upstream.push(h), upstreamData() {}, upstreamTrailers() {},
      downstreamHeaders() {}, downstreamData() {}, downstreamTrailers() {},
    });
    await stream.decodeHeaders([[":method", "GET"], [":path", "/"], [":authority", "x"], ["x-op", "call:slow"]], true);
    await new Promise((r) => setTimeout(r, 10));
    expect(upstream[0]?.find(([k]) => k === "x-call")?.[1]).toBe("504 upstream request timeout");
    await stream.destroy();
    await plugin.close();
  });

  it("a reset upstream delivers the failure callback", async () => {
    const f = await chain(["A"], { clusters: { down: () => ({ failure: "reset" }) } });
    const r = await f.request({ path: "/", headers: { "x-op": "call:down" } });
    expect(r.upstreamRequest!.headers["x-call"]).toBe("failed 11 reset");
  });

  it("an unknown cluster fails at the call site with BadArgument", async () => {
    const f = await chain(["A"]);
    const r = await f.request({ path: "/", headers: { "x-op": "call:nowhere" } });
    expect(r.upstreamRequest!.headers["x-call-dispatch"]).toBe("2");
    expect(r.logs.some((l) => l.message.includes('unknown cluster "nowhere"'))).toBe(true);
  });
});

describe("host robustness", () => {
  it("an empty chain passes the stream straight through", async () => {
    const seen: string[] = [];
    const stream = createFilterChain([]).newStream({ remoteAddress: "1.2.3.4:5", localAddress: "127.0.0.1:80", protocol: "HTTP/1.1" }, {
      upstreamHeaders: (h, eos) => seen.push(`up ${h.length} ${eos}`), upstreamData: (c, eos) => seen.push(`updata ${c.length} ${eos}`),
      upstreamTrailers: () => seen.push("uptrailers"), downstreamHeaders: (h, eos) => seen.push(`down ${h[0]![1]} ${eos}`),
      downstreamData: (c, eos) => seen.push(`downdata ${c.length} ${eos}`), downstreamTrailers: () => seen.push("downtrailers"),
    });
    await stream.decodeHeaders([[":method", "POST"], [":path", "/"]], false);
    await stream.decodeData(new Uint8Array(3), true);
    await stream.encodeHeaders([[":status", "204"]], true);
    await stream.finished;
    expect(seen).toEqual(["up 2 false", "updata 3 true", "down 204 true"]);
    expect(stream.callbacks).toEqual([]);
  });

  it("a cluster handler that throws or answers nonsense becomes a failed call, not a crash", async () => {
    const f = await chain(["A"], {
      clusters: {
        throws: () => { throw new Error("handler bug"); },
        nonsense: () => ({ status: "teapot" }) as never,
      },
    });
    const a = await f.request({ path: "/", headers: { "x-op": "call:throws" } });
    expect(a.upstreamRequest!.headers["x-call"]).toBe("failed 11 reset");
    expect(a.logs.some((l) => l.message.includes('cluster "throws" call failed: handler bug'))).toBe(true);
    const b = await f.request({ path: "/", headers: { "x-op": "call:nonsense" } });
    expect(b.upstreamRequest!.headers["x-call"]).toBe("failed 11 reset");
    expect(b.logs.some((l) => l.message.includes('cluster "nonsense" answered {"status":"teapot"'))).toBe(true);
  });

  it("a sink that throws while a tick resumes a stream is logged, not thrown into the timer", async () => {
    const clock = createManualClock();
    const plugin = await loadPlugin({ wasm: await buildRaw("probe"), name: "T", config: "name=T;tick=50", clock });
    const stream = createFilterChain([plugin]).newStream({ remoteAddress: "1.2.3.4:5", localAddress: "127.0.0.1:80", protocol: "HTTP/1.1" }, {
      upstreamHeaders: () => { throw new Error("sink bug"); },
      upstreamData: () => {}, upstreamTrailers: () => {}, downstreamHeaders: () => {}, downstreamData: () => {}, downstreamTrailers: () => {},
    });
    await stream.decodeHeaders([[":method", "GET"], [":path", "/"], [":authority", "a"], ["x-op", "pause-tick"]], true);
    clock.advance(50); // would throw out of the timer callback without the guard
    expect(plugin.logs.some((l) => l.level === "critical" && l.message.includes("error while delivering proxy_on_tick") && l.message.includes("sink bug"))).toBe(true);
    await stream.destroy();
    await plugin.close();
  });
});
