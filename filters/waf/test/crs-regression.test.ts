// OWASP CRS 3.3.4's own regression tests (../shared/crs-3.3.4-regression, go-ftw format) through
// the embedded host, with Debian's CRS embedded, each at its rule's paranoia level. Also measures
// rule-set start-up per VM.
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { systemClock } from "../../../harness/host/clock.ts";
import { DEFAULT_CRS_RULES_DIR } from "../../../harness/build/crs.ts";
import { runRegression } from "./support/regression.ts";
import { crsFilterWasm, haveCrs, haveRegression, REGRESSION_DIR, runThroughHost } from "./support/crs-filter.ts";

const skipReason = !haveCrs ? "Debian's modsecurity-crs is not installed (apt-get install modsecurity-crs)" :
  !haveRegression ? `${REGRESSION_DIR} is absent` : "";
if (skipReason) console.warn(`CRS tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== "")("OWASP CRS 3.3.4", () => {
  it("passes at least 95 % of the CRS regression tests through the embedded host", async () => {
    const wasm = await crsFilterWasm();
    let f: LoadedFilter | null = null;
    const report = await runRegression(REGRESSION_DIR, DEFAULT_CRS_RULES_DIR, {
      async configure(pl) {
        if (f) await f.close();
        f = await loadFilter(wasm, { config: { include_crs: true, crs: { paranoia_level: pl } } });
      },
      run: (req) => runThroughHost(f!, req),
    });
    if (f) await (f as LoadedFilter).close();
    const rate = report.passed / report.total;
    const out = path.join(PACKAGE_ROOT, ".cache/waf-regression-report.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2));
    console.log(`CRS regression: ${report.passed}/${report.total} passed (${(rate * 100).toFixed(1)} %) in ${(report.millis / 1000).toFixed(1)} s; failures in ${out}`);
    expect(report.total).toBeGreaterThan(1500);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it("compiles all CRS rules in each worker VM and reports time and memory", async () => {
    const wasm = await crsFilterWasm();
    // The system clock, so the filter's own "compiled in N ms" measures real time.
    const f = await loadFilter(wasm, { config: { include_crs: true, crs: { paranoia_level: 4 } }, workers: 2, clock: systemClock });
    const lines = f.logs.filter((l) => / rules \(OWASP CRS\) compiled in /.test(l.message));
    expect(lines.map((l) => l.worker).sort()).toEqual([0, 1]);
    for (const l of lines) console.log(`worker ${l.worker}: ${l.message}`);
    const rules = Number(/waf: (\d+) rules/.exec(lines[0].message)![1]);
    expect(rules).toBeGreaterThan(500);
    // The target is < 300 ms per VM on an idle core (~100 ms CPU measured); wall time on a loaded
    // machine is far higher, so this bound only catches gross regressions. The measured numbers are printed above.
    for (const l of lines) expect(Number(/compiled in ([\d.]+) ms/.exec(l.message)![1])).toBeLessThan(10_000);
    // Memory is deterministic: loading CRS fits in 10 MiB of linear memory when the load's
    // garbage is collected in time (the collection points in seclang/ruleset.ts and engine/plan.ts);
    // one more doubling (20 MiB) is a regression.
    for (const l of lines) expect(Number(/VM memory (\d+) KiB/.exec(l.message)![1])).toBeLessThanOrEqual(12 * 1024);
    const blocked = await f.request({ method: "GET", path: "/?id=1'%20or%201=1--", headers: { "user-agent": "test", accept: "*/*" } });
    expect(blocked.status).toBe(403);
    const clean = await f.request({ method: "GET", path: "/index.html?page=2", headers: { "user-agent": "Mozilla/5.0", accept: "text/html" } });
    expect(clean.status).toBe(200);
    await f.close();
  }, 300_000);
});
