// Runs the compiled filter in ProxyScript's embedded host, which follows Envoy's semantics: with
// `workers: 2` there are two VMs, and only shared data is shared between them.
// `npm test` builds build/{{filterName}}.wasm first (`proxyscript build`).
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
const config = { requests_per_window: 3, window: "1m", key_header: "x-api-key" };

let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}}", () => {
  it("allows requests_per_window per client across worker VMs, then answers 429", async () => {
    filter = await loadFilter(wasm, { config, workers: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await filter.request({ path: "/", headers: { "x-api-key": "alice" } }, { worker: i % 2 });
      statuses.push(response.status);
      if (i === 0) expect(response.headers["x-ratelimit-remaining"]).toBe("2");
      if (i === 3) expect(response.headers["retry-after"]).toBe("60");
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another client has its own count.
    expect((await filter.request({ path: "/", headers: { "x-api-key": "bob" } })).status).toBe(200);
    expect(filter.metric("{{filterName}}.limited")).toBe(1n);
  });

  it("starts counting again in the next window", async () => {
    filter = await loadFilter(wasm, { config: { ...config, requests_per_window: 1 } });
    expect((await filter.request({ path: "/", headers: { "x-api-key": "alice" } })).status).toBe(200);
    expect((await filter.request({ path: "/", headers: { "x-api-key": "alice" } })).status).toBe(429);
    await filter.advanceTime(60_000);
    expect((await filter.request({ path: "/", headers: { "x-api-key": "alice" } })).status).toBe(200);
  });

  it("counts by source address when the key header is absent", async () => {
    filter = await loadFilter(wasm, { config: { ...config, requests_per_window: 1 } });
    expect((await filter.request({ path: "/" }, { remoteAddress: "198.51.100.1:1000" })).status).toBe(200);
    expect((await filter.request({ path: "/" }, { remoteAddress: "198.51.100.2:1000" })).status).toBe(200);
    expect((await filter.request({ path: "/" }, { remoteAddress: "198.51.100.1:2000" })).status).toBe(429);
  });

  it("refuses a configuration without requests_per_window, naming the field", async () => {
    const failure = await loadFilter(wasm, { config: { window: "1m" } }).catch((e: { logs: Array<{ message: string }> }) => e);
    const messages = (failure as { logs: Array<{ message: string }> }).logs.map((l) => l.message);
    expect(messages).toContain("{{filterName}}: invalid configuration: requests_per_window: is required");
  });
});
