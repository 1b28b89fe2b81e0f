// Response phases through the embedded host: phase 3 (RESPONSE_STATUS, RESPONSE_HEADERS) blocks
// with a local reply, phase 4 reads RESPONSE_BODY for the listed MIME types and, as Envoy has
// already sent the headers by then, blocks by resetting the stream; CRS's outbound rules (951xxx
// SQL error leakage, 959100 outbound anomaly score) end a leaking response.
import { beforeAll, describe, expect, it } from "vitest";
import { loadFilter } from "../../../harness/testing.ts";
import { buildWasm } from "../../../test/support/build.ts";
import { crsFilterWasm, haveCrs } from "./support/crs-filter.ts";

let wasm: string;
beforeAll(async () => { wasm = await buildWasm("filters/waf/index.ts"); }, 300_000);

const RULES = [
  "SecResponseBodyAccess On",
  "SecResponseBodyMimeType text/html text/plain",
  'SecRule RESPONSE_STATUS "@streq 500" "id:300,phase:3,deny,status:502,msg:\'upstream failure hidden\'"',
  'SecRule RESPONSE_HEADERS:X-Powered-By "@contains PHP/5" "id:301,phase:3,deny,msg:\'outdated PHP\'"',
  'SecRule RESPONSE_BODY "@contains internal-secret" "id:302,phase:4,deny,msg:\'secret in body\',logdata:\'%{MATCHED_VAR_NAME}\'"',
  'SecRule RESPONSE_HEADERS_NAMES "@streq x-debug" "id:303,phase:3,pass,msg:\'debug header\'"',
].join("\n");

const html = (body: string, headers: Record<string, string> = {}) => () => ({ status: 200, headers: { "content-type": "text/html; charset=utf-8", ...headers }, body });

describe("waf response phases", () => {
  it("blocks on response status and headers (phase 3) with a local reply", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const failed = await f.request({ method: "GET", path: "/" }, { upstream: () => ({ status: 500, body: "stack trace" }) });
    expect(failed.status).toBe(502);
    expect(failed.body).not.toContain("stack trace");
    expect(JSON.parse(failed.logs.find((l) => l.message.startsWith("{"))!.message)).toMatchObject({ waf: "blocked", status: 502, rule: 300 });
    const php = await f.request({ method: "GET", path: "/" }, { upstream: html("hi", { "x-powered-by": "PHP/5.6.40" }) });
    expect(php.status).toBe(403);
    expect(f.metric("waf.blocked")).toBe(2n);
    await f.close();
  });

  it("reads text bodies in phase 4 and resets the stream when they must not reach the client", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const leak = await f.request({ method: "GET", path: "/" }, { upstream: html("<p>token: internal-secret</p>") });
    expect(leak.reset).toContain("closed by filter");
    expect(leak.body).not.toContain("internal-secret");
    const line = JSON.parse(leak.logs.find((l) => l.message.startsWith("{"))!.message);
    expect(line).toMatchObject({ waf: "blocked", reset: true, rule: 302, matches: [{ id: 302, data: "RESPONSE_BODY", variable: "RESPONSE_BODY" }] });
    const clean = await f.request({ method: "GET", path: "/" }, { upstream: html(["<p>hello ", "world</p>"]) });
    expect(clean.status).toBe(200);
    expect(clean.body).toBe("<p>hello world</p>");
    expect(clean.logs).toHaveLength(0);
    // Only the listed MIME types are read.
    const binary = await f.request({ method: "GET", path: "/" }, { upstream: () => ({ status: 200, headers: { "content-type": "application/octet-stream" }, body: "internal-secret" }) });
    expect(binary.status).toBe(200);
    expect(binary.body).toBe("internal-secret");
    await f.close();
  });

  it("logs pass rules of the response phases as detections", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const r = await f.request({ method: "GET", path: "/" }, { upstream: html("ok", { "x-debug": "1" }) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.logs[0].message)).toMatchObject({ waf: "detected", matches: [{ id: 303, variable: "RESPONSE_HEADERS_NAMES:x-debug" }] });
    await f.close();
  });

  it("applies SecResponseBodyLimit: ProcessPartial inspects the first bytes, Reject resets", async () => {
    const partial = await loadFilter(wasm, { config: { include_crs: false, directives: RULES + "\nSecResponseBodyLimit 16\nSecResponseBodyLimitAction ProcessPartial" } });
    const late = await partial.request({ method: "GET", path: "/" }, { upstream: html("0123456789abcdef...internal-secret") });
    expect(late.status).toBe(200);
    expect(late.body).toBe("0123456789abcdef...internal-secret");
    const early = await partial.request({ method: "GET", path: "/" }, { upstream: html("internal-secret, and much more text") });
    expect(early.reset).toContain("closed by filter");
    await partial.close();
    const reject = await loadFilter(wasm, { config: { include_crs: false, directives: RULES + "\nSecResponseBodyLimit 16\nSecResponseBodyLimitAction Reject" } });
    const big = await reject.request({ method: "GET", path: "/" }, { upstream: html("a harmless body longer than sixteen bytes") });
    expect(big.reset).toContain("closed by filter");
    expect(JSON.parse(big.logs.find((l) => l.message.startsWith("{"))!.message).reason).toContain("SecResponseBodyLimit (16 bytes)");
    await reject.close();
  });

  it("rejects bad response directives with their place", async () => {
    await expect(loadFilter(wasm, { config: { include_crs: false, directives: "SecResponseBodyAccess Maybe" } })).rejects.toThrow(/directives:1: SecResponseBodyAccess: expected On or Off/);
  });

  it.skipIf(!haveCrs)("with CRS, ends a response leaking an SQL error (951230, outbound score 959100) and passes clean pages", async () => {
    const f = await loadFilter(await crsFilterWasm(), { config: { include_crs: true } });
    const headers = { "user-agent": "Mozilla/5.0", accept: "text/html" };
    const leak = await f.request({ method: "GET", path: "/report?id=7", headers }, {
      upstream: html("<html><body>Warning: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version</body></html>"),
    });
    expect(leak.reset).toContain("closed by filter");
    expect(leak.body).not.toContain("SQL syntax");
    const line = JSON.parse(leak.logs.find((l) => l.message.startsWith("{"))!.message);
    expect(line).toMatchObject({ waf: "blocked", reset: true, rule: 959100 });
    expect(line.matches.map((m: { id: number }) => m.id)).toEqual(expect.arrayContaining([951230, 959100]));
    const page = await f.request({ method: "GET", path: "/report?id=8", headers }, { upstream: html("<html><body>Quarterly report: all good.</body></html>") });
    expect(page.status).toBe(200);
    expect(page.body).toContain("all good");
    expect(page.logs.filter((l) => l.message.startsWith("{"))).toHaveLength(0);
    await f.close();
  });
});
