// Runs the compiled filter (a copy of ProxyScript's header-rewrite reference filter, in src/) in
// the embedded host, which follows Envoy's semantics. `npm test` builds it first.
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
const config = {
  request: { set: { "x-forwarded-by": "{{filterName}}" }, remove: ["x-internal"] },
  response: { set: { server: "edge" }, remove: ["x-powered-by"] },
  rules: [{ match: { prefix: "/api" }, response: { add: { "x-client": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" } } }],
};

let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}} (header-rewrite)", () => {
  it("rewrites request and response headers", async () => {
    filter = await loadFilter(wasm, { config });
    const response = await filter.request({ path: "/", headers: { "x-internal": "secret" } }, {
      upstream: () => ({ status: 200, headers: { server: "app", "x-powered-by": "php" }, body: "ok" }),
    });
    expect(response.upstreamRequest?.headers["x-forwarded-by"]).toBe("{{filterName}}");
    expect(response.upstreamRequest?.headers["x-internal"]).toBeUndefined();
    expect(response.headers.server).toBe("edge");
    expect(response.headers["x-powered-by"]).toBeUndefined();
    expect(response.headers["x-client"]).toBeUndefined();
  });

  it("applies a rule only to matching requests", async () => {
    filter = await loadFilter(wasm, { config });
    const response = await filter.request({ path: "/api/orders" }, { remoteAddress: "198.51.100.9:4711" });
    expect(response.headers["x-client"]).toBe("198.51.100.9");
  });

  it("refuses an unknown field, naming it", async () => {
    const failure = await loadFilter(wasm, { config: { requets: {} } }).catch((e: { logs: Array<{ message: string }> }) => e);
    const messages = (failure as { logs: Array<{ message: string }> }).logs.map((l) => l.message).join("\n");
    expect(messages).toContain("requets");
  });
});
