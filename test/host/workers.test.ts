// Worker VMs: shared data with CAS under contention, shared queues across workers, and traps
// (fail closed / fail open) with the trapped VM replaced while shared data survives.
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "../../harness/testing.ts";
import { buildRaw } from "./support/build-raw.ts";

const loaded: LoadedFilter[] = [];
afterEach(async () => { for (const f of loaded.splice(0)) await f.close(); });

async function probe(options: Parameters<typeof loadFilter>[1]) {
  const f = await loadFilter(await buildRaw("probe"), options);
  loaded.push(f);
  return f;
}

describe("shared data", () => {
  it("4 workers x 50 concurrent compare-and-swap increments give the exact total", async () => {
    // The cluster answers after a random real delay, so reads and writes of different workers interleave.
    const f = await probe({
      name: "cas", config: "name=cas", workers: 4,
      clusters: { slow: () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), Math.random() * 5)) },
    });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => f.request({ path: `/${i}`, headers: { "x-op": "incr" } }, { timeoutMs: 20_000 })));
    expect(results.every((r) => r.upstreamRequest?.headers["x-incr"] === "0")).toBe(true);
    expect(new Set(results.map((r) => r.logs.find((l) => l.message.includes("on_request_headers"))?.worker)).size).toBe(4);
    // Contention really happened: some writes lost the CAS race and retried, yet none was lost.
    expect(f.metric("cas_retries") ?? 0n).toBeGreaterThan(0n);
    expect(sharedValue(f, "counter")).toBe("200");
  });
});

/** Reads shared data the way the filter sees it (the test API gives each chain its own SharedState). */
function sharedValue(f: LoadedFilter, key: string): string | undefined {
  const plugin = f.plugins[0] as unknown as { shared: { getSharedData(vmId: string, key: string): { value: Uint8Array } | undefined } };
  const entry = plugin.shared.getSharedData("", key);
  return entry === undefined ? undefined : new TextDecoder().decode(entry.value);
}

describe("shared queues", () => {
  it("an item enqueued on any worker is delivered to the registering VM's root context", async () => {
    const f = await probe({ name: "q", config: "name=q;queue=q", workers: 3 });
    // Every worker registers "q"; the last registration (worker 2) receives on_queue_ready.
    for (let w = 0; w < 3; w++) {
      const r = await f.request({ path: "/", headers: { "x-op": `enqueue:item-${w}` } }, { worker: w });
      expect(r.upstreamRequest!.headers["x-enqueue"]).toBe("0");
    }
    await new Promise((r) => setImmediate(r));
    const dequeued = f.logs.filter((l) => l.message.includes("dequeued"));
    expect(dequeued.map((l) => l.message)).toEqual(["q: dequeued item-0 on root 1", "q: dequeued item-1 on root 1", "q: dequeued item-2 on root 1"]);
    expect(new Set(dequeued.map((l) => l.worker))).toEqual(new Set([2]));
  });

  it("resolving an unregistered queue is NotFound", async () => {
    const f = await probe({ name: "nq", config: "name=nq" });
    const r = await f.request({ path: "/", headers: { "x-op": "enqueue:x" } });
    expect(r.upstreamRequest!.headers["x-enqueue"]).toBe("1");
  });
});

describe("traps", () => {
  it("fail closed: the stream gets a 503, the VM is replaced, shared data survives", async () => {
    const f = await probe({ name: "t", config: "name=t" });
    await f.request({ path: "/", headers: { "x-op": "misc" } }); // writes probe-key into shared data
    const plugin = f.plugins[0] as unknown as { vms: Array<{ failed: boolean }>; replacements: number };
    const before = plugin.vms[0];
    const r = await f.request({ path: "/", headers: { "x-op": "trap" } });
    expect(r.status).toBe(503);
    expect(r.upstreamRequest).toBeNull();
    expect(r.actions).toContainEqual({ plugin: "t", callback: "on_request_headers", action: "Trap" });
    expect(r.logs.some((l) => l.level === "critical" && l.message.includes("wasm trap: unreachable"))).toBe(true);
    expect(r.logs.some((l) => l.message.includes("VM replaced by a fresh instance"))).toBe(true);
    expect(plugin.replacements).toBe(1);
    expect(plugin.vms[0]).not.toBe(before);
    expect(before!.failed).toBe(true);
    // The fresh VM was started and configured again and serves the next request.
    const next = await f.request({ path: "/" });
    expect(next.status).toBe(200);
    expect(next.upstreamRequest!.headers["x-request-by"]).toBe("t");
    expect(sharedValue(f, "probe-key")).toBe("v2");
  });

  it("fail open: the trapping filter is skipped for the stream", async () => {
    const f = await probe({ name: "t", config: "name=t", failOpen: true });
    const r = await f.request({ method: "POST", path: "/", headers: { "x-op": "trap-body" }, body: "payload" });
    expect(r.status).toBe(200);
    expect(r.upstreamRequest!.body).toBe("payload");
    expect(r.actions).toContainEqual({ plugin: "t", callback: "on_request_body", action: "Trap" });
  });

  it("a trap on the response path before the client got headers answers 503", async () => {
    const f = await probe({ name: "t", config: "name=t" });
    const r = await f.request({ path: "/", headers: { "x-op": "trap-response" } });
    // The response had entered the filter chain but not reached the client: Envoy answers 503 directly.
    expect(r.status).toBe(503);
    expect(r.upstreamRequest).not.toBeNull();
  });
});
