// Runs the compiled filter (a copy of ProxyScript's jwt reference filter, in src/) in the
// embedded host, which follows Envoy's semantics. `npm test` builds it first.
// The host's clock starts at 2024-01-01T00:00:00Z, so tokens are minted for that time.
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "proxyscript/testing";

const wasm = new URL("../build/{{filterName}}.wasm", import.meta.url).pathname;
const SECRET = "change-me-please-32-bytes-secret!";
const NOW = Date.UTC(2024, 0, 1) / 1000;
const config = {
  providers: {
    local: {
      issuer: "https://issuer.example.com/",
      audiences: ["api"],
      local_jwks: { inline_string: JSON.stringify({ keys: [{ kty: "oct", kid: "demo", alg: "HS256", k: Buffer.from(SECRET).toString("base64url") }] }) },
      claim_to_headers: [{ header_name: "x-user", claim_name: "sub" }],
    },
  },
  rules: [{ match: { prefix: "/health" } }, { match: { prefix: "/" }, requires: { provider_name: "local" } }],
};

/** An HS256 token signed with SECRET. */
function mint(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg: "HS256", typ: "JWT", kid: "demo" })}.${part(claims)}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

let filter: LoadedFilter | undefined;
afterEach(async () => { await filter?.close(); filter = undefined; });

describe("{{filterName}} (jwt)", () => {
  it("passes a valid token and copies its subject to x-user", async () => {
    filter = await loadFilter(wasm, { config });
    const token = mint({ iss: "https://issuer.example.com/", aud: "api", sub: "alice", exp: NOW + 3600 });
    const response = await filter.request({ path: "/orders", headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.upstreamRequest?.headers["x-user"]).toBe("alice");
  });

  it("answers 401 without a token, and lets /health through", async () => {
    filter = await loadFilter(wasm, { config });
    const missing = await filter.request({ path: "/orders" });
    expect(missing.status).toBe(401);
    expect(missing.body).toBe("Jwt is missing");
    expect((await filter.request({ path: "/health" })).status).toBe(200);
  });

  it("answers 401 for an expired token", async () => {
    filter = await loadFilter(wasm, { config });
    const token = mint({ iss: "https://issuer.example.com/", aud: "api", sub: "alice", exp: NOW - 3600 });
    const response = await filter.request({ path: "/orders", headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.body).toBe("Jwt is expired");
  });
});
