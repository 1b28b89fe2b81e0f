// The WAF's collection points (sdk/collector.ts: compiling CRS collects between directives and
// scanners) must hold every object the frames on the stack still use. A build that collects at
// every point and after every callback (PROXYSCRIPT_GC_BUDGET=0) turns a forgotten hold into a
// trap or a wrong verdict, so it runs the CRS regression cases beside the normal build and must
// agree with it on every one.
import { describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { DEFAULT_CRS_RULES_DIR } from "../../../harness/build/crs.ts";
import { runRegression } from "./support/regression.ts";
import { crsFilterWasm, haveCrs, haveRegression, REGRESSION_DIR, runThroughHost } from "./support/crs-filter.ts";

const skipReason = !haveCrs ? "Debian's modsecurity-crs is not installed (apt-get install modsecurity-crs)" :
  !haveRegression ? `${REGRESSION_DIR} is absent` : "";
if (skipReason) console.warn(`collection-point tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== "")("WAF collection points", () => {
  it("a build collecting at every point gives the normal build's verdict on every CRS regression case", async () => {
    const normalWasm = await crsFilterWasm();
    const stressWasm = await crsFilterWasm(["--use", "PROXYSCRIPT_GC_BUDGET=0"]);
    let normal: LoadedFilter | null = null;
    let stress: LoadedFilter | null = null;
    const differences: string[] = [];
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
        const show = (o: typeof got) => o === null ? "refused" : `${o.status} [${[...o.loggedIds].sort().join(",")}]`;
        if (show(got) !== show(expected)) differences.push(`${req.method} ${req.uri.slice(0, 80)}: ${show(got)}, normal build ${show(expected)}`);
        return expected;
      },
    });
    await Promise.all([(normal as LoadedFilter | null)?.close(), (stress as LoadedFilter | null)?.close()]);
    console.log(`collection points: ${compared} CRS regression requests, ${differences.length} differences with a collection at every point`);
    expect(compared).toBeGreaterThan(1500);
    expect(differences).toEqual([]);
  }, 600_000);
});
