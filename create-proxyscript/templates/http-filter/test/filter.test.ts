// Runs the compiled filter in ProxyScript's embedded host, which follows Envoy's semantics.
// `npm test` builds build/{{filterName}}.wasm first (`proxyscript build`).
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}}", () => {
  it("adds the configured header to the response", async () => {
    filter = await loadFilter(wasm, { config: { header_name: "x-greeting", header_value: "hi" } });
    const response = await filter.request({ method: "GET", path: "/hello" }, {
      upstream: (req) => ({ status: 200, body: `you asked for ${req.path}` }),
    });
    expect(response.status).toBe(200);
    expect(response.headers["x-greeting"]).toBe("hi");
    expect(response.body).toBe("you asked for /hello");
  });

  it("uses x-hello: world by default", async () => {
    filter = await loadFilter(wasm, { config: {} });
    const response = await filter.request({ path: "/" });
    expect(response.headers["x-hello"]).toBe("world");
  });

  it("refuses an unknown field, naming it", async () => {
    const failure = await loadFilter(wasm, { config: { header: "x" } }).catch((e: { logs: Array<{ message: string }> }) => e);
    expect(failure).toHaveProperty("logs");
    const messages = (failure as { logs: Array<{ message: string }> }).logs.map((l) => l.message);
    expect(messages).toContain("{{filterName}}: invalid configuration: header: unknown field");
  });
});
