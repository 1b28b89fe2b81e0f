// Differential test: the same requests (CRS's regression requests, benign traffic, attacks of every
// CRS category) through real ModSecurity v3 + CRS in nginx and through this WAF in the embedded host,
// both at paranoia level 1; the block/allow verdicts must agree on ≥ 99 %.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFilter } from "../../../harness/testing.ts";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { loadFtwCases, type FtwRequest } from "./support/ftw.ts";
import { crsFilterWasm, envoyRejects, haveCrs, haveRegression, REGRESSION_DIR, runThroughHost } from "./support/crs-filter.ts";
import { haveModsecNginx, rawRequest, sendRaw, startModsecNginx } from "./support/modsecurity-nginx.ts";
import { attackCorpus, benignCorpus } from "./support/corpus.ts";

const skipReason = !haveCrs ? "Debian's modsecurity-crs is not installed" :
  !haveModsecNginx ? "nginx with ModSecurity is not installed (apt-get install nginx-light libnginx-mod-http-modsecurity)" : "";
if (skipReason) console.warn(`WAF differential test skipped: ${skipReason}`);

interface Labeled { source: string; request: FtwRequest }

function corpus(): Labeled[] {
  const out: Labeled[] = [];
  if (haveRegression) {
    for (const c of loadFtwCases(REGRESSION_DIR)) {
      if (c.request && envoyRejects(c.request) === "") out.push({ source: `ftw ${c.title}`, request: c.request });
    }
  }
  const benign = benignCorpus(haveRegression ? 700 : 1800);
  benign.forEach((request, i) => out.push({ source: `benign ${i}`, request }));
  attackCorpus().forEach((request, i) => out.push({ source: `attack ${i}`, request }));
  return out;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) { const i = next++; results[i] = await fn(items[i]); }
  }));
  return results;
}

/** The targets and transformations CRS gives its libinjection rules (942100, 941100). */
const DETECTOR_RULES = {
  sqli: 'SecRule REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|REQUEST_HEADERS:Referer|ARGS_NAMES|ARGS "@detectSQLi" "id:1,phase:2,deny,status:403,t:none,t:utf8toUnicode,t:urlDecodeUni,t:removeNulls,multiMatch"',
  xss: 'SecRule REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|REQUEST_HEADERS:Referer|ARGS_NAMES|ARGS "@detectXSS" "id:2,phase:2,deny,status:403,t:none,t:utf8toUnicode,t:urlDecodeUni,t:htmlEntityDecode,t:jsDecode,t:cssDecode,t:removeNulls"',
};

const verdict = (status: number) => (status >= 200 && status < 300 ? "allow" : "block");

describe.skipIf(skipReason !== "")("WAF vs ModSecurity v3 + CRS 3.3.4 in nginx", () => {
  it("agrees on block/allow for ≥ 99 % of ≥ 2,000 requests", async () => {
    const requests = corpus();
    expect(requests.length).toBeGreaterThanOrEqual(2000);
    const nginx = await startModsecNginx(1);
    let modsec: number[];
    try {
      modsec = await mapLimit(requests, 4, (l) => sendRaw(nginx.port, rawRequest(l.request)));
    } finally {
      await nginx.stop();
    }
    const wasm = await crsFilterWasm();
    const f = await loadFilter(wasm, { config: { include_crs: true, crs: { paranoia_level: 1 } } });
    const disagreements: Array<{ source: string; request: string; modsecurity: number; waf: number; ids: number[] }> = [];
    let agree = 0;
    let blockedByModsec = 0;
    for (const [i, l] of requests.entries()) {
      const outcome = await runThroughHost(f, l.request);
      const status = outcome ? outcome.status : 400;
      if (verdict(modsec[i]) === "block") blockedByModsec++;
      if (verdict(status) === verdict(modsec[i])) { agree++; continue; }
      disagreements.push({
        source: l.source,
        request: `${l.request.method} ${l.request.uri}${l.request.body.length ? ` [${l.request.body.length} bytes body]` : ""}`,
        modsecurity: modsec[i], waf: status, ids: outcome ? [...outcome.loggedIds] : [],
      });
    }
    await f.close();
    const rate = agree / requests.length;
    const out = path.join(PACKAGE_ROOT, ".cache/waf-differential.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ total: requests.length, agree, blockedByModsec, disagreements }, null, 2));
    console.log(`differential: ${agree}/${requests.length} agree (${(rate * 100).toFixed(2)} %), ModSecurity blocked ${blockedByModsec}; disagreements in ${out}`);
    expect(blockedByModsec).toBeGreaterThan(500);
    expect(requests.length - blockedByModsec).toBeGreaterThan(500);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  }, 900_000);

  it.each(Object.entries(DETECTOR_RULES))("measures @detect%s's agreement with ModSecurity's libinjection", async (name, rule) => {
    const requests = corpus().filter((l) => !l.source.startsWith("ftw") || /ftw 94[12]/.test(l.source));
    const nginx = await startModsecNginx(1, false, rule);
    let modsec: number[];
    try {
      modsec = await mapLimit(requests, 4, (l) => sendRaw(nginx.port, rawRequest(l.request)));
    } finally {
      await nginx.stop();
    }
    const f = await loadFilter(await crsFilterWasm(), { config: { include_crs: false, directives: rule } });
    let agree = 0, both = 0, onlyLibinjection = 0, onlyOurs = 0;
    const samples: string[] = [];
    for (const [i, l] of requests.entries()) {
      const outcome = await runThroughHost(f, l.request);
      const ours = outcome !== null && outcome.status === 403;
      const theirs = modsec[i] === 403;
      if (ours === theirs) { agree++; if (ours) both++; continue; }
      if (theirs) onlyLibinjection++; else onlyOurs++;
      if (samples.length < 15) samples.push(`${theirs ? "missed" : "extra "} ${l.source}: ${l.request.method} ${l.request.uri} ${l.request.body.toString("latin1").slice(0, 80)}`);
    }
    await f.close();
    const rate = agree / requests.length;
    console.log(`@detect${name}: ${agree}/${requests.length} agree (${(rate * 100).toFixed(1)} %); both detect ${both}, only libinjection ${onlyLibinjection}, only ours ${onlyOurs}\n  ${samples.join("\n  ")}`);
    // Measured, not a target: the detectors are heuristics, libinjection is a fingerprint database.
    expect(rate).toBeGreaterThan(0.8);
  }, 900_000);
});
