// Runs the compiled filter (a copy of ProxyScript's waf reference filter, with the OWASP CRS, in
// src/) in the embedded host, which follows Envoy's semantics. `npm test` builds it first.
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
const config = { include_crs: true, crs: { paranoia_level: 1, inbound_anomaly_score_threshold: 5 }, mode: "On" };

let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}} (waf)", () => {
  it("lets a clean request through", async () => {
    filter = await loadFilter(wasm, { config });
    const response = await filter.request({ path: "/search?q=envoy+filters", headers: { "user-agent": "test", accept: "*/*" } });
    expect(response.status).toBe(200);
  });

  it("blocks an SQL injection with 403", async () => {
    filter = await loadFilter(wasm, { config });
    const response = await filter.request({ path: "/search?q=1%27%20OR%20%271%27%3D%271", headers: { "user-agent": "test", accept: "*/*" } });
    expect(response.status).toBe(403);
    expect(response.upstreamRequest).toBeNull();
  });

  it("runs your own rules without the CRS", async () => {
    filter = await loadFilter(wasm, { config: {
      include_crs: false,
      directives: "SecRule ARGS \"@rx (?i)<script\" \"id:1000,phase:2,deny,status:403,t:urlDecodeUni,msg:'script tag'\"",
    } });
    expect((await filter.request({ path: "/?q=%3Cscript%3E" })).status).toBe(403);
    expect((await filter.request({ path: "/?q=hello" })).status).toBe(200);
  });
});
