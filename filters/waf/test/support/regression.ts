// Runs the CRS 3.3.4 regression cases through a WAF, each at its rule's paranoia level, and
// collects the verdicts.
import { FtwCase, FtwRequest, WafOutcome, judge, loadFtwCases, paranoiaLevels } from "./ftw.ts";

export interface RegressionReport {
  total: number;
  passed: number;
  failures: Array<{ file: string; title: string; expected: string; got: string }>;
  millis: number;
}

export interface WafUnderTest {
  /** (Re)configure for a paranoia level. */
  configure(paranoia: number): Promise<void> | void;
  /** null: the request never reaches the WAF (the proxy refuses it, as Envoy's codec would). */
  run(request: FtwRequest): Promise<WafOutcome | null> | WafOutcome | null;
}

export async function runRegression(root: string, rulesDir: string, waf: WafUnderTest, filter?: (c: FtwCase) => boolean): Promise<RegressionReport> {
  const started = performance.now();
  const levels = paranoiaLevels(rulesDir);
  const cases = loadFtwCases(root).filter((c) => !filter || filter(c));
  const byLevel = new Map<number, FtwCase[]>();
  for (const c of cases) {
    const pl = levels.get(c.ruleId) ?? 1;
    if (!byLevel.has(pl)) byLevel.set(pl, []);
    byLevel.get(pl)!.push(c);
  }
  const report: RegressionReport = { total: 0, passed: 0, failures: [], millis: 0 };
  for (const [pl, list] of [...byLevel.entries()].sort((a, b) => a[0] - b[0])) {
    await waf.configure(pl);
    for (const c of list) {
      const outcome = c.request === null ? null : await waf.run(c.request);
      report.total++;
      if (judge(c, outcome)) { report.passed++; continue; }
      const expected = c.logContains !== undefined ? `log ${c.logContains}` : c.noLogContains !== undefined ? `no log ${c.noLogContains}` : c.status ? `status ${c.status.join("/")}` : "error";
      const got = outcome === null ? "malformed request" : `status ${outcome.status}, ids ${[...outcome.loggedIds].join(",")}`;
      report.failures.push({ file: c.file, title: c.title, expected, got });
    }
  }
  report.millis = performance.now() - started;
  return report;
}
