// The WAF's collection points (sdk/abi/collector.ts: compiling CRS collects between directives and
// scanners) must hold every object the frames on the stack still use. A build that collects at
// every point and after every callback (PROXYSCRIPT_GC_BUDGET=0) turns a forgotten hold into a
// trap or a wrong verdict, so it runs the CRS regression cases beside the normal build and must
// agree with it on every one.
import { describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { DEFAULT_CRS_RULES_DIR } from "../../../harness/build/crs.ts";
import { runRegression } from "./support/regression.ts";
import { crsFilterWasm, haveCrs, haveRegression, REGRESSION_DIR, runThroughHost } from "./support/crs-filter.ts";
import { attackCorpus, benignCorpus } from "./support/corpus.ts";
import { buildWasm } from "../../../test/support/build.ts";
import type { FtwRequest, WafOutcome } from "./support/ftw.ts";

const STRESS = ["--use", "PROXYSCRIPT_GC_BUDGET=0"];
const show = (o: WafOutcome | null) => o === null ? "refused" : `${o.status} [${[...o.loggedIds].sort().join(",")}]`;

/** Runs `requests` through both filters: the requests whose outcomes differ, and how many the normal build blocked. */
async function compare(normal: LoadedFilter, stress: LoadedFilter, requests: FtwRequest[]): Promise<{ differences: string[]; blocked: number }> {
  const differences: string[] = [];
  let blocked = 0;
  for (const req of requests) {
    const outcome = await runThroughHost(normal, req);
    if (outcome !== null && outcome.status === 403) blocked++;
    const expected = show(outcome);
    const got = show(await runThroughHost(stress, req));
    if (got !== expected) differences.push(`${req.method} ${req.uri.slice(0, 80)}: ${got}, normal build ${expected}`);
  }
  return { differences, blocked };
}

const skipReason = !haveCrs ? "Debian's modsecurity-crs is not installed (apt-get install modsecurity-crs)" :
  !haveRegression ? `${REGRESSION_DIR} is absent` : "";
if (skipReason) console.warn(`collection-point tests skipped: ${skipReason}`);

describe("WAF collection points, without CRS", () => {
  it("the default rule set and inline directives give the same verdicts with a collection at every point", async () => {
    const [normalWasm, stressWasm] = [await buildWasm("filters/waf/index.ts"), await buildWasm("filters/waf/index.ts", { extraArgs: STRESS })];
    const requests = [...benignCorpus(150, 3), ...attackCorpus(5)];
    const configs = [
      {},
      { include_crs: false, directives: 'SecRule ARGS|REQUEST_HEADERS "@rx (?i)union\\s+select|<script" "id:10,phase:2,deny,status:403,t:urlDecodeUni,t:lowercase,msg:\'probe\'"\nSecRule REQUEST_URI "@contains /admin" "id:11,phase:1,deny"' },
    ];
    for (const config of configs) {
      const normal = await loadFilter(normalWasm, { config });
      const stress = await loadFilter(stressWasm, { config });
      const { differences, blocked } = await compare(normal, stress, requests);
      expect(differences, JSON.stringify(config)).toEqual([]);
      expect(blocked, `requests blocked with ${JSON.stringify(config)}`).toBeGreaterThanOrEqual(5);
      await Promise.all([normal.close(), stress.close()]);
    }
  }, 300_000);
});

describe.skipIf(skipReason !== "")("WAF collection points", () => {
  it("a build collecting at every point gives the normal build's verdict on every CRS regression case", async () => {
    const normalWasm = await crsFilterWasm();
    const stressWasm = await crsFilterWasm(STRESS);
    let normal: LoadedFilter | null = null;
    let stress: LoadedFilter | null = null;
    const mismatches: string[] = [];
    let compared = 0;
    await runRegression(REGRESSION_DIR, DEFAULT_CRS_RULES_DIR, {
      async configure(pl) {
        await Promise.all([normal?.close(), stress?.close()]);
        const config = { include_crs: true, crs: { paranoia_level: pl } };
        [normal, stress] = await Promise.all([loadFilter(normalWasm, { config }), loadFilter(stressWasm, { config })]);
        expect(stress.logs.find((l) => / compiled in /.test(l.message))?.message).toMatch(/635 rules/);
      },
      async run(req) {
        const expected = await runThroughHost(normal!, req);
        const got = await runThroughHost(stress!, req);
        compared++;
        if (show(got) !== show(expected)) mismatches.push(`${req.method} ${req.uri.slice(0, 80)}: ${show(got)}, normal build ${show(expected)}`);
        return expected;
      },
    });
    await Promise.all([(normal as LoadedFilter | null)?.close(), (stress as LoadedFilter | null)?.close()]);
    console.log(`collection points: ${compared} CRS regression requests, ${mismatches.length} differences with a collection at every point`);
    expect(compared).toBeGreaterThan(1500);
    expect(mismatches).toEqual([]);
  }, 600_000);
});
