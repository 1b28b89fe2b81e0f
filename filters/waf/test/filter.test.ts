// The WAF filter through the embedded proxy-wasm host: configuration, blocking with 403 and a JSON
// log line, detection-only and off modes, request bodies, the body limit, metrics, config errors.
import { beforeAll, describe, expect, it } from "vitest";
import { loadFilter } from "../../../harness/testing.ts";
import { PluginLoadError } from "../../../harness/host/api.ts";
import { buildWasm } from "../../../test/support/build.ts";

let wasm: string;
beforeAll(async () => { wasm = await buildWasm("filters/waf/index.ts"); }, 300_000);

const RULES = [
  'SecDefaultAction "phase:2,log,pass"',
  'SecRule ARGS "@rx (?i)evil" "id:100,phase:2,deny,status:418,t:none,t:urlDecodeUni,msg:\'evil argument\',logdata:\'%{MATCHED_VAR}\',severity:CRITICAL"',
  'SecRule REQUEST_HEADERS:User-Agent "@pm sqlmap nikto" "id:101,phase:1,deny,msg:\'scanner\'"',
  'SecRule ARGS:note "@contains hmm" "id:102,phase:2,pass,msg:\'suspicious note\'"',
].join("\n");

async function loadError(config: object): Promise<string> {
  try {
    const f = await loadFilter(wasm, { config });
    await f.close();
  } catch (e) {
    expect(e).toBeInstanceOf(PluginLoadError);
    return [(e as Error).message, ...(e as PluginLoadError).logs.map((l) => l.message)].join("\n");
  }
  throw new Error("configuration was accepted");
}

describe("waf filter", () => {
  it("blocks with the rule's status and logs one JSON line naming the rule, variable and data", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const r = await f.request({ method: "GET", path: "/search?q=EVIL%20plan" });
    expect(r.status).toBe(418);
    expect(r.upstreamRequest).toBeNull();
    const lines = r.logs.filter((l) => l.message.startsWith("{"));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0].message);
    expect(entry).toMatchObject({ waf: "blocked", status: 418, rule: 100, method: "GET", uri: "/search?q=EVIL%20plan" });
    expect(entry.matches[0]).toMatchObject({ id: 100, msg: "evil argument", variable: "ARGS:q", data: "EVIL plan", severity: "CRITICAL" });
    expect(f.metric("waf.blocked")).toBe(1n);
    await f.close();
  });

  it("lets clean requests through without logging, and counts them", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const r = await f.request({ method: "GET", path: "/search?q=good", headers: { "user-agent": "curl/8" } });
    expect(r.status).toBe(200);
    expect(r.upstreamRequest?.path).toBe("/search?q=good");
    expect(r.logs).toHaveLength(0);
    expect(f.metric("waf.requests")).toBe(1n);
    expect(f.metric("waf.blocked") ?? 0n).toBe(0n);
    await f.close();
  });

  it("blocks in phase 1 on headers before any body arrives", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const r = await f.request({ method: "POST", path: "/", headers: { "user-agent": "sqlmap/1.7", "content-type": "text/plain" }, body: "x" });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.logs.find((l) => l.message.startsWith("{"))!.message).rule).toBe(101);
    await f.close();
  });

  it("inspects urlencoded and JSON bodies", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const form = await f.request({ method: "POST", path: "/", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1&b=ev%69l" });
    expect(form.status).toBe(418);
    const json = await f.request({ method: "POST", path: "/", headers: { "content-type": "application/json" }, body: ["{\"a\":{\"b\":", "\"evil\"}}"] });
    expect(json.status).toBe(418);
    const ok = await f.request({ method: "POST", path: "/", headers: { "content-type": "application/json" }, body: "{\"a\":\"fine\"}" });
    expect(ok.status).toBe(200);
    expect(ok.upstreamRequest?.body).toBe("{\"a\":\"fine\"}");
    await f.close();
  });

  it("logs non-blocking detections at info level, and DetectionOnly never blocks", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false } });
    const note = await f.request({ method: "GET", path: "/?note=hmm" });
    expect(note.status).toBe(200);
    expect(JSON.parse(note.logs[0].message)).toMatchObject({ waf: "detected", matches: [{ id: 102 }] });
    await f.close();
    const d = await loadFilter(wasm, { config: { directives: RULES, include_crs: false, mode: "DetectionOnly" } });
    const r = await d.request({ method: "GET", path: "/?q=evil" });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.logs[0].message)).toMatchObject({ waf: "detected", matches: [{ id: 100 }] });
    await d.close();
    const off = await loadFilter(wasm, { config: { directives: RULES, include_crs: false, mode: "Off" } });
    const o = await off.request({ method: "GET", path: "/?q=evil" });
    expect(o.status).toBe(200);
    expect(o.logs).toHaveLength(0);
    await off.close();
  });

  it("rejects bodies over request_body_limit with 413", async () => {
    const f = await loadFilter(wasm, { config: { directives: RULES, include_crs: false, request_body_limit: 10 } });
    const r = await f.request({ method: "POST", path: "/", headers: { "content-type": "text/plain" }, body: "0123456789abcdef" });
    expect(r.status).toBe(413);
    await f.close();
  });

  it("uses the small default rule set when no CRS is embedded and no directives are given", async () => {
    const f = await loadFilter(wasm, { config: {} });
    expect(f.logs.some((l) => l.message.includes("no CRS was embedded"))).toBe(true);
    const r = await f.request({ method: "GET", path: "/?id=1'%20or%201=1--" });
    expect(r.status).toBe(403);
    expect((await f.request({ method: "GET", path: "/?id=42" })).status).toBe(200);
    await f.close();
  });

  it.each([
    [{ bogus: 1 }, "bogus"],
    [{ mode: "Block" }, "mode: expected one of \"On\", \"DetectionOnly\", \"Off\", got \"Block\""],
    [{ crs: { paranoia_level: 7 } }, "crs.paranoia_level"],
    [{ crs: { paranoia: 2 } }, "crs.paranoia"],
    [{ directives: 'SecRule ARGS "@rx (" "id:1,deny"', include_crs: false }, "directives: directives:1: SecRule: bad @rx pattern"],
    [{ directives: 'SecAction "id:1,phase:2,pass"\nSecRule ARGS "x" "phase:2,deny"', include_crs: false }, "directives:2: SecRule: rule has no id"],
  ])("rejects %j", async (config, expected) => {
    expect(await loadError(config)).toContain(expected);
  });
});
