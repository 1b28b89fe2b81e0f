// Runs the compiled filter in ProxyScript's embedded host, which follows Envoy's semantics; the
// authorization service is a function standing in for the `authz` cluster.
// `npm test` builds build/{{filterName}}.wasm first (`proxyscript build`).
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type ClusterHandler, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
const config = { cluster: "authz", path: "/check", timeout: "1s" };

/** Allows "Bearer good" as alice, refuses everything else. */
const authz: ClusterHandler = (req) =>
  req.headers.authorization === "Bearer good"
    ? { status: 200, headers: { "x-user-id": "alice" } }
    : { status: 401, body: "who are you?" };

let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}}", () => {
  it("lets an allowed request through, with the user the service named", async () => {
    const checks: string[] = [];
    filter = await loadFilter(wasm, { config, clusters: { authz: (req) => { checks.push(`${req.path} ${req.headers["x-original-path"]}`); return authz(req); } } });
    const response = await filter.request({ path: "/orders", headers: { authorization: "Bearer good", "x-user-id": "mallory" } });
    expect(response.status).toBe(200);
    expect(response.upstreamRequest?.headers["x-user-id"]).toBe("alice");
    expect(checks).toEqual(["/check /orders"]);
  });

  it("answers the service's 401 itself and never reaches the upstream", async () => {
    filter = await loadFilter(wasm, { config, clusters: { authz } });
    const response = await filter.request({ path: "/orders", headers: { authorization: "Bearer bad" } });
    expect(response.status).toBe(401);
    expect(response.body).toBe("access denied\n");
    expect(response.upstreamRequest).toBeNull();
  });

  it("fails closed when the service does not answer", async () => {
    filter = await loadFilter(wasm, { config, clusters: { authz: () => ({ failure: "reset" }) } });
    const response = await filter.request({ path: "/orders", headers: { authorization: "Bearer good" } });
    expect(response.status).toBe(403);
    expect(response.logs.map((l) => l.message)).toContain('{{filterName}}: no answer from cluster "authz"; denying');
  });

  it("fails open when failure_mode_allow is set", async () => {
    filter = await loadFilter(wasm, { config: { ...config, failure_mode_allow: true }, clusters: { authz: () => ({ failure: "reset" }) } });
    const response = await filter.request({ path: "/orders" });
    expect(response.status).toBe(200);
  });

  it("refuses a configuration without a cluster, naming the field", async () => {
    const failure = await loadFilter(wasm, { config: { path: "/check" } }).catch((e: { logs: Array<{ message: string }> }) => e);
    const messages = (failure as { logs: Array<{ message: string }> }).logs.map((l) => l.message);
    expect(messages).toContain("{{filterName}}: invalid configuration: cluster: is required");
  });
});
