// Runs the compiled filter (a copy of ProxyScript's rate-limit reference filter, in src/) in the
// embedded host, which follows Envoy's semantics: with `workers: 2` there are two VMs, and the
// buckets live in shared data, which both see. `npm test` builds it first.
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
const config = {
  stat_prefix: "edge",
  key: ["header:x-api-key"],
  token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: "1m" },
  response_headers: "ratelimit",
};

let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}} (rate-limit)", () => {
  it("spends one bucket per key across worker VMs, then answers 429", async () => {
    filter = await loadFilter(wasm, { config, workers: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await filter.request({ path: "/", headers: { "x-api-key": "alice" } }, { worker: i % 2 })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect((await filter.request({ path: "/", headers: { "x-api-key": "bob" } })).status).toBe(200);
    expect(filter.metric("edge.over_limit")).toBe(1n);
  });

  it("refills after fill_interval", async () => {
    filter = await loadFilter(wasm, { config });
    for (let i = 0; i < 2; i++) await filter.request({ path: "/", headers: { "x-api-key": "alice" } });
    expect((await filter.request({ path: "/", headers: { "x-api-key": "alice" } })).status).toBe(429);
    await filter.advanceTime(60_000);
    expect((await filter.request({ path: "/", headers: { "x-api-key": "alice" } })).status).toBe(200);
  });

  it("refuses a configuration without stat_prefix", async () => {
    const failure = await loadFilter(wasm, { config: { key: ["source_ip"] } }).catch((e: { logs: Array<{ message: string }> }) => e);
    const messages = (failure as { logs: Array<{ message: string }> }).logs.map((l) => l.message).join("\n");
    expect(messages).toContain("stat_prefix");
  });
});
