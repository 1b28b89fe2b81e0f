// Remote JWKS through the embedded host: one fetch shared by concurrent first requests (streams
// paused, then continued), caching for cache_duration, background refresh on the tick, failed
// fetches answered with 401 and retried with backoff, and key rotation picked up.
import { beforeAll, describe, expect, it } from "vitest";
import { buildWasm } from "../../../test/support/build.ts";
import { loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { makeKeys, mint, type TestKeys } from "./support/tokens.ts";

const NOW = 1_704_067_200; // the test API's manual clock start

let wasm: string;
let keys: TestKeys;

beforeAll(async () => {
  wasm = await buildWasm("filters/jwt/index.ts", { alsoHash: ["filters/jwt"] });
  keys = await makeKeys();
});

/** A JWKS endpoint whose answer the test controls; counts fetches and can hold them open. */
class JwksServer {
  fetches = 0;
  paths: string[] = [];
  body = "";
  status = 200;
  failure: "reset" | "timeout" | null = null;
  private held: Array<() => void> = [];
  hold = false;

  handler = async (req: { path: string; authority: string }) => {
    this.fetches++;
    this.paths.push(`${req.authority}${req.path}`);
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.failure) return { failure: this.failure };
    return { status: this.status, headers: { "content-type": "application/json" }, body: this.body };
  };

  releaseAll() {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }
}

function config(extra: Record<string, unknown> = {}): object {
  return {
    providers: {
      idp: {
        issuer: "https://issuer.example",
        remote_jwks: { http_uri: { uri: "https://idp.example/.well-known/jwks.json", cluster: "idp", timeout: "2s" }, cache_duration: "60s", ...extra },
      },
    },
    rules: [{ match: { prefix: "/" }, requires: { provider_name: "idp" } }],
  };
}

async function setup(server: JwksServer, extra: Record<string, unknown> = {}): Promise<LoadedFilter> {
  return loadFilter(wasm, { config: config(extra), clusters: { idp: server.handler as never } });
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("jwt_authn remote JWKS", () => {
  it("concurrent first requests wait on one fetch, then the cached set serves later ones", async () => {
    const server = new JwksServer();
    server.body = JSON.stringify({ keys: [keys.rsa.jwk] });
    server.hold = true;
    const f = await setup(server);
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    const pending = [1, 2, 3].map(() => f.request({ path: "/a", ...bearer(token) }));
    // Let the three streams reach the filter and pause on the fetch.
    await new Promise((r) => setTimeout(r, 50));
    expect(server.fetches).toBe(1);
    expect(server.paths[0]).toBe("idp.example/.well-known/jwks.json");
    server.releaseAll();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results[0]!.upstreamRequest!.path).toBe("/a");
    expect((await f.request({ path: "/b", ...bearer(token) })).status).toBe(200);
    expect(server.fetches).toBe(1);
    await f.close();
  });

  it("refreshes in the background before cache_duration runs out, and expires without refresh", async () => {
    const server = new JwksServer();
    server.body = JSON.stringify({ keys: [keys.rsa.jwk] });
    const f = await setup(server);
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { exp: NOW + 3600 } });
    expect((await f.request({ path: "/", ...bearer(token) })).status).toBe(200);
    expect(server.fetches).toBe(1);
    await f.advanceTime(30_000);
    expect(server.fetches).toBe(1);
    await f.advanceTime(26_000); // past 90% of the 60 s cache duration
    expect(server.fetches).toBe(2);
    expect((await f.request({ path: "/", ...bearer(token) })).status).toBe(200);
    expect(server.fetches).toBe(2);
    await f.close();
  });

  it("a failed fetch answers 401 and is retried with backoff", async () => {
    const server = new JwksServer();
    server.status = 503;
    const f = await setup(server);
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    const first = await f.request({ path: "/", ...bearer(token) });
    expect([first.status, first.body]).toEqual([401, "Jwks remote fetch is failed"]);
    expect(first.headers["www-authenticate"]).toContain('error="invalid_token"');
    expect(server.fetches).toBe(1);
    // Within the backoff: no new fetch, same answer.
    expect((await f.request({ path: "/", ...bearer(token) })).status).toBe(401);
    expect(server.fetches).toBe(1);
    server.status = 200;
    server.body = JSON.stringify({ keys: [keys.rsa.jwk] });
    await f.advanceTime(1500); // the tick retries once the 1 s backoff is over
    expect(server.fetches).toBe(2);
    expect((await f.request({ path: "/", ...bearer(token) })).status).toBe(200);
    await f.close();
  });

  it("the backoff doubles after repeated failures (reset connections)", async () => {
    const server = new JwksServer();
    server.failure = "reset";
    const f = await setup(server);
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    expect((await f.request({ path: "/", ...bearer(token) })).body).toBe("Jwks remote fetch is failed");
    await f.advanceTime(1000); // retry 1 (after 1 s) fails: the next wait is 2 s
    expect(server.fetches).toBe(2);
    await f.advanceTime(1000);
    expect(server.fetches).toBe(2);
    await f.advanceTime(1000);
    expect(server.fetches).toBe(3);
    await f.close();
  });

  it("an unusable JWKS document counts as a failed fetch", async () => {
    const server = new JwksServer();
    server.body = "{\"keys\": 5}";
    const f = await setup(server);
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    expect((await f.request({ path: "/", ...bearer(token) })).body).toBe("Jwks remote fetch is failed");
    await f.close();
  });

  it("picks up a key rotation: an unknown kid refetches (at most every 30 s)", async () => {
    const server = new JwksServer();
    server.body = JSON.stringify({ keys: [keys.rsa.jwk] });
    const f = await setup(server, { cache_duration: "600s" });
    const old = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { exp: NOW + 3600 } });
    const rotated = await mint(keys.rsa2.privateKey, NOW, { kid: "rsa-2", claims: { exp: NOW + 3600 } });
    expect((await f.request({ path: "/", ...bearer(old) })).status).toBe(200);
    const tooSoon = await f.request({ path: "/", ...bearer(rotated) });
    expect([tooSoon.status, tooSoon.body]).toEqual([401, "Jwks doesn't have key to match kid or alg from Jwt"]);
    expect(server.fetches).toBe(1);
    server.body = JSON.stringify({ keys: [keys.rsa2.jwk] });
    await f.advanceTime(31_000);
    expect((await f.request({ path: "/", ...bearer(rotated) })).status).toBe(200);
    expect(server.fetches).toBe(2);
    // The withdrawn key no longer verifies (the verified-token cache was dropped with the old set).
    const withdrawn = await f.request({ path: "/", ...bearer(old) });
    expect([withdrawn.status, withdrawn.body]).toEqual([401, "Jwks doesn't have key to match kid or alg from Jwt"]);
    await f.close();
  });

  it("async_fetch fetches at startup, before any request", async () => {
    const server = new JwksServer();
    server.body = JSON.stringify({ keys: [keys.rsa.jwk] });
    const f = await setup(server, { async_fetch: {} });
    await f.advanceTime(1000);
    expect(server.fetches).toBe(1);
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    expect((await f.request({ path: "/", ...bearer(token) })).status).toBe(200);
    expect(server.fetches).toBe(1);
    await f.close();
  });
});
