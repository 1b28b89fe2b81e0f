// The embedded host's own cost per request: a filter beside the no-op filter floor, the chain
// machinery without any filter, a chain of two, and a streamed request body, all in one run; and
// its cost per header call, measured with hand-written modules that make only those calls.
import { createManualClock, loadPlugin, SharedState } from "../harness/host/index.ts";
import type { HeaderList, Plugin } from "../harness/host/api.ts";
import { buildWasm } from "../test/support/build.ts";
import { headerCallModule, type HeaderCall } from "./support/host-call-module.ts";
import { measureCases, requestHeaders, type CostCase } from "./support/stream-cost.ts";
import type { BenchRow, BenchSuite } from "./types.ts";

/** Header calls per request in the per-call cases: enough to stand well above the noise. */
const CALLS_PER_REQUEST = 20;

const BODY_CHUNKS = Array.from({ length: 4 }, () => new Uint8Array(16 * 1024).fill(97));

const suite: BenchSuite = {
  name: "embedded host (per-request cost)",
  async run(): Promise<BenchRow[]> {
    const [noopWasm, helloWasm] = await Promise.all([buildWasm("bench/fixtures/noop/index.ts"), buildWasm("examples/hello/index.ts")]);
    const clock = createManualClock();
    const load = (wasm: string | Uint8Array) => loadPlugin({ wasm, clock, sharedState: new SharedState(), logLevel: "info" });
    const [noop, noop2, hello] = await Promise.all([load(noopWasm), load(noopWasm), load(helloWasm)]);
    const calls: HeaderCall[] = ["replace", "add", "remove", "get"];
    const callPlugins = await Promise.all([
      headerCallModule("get", 0).then(load),
      ...calls.map((call) => headerCallModule(call, CALLS_PER_REQUEST).then(load)),
    ]);
    const plugins: Plugin[] = [noop, noop2, hello, ...callPlugins];
    // Requests carry the x-f header the remove case removes.
    const withRemovable = { requestHeaders: (i: number) => [...requestHeaders(i), ["x-f", "f"]] as HeaderList };
    const cases: CostCase[] = [
      { key: "empty", plugins: [] },
      { key: "floor", plugins: [noop] },
      { key: "hello", plugins: [hello] },
      { key: "two", plugins: [noop, noop2] },
      { key: "body", plugins: [noop], shape: { requestBody: BODY_CHUNKS } },
      { key: "calls:none", plugins: [callPlugins[0]!], shape: withRemovable },
      ...calls.map((call, i): CostCase => ({ key: `calls:${call}`, plugins: [callPlugins[i + 1]!], shape: withRemovable })),
    ];
    try {
      const cost = await measureCases(cases, { requests: 20_000, warmup: 2_000, rounds: 5 });
      const floor = cost.get("floor")!;
      const unit = "µs CPU/request";
      const vsFloor = (key: string) => ({ baseline: "no-op floor", ratio: cost.get(key)! / floor });
      return [
        { name: "no filter (chain machinery only)", value: cost.get("empty")!, unit, ...vsFloor("empty") },
        { name: "no-op filter (floor)", value: floor, unit },
        { name: "hello (sets one response header)", value: cost.get("hello")!, unit, ...vsFloor("hello") },
        { name: "two no-op filters", value: cost.get("two")!, unit, ...vsFloor("two") },
        { name: "no-op filter, 64 KiB body in 4 chunks", value: cost.get("body")!, unit, ...vsFloor("body") },
        ...calls.map((call): BenchRow => ({
          name: `host cost of one header ${call} (no SDK)`,
          value: ((cost.get(`calls:${call}`)! - cost.get("calls:none")!) * 1000) / CALLS_PER_REQUEST,
          unit: "ns CPU/call",
        })),
      ];
    } finally {
      await Promise.all(plugins.map((p) => p.close()));
    }
  },
};

export default suite;
