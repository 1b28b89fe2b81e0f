// Cost per request of the reference filters through the embedded host, as a ratio to the no-op
// filter floor measured in the same run: header-rewrite with 10 operations (target ≤ 2×),
// rate-limit with one hot key and with 10,000 distinct keys (target ≤ 3×).
import type { HeaderList, Plugin } from "../harness/host/api.ts";
import { createManualClock, loadPlugin, SharedState } from "../harness/host/index.ts";
import { measureCases } from "./support/stream-cost.ts";
import { buildWasm } from "../test/support/build.ts";
import type { BenchRow, BenchSuite } from "./types.ts";

const REQUESTS = 20_000;
const WARMUP = 2_000;
const ROUNDS = 5;

/** 10 operations of the kinds most configs use: set, add and remove with literal values. */
const HEADER_REWRITE_10_OPS = {
  request: { set: { "x-a": "1", "x-b": "2", "x-c": "3" }, add: { "x-d": "4", "x-e": "5" }, remove: ["x-f", "x-g"] },
  response: { set: { server: "proxyscript" }, add: { "x-served-by": "edge" }, remove: ["x-powered-by"] },
};

/** 10 operations including the ones that must read headers first: rename and %REQ()% values. */
const HEADER_REWRITE_10_OPS_READING = {
  request: { set: { "x-a": "1", "x-b": "2", "x-c": "%REQ(x-source)%" }, add: { "x-d": "4", "x-e": "5" }, remove: ["x-f", "x-g"], rename: { "x-h": "x-i" } },
  response: { set: { server: "proxyscript" }, remove: ["x-powered-by"] },
};

const RATE_LIMIT = (key: string[]) => ({
  stat_prefix: "bench",
  key,
  // Large enough that every measured request passes: each one reads and CAS-writes its bucket.
  token_bucket: { max_tokens: 1_000_000_000, tokens_per_fill: 1_000_000_000, fill_interval: "1s" },
});

const RESPONSE: HeaderList = [[":status", "200"], ["content-type", "text/plain"], ["x-powered-by", "node"], ["content-length", "2"]];

/** Requests carrying the headers the header-rewrite cases read, remove and rename. */
function requestHeaders(i: number): HeaderList {
  return [
    [":method", "GET"], [":path", `/api/items?page=${i % 10}`], [":authority", "example.com"], [":scheme", "http"],
    ["user-agent", "bench/1.0"], ["accept", "*/*"], ["x-source", "s"], ["x-f", "f"], ["x-h", "h"],
    ["x-user", `user-${i % 10_000}`],
  ];
}

const SHAPE = { requestHeaders, responseHeaders: RESPONSE };

interface Case {
  name: string;
  plugin: Plugin;
  key: string;
}

const suite: BenchSuite = {
  name: "filters (header-rewrite, rate-limit)",
  async run(): Promise<BenchRow[]> {
    const [noop, headerRewrite, rateLimit] = await Promise.all([
      buildWasm("bench/fixtures/noop/index.ts"),
      buildWasm("filters/header-rewrite/index.ts"),
      buildWasm("filters/rate-limit/index.ts"),
    ]);
    const clock = createManualClock();
    const load = (wasm: string, config: object) => loadPlugin({ wasm, config, clock, sharedState: new SharedState(), logLevel: "info" });
    const cases: Case[] = [
      { name: "no-op filter (floor)", plugin: await load(noop, {}), key: "floor" },
      { name: "header-rewrite, 10 operations (set/add/remove)", plugin: await load(headerRewrite, HEADER_REWRITE_10_OPS), key: "hr" },
      { name: "header-rewrite, 10 ops incl. rename + %REQ()%", plugin: await load(headerRewrite, HEADER_REWRITE_10_OPS_READING), key: "hr-reading" },
      { name: "rate-limit, one hot key", plugin: await load(rateLimit, RATE_LIMIT([])), key: "hot" },
      { name: "rate-limit, 10,000 distinct keys", plugin: await load(rateLimit, RATE_LIMIT(["header:x-user"])), key: "10k" },
    ];
    try {
      const cost = await measureCases(
        cases.map((c) => ({ key: c.key, plugins: [c.plugin], shape: SHAPE })),
        { requests: REQUESTS, warmup: WARMUP, rounds: ROUNDS },
      );
      const floor = cost.get("floor")!;
      return cases.map((c): BenchRow => {
        const value = cost.get(c.key)!;
        if (c.key === "floor") return { name: c.name, value, unit: "µs CPU/request" };
        const ratio = value / floor;
        // The reading variant is informational: its cost is dominated by host reads (see README).
        if (c.key === "hr-reading") return { name: c.name, value, unit: "µs CPU/request", baseline: "no-op floor", ratio };
        const limit = c.key === "hr" ? 2 : 3;
        return { name: c.name, value, unit: "µs CPU/request", baseline: "no-op floor", ratio, target: `≤ ${limit}×`, pass: ratio <= limit };
      });
    } finally {
      for (const c of cases) await c.plugin.close();
    }
  },
};

export default suite;
