// The verified-token cache (jwt_cache_config) through the real filter wasm. A hit is told apart
// from a miss by taking the key set away (the remote JWKS expires and its refetch fails): then
// only a token served from the cache can still pass, every other token gets "Jwks remote fetch
// is failed".
import { beforeAll, describe, expect, it } from "vitest";
import { buildWasm } from "../../../test/support/build.ts";
import { loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { makeKeys, mint, type TestKeys } from "./support/tokens.ts";

const NOW = 1_704_067_200; // the test API's manual clock start
const CACHE_DURATION_MS = 60_000;
const KEYS_GONE = "Jwks remote fetch is failed";

let wasm: string;
let keys: TestKeys;

beforeAll(async () => {
  wasm = await buildWasm("filters/jwt/index.ts", { alsoHash: ["filters/jwt"] });
  keys = await makeKeys();
});

/** A JWKS endpoint serving the test RSA key until `down` is set. */
class JwksServer {
  down = false;
  handler = () => (this.down ? { status: 503, body: "down" } : { status: 200, body: JSON.stringify({ keys: [keys.rsa.jwk] }) });
}

interface Setup {
  f: LoadedFilter;
  /** Lets the fetched key set expire while the JWKS endpoint fails: only cache hits pass after this. */
  takeKeysAway(): Promise<void>;
}

async function setup(provider: Record<string, unknown> = {}, extraRules: object[] = []): Promise<Setup> {
  const server = new JwksServer();
  const f = await loadFilter(wasm, {
    config: {
      providers: {
        idp: {
          issuer: "https://issuer.example",
          audiences: ["api"],
          remote_jwks: { http_uri: { uri: "https://idp.example/jwks.json", cluster: "idp" }, cache_duration: `${CACHE_DURATION_MS / 1000}s` },
          ...provider,
        },
      },
      rules: [...extraRules, { match: { prefix: "/" }, requires: { provider_name: "idp" } }],
    },
    clusters: { idp: server.handler as never },
  });
  return {
    f,
    async takeKeysAway() {
      server.down = true;
      await f.advanceTime(CACHE_DURATION_MS + 1000);
    },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const token = (claims: Record<string, unknown> = {}) => mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims });

async function statusOf(f: LoadedFilter, headers: Record<string, string>, path = "/x"): Promise<[number, string]> {
  const r = await f.request({ path, headers });
  return [r.status, r.status === 200 ? "" : r.body];
}

describe("jwt_authn verified-token cache", () => {
  it("a repeated token is a hit: it passes without keys, a token never seen does not", async () => {
    const { f, takeKeysAway } = await setup();
    const seen = await token({ sub: "seen" });
    const unseen = await token({ sub: "unseen" });
    expect(await statusOf(f, bearer(seen))).toEqual([200, ""]);
    await takeKeysAway();
    expect(await statusOf(f, bearer(seen))).toEqual([200, ""]);
    expect(await statusOf(f, bearer(unseen))).toEqual([401, KEYS_GONE]);
    await f.close();
  });

  it("a token that shares a cached token's prefix, suffix or length is not a hit", async () => {
    const { f, takeKeysAway } = await setup();
    const cached = await token({ sub: "user-1" });
    expect(await statusOf(f, bearer(cached))).toEqual([200, ""]);
    const [header, , signature] = cached.split(".");
    // Same length and same signature (so the same hash), another payload.
    const samePayloadLength = `${header}.${(await token({ sub: "user-2" })).split(".")[1]}.${signature}`;
    expect(samePayloadLength.length).toBe(cached.length);
    const lastChar = signature!.at(-1) === "A" ? "B" : "A";
    const variants = [
      cached.slice(0, -1) + lastChar, // same prefix and length, another signature
      cached + "A", // the cached token plus more
      cached.slice(0, -4), // a prefix of the cached token
      samePayloadLength,
    ];
    for (const v of variants) expect((await f.request({ path: "/x", headers: bearer(v) })).status, v).toBe(401);
    await takeKeysAway();
    for (const v of variants) expect(await statusOf(f, bearer(v)), v).not.toEqual([200, ""]);
    expect(await statusOf(f, bearer(cached))).toEqual([200, ""]);
    await f.close();
  });

  it("finds a cached token followed by other text, and in a header without prefix", async () => {
    const { f, takeKeysAway } = await setup({ from_headers: [{ name: "authorization", value_prefix: "Bearer " }, { name: "x-token" }] });
    const cached = await token();
    expect(await statusOf(f, bearer(cached))).toEqual([200, ""]);
    await takeKeysAway();
    // The token ends at the first character that cannot be part of one, as Envoy cuts it.
    expect(await statusOf(f, { authorization: `Bearer ${cached}, trailing` })).toEqual([200, ""]);
    expect(await statusOf(f, { "x-token": cached })).toEqual([200, ""]);
    await f.close();
  });

  it("evicts the oldest tokens at jwt_cache_size (first in, first out); size 0 caches nothing", async () => {
    // 26 tokens through a cache of 20: the table grows past its first 16 buckets and the ring wraps.
    const { f, takeKeysAway } = await setup({ jwt_cache_config: { jwt_cache_size: 20 } });
    const tokens = await Promise.all(Array.from({ length: 26 }, (_, i) => token({ sub: `user-${i}` })));
    for (const t of tokens) expect(await statusOf(f, bearer(t))).toEqual([200, ""]);
    // A repeated token is not inserted again (it would push out another one).
    expect(await statusOf(f, bearer(tokens[25]!))).toEqual([200, ""]);
    await takeKeysAway();
    const results = [];
    for (const t of tokens) results.push((await statusOf(f, bearer(t)))[0]);
    expect(results).toEqual([...Array(6).fill(401), ...Array(20).fill(200)]);
    await f.close();

    const none = await setup({ jwt_cache_config: { jwt_cache_size: 0 } });
    expect(await statusOf(none.f, bearer(tokens[0]!))).toEqual([200, ""]);
    await none.takeKeysAway();
    expect(await statusOf(none.f, bearer(tokens[0]!))).toEqual([401, KEYS_GONE]);
    await none.f.close();
  });

  it("a cached token that expires is rejected (exp is checked on every hit, with the clock skew)", async () => {
    const { f, takeKeysAway } = await setup();
    // exp + 60 s skew = NOW + 150: still valid after the keys are gone (NOW + 61), expired at NOW + 151.
    const expiring = await token({ exp: NOW + 90 });
    expect(await statusOf(f, bearer(expiring))).toEqual([200, ""]);
    await takeKeysAway();
    expect(await statusOf(f, bearer(expiring))).toEqual([200, ""]);
    await f.advanceTime(150_000 - CACHE_DURATION_MS - 1000);
    expect(await statusOf(f, bearer(expiring))).toEqual([200, ""]);
    await f.advanceTime(1000);
    expect(await statusOf(f, bearer(expiring))).toEqual([401, "Jwt is expired"]);
    await f.close();
  });

  it("a hit forwards the payload, claim headers and strips the token exactly as the verifying miss did", async () => {
    const { f, takeKeysAway } = await setup({
      forward_payload_header: "x-jwt-payload",
      pad_forward_payload_header: true,
      claim_to_headers: [
        { header_name: "x-sub", claim_name: "sub" },
        { header_name: "x-level", claim_name: "profile.level" },
        { header_name: "x-admin", claim_name: "admin" },
        { header_name: "x-absent", claim_name: "nope" },
      ],
    });
    const t = await token({ sub: "user-7", profile: { level: 3 }, admin: true });
    const miss = await f.request({ path: "/x", headers: { ...bearer(t), "x-other": "kept" } });
    await takeKeysAway();
    const hit = await f.request({ path: "/x", headers: { ...bearer(t), "x-other": "kept" } });
    expect([miss.status, hit.status]).toEqual([200, 200]);
    const payload = t.split(".")[1]!;
    const padded = payload + "=".repeat((4 - (payload.length % 4)) % 4);
    expect(miss.upstreamRequest!.headers).toMatchObject({ "x-jwt-payload": padded, "x-sub": "user-7", "x-level": "3", "x-admin": "true", "x-other": "kept" });
    expect(miss.upstreamRequest!.headers.authorization).toBeUndefined();
    expect(miss.upstreamRequest!.headers["x-absent"]).toBeUndefined();
    // Everything but the id the proxy stamps on each request.
    const forwarded = (list: ReadonlyArray<readonly [string, string]>) => list.filter(([name]) => name !== "x-request-id");
    expect(forwarded(hit.upstreamRequest!.headerList)).toEqual(forwarded(miss.upstreamRequest!.headerList));
    await f.close();
  });

  it("a hit is still checked against the route's audiences", async () => {
    const admin = { match: { prefix: "/admin" }, requires: { provider_and_audiences: { provider_name: "idp", audiences: ["https://admin.example/"] } } };
    const { f, takeKeysAway } = await setup({}, [admin]);
    const t = await token({ aud: ["api", "admin.example"] });
    const apiOnly = await token({ aud: "api" });
    expect(await statusOf(f, bearer(t))).toEqual([200, ""]);
    expect(await statusOf(f, bearer(apiOnly))).toEqual([200, ""]);
    await takeKeysAway();
    expect(await statusOf(f, bearer(t), "/admin")).toEqual([200, ""]);
    expect(await statusOf(f, bearer(apiOnly), "/admin")).toEqual([403, "Audiences in Jwt are not allowed"]);
    await f.close();
  });

  it("allow_missing finds a token in the cache of the provider its issuer selects", async () => {
    const optional = { match: { prefix: "/optional" }, requires: { allow_missing: {} } };
    const { f, takeKeysAway } = await setup({ forward_payload_header: "x-jwt-payload" }, [optional]);
    const t = await token();
    expect(await statusOf(f, bearer(t))).toEqual([200, ""]);
    await takeKeysAway();
    const r = await f.request({ path: "/optional", headers: bearer(t) });
    expect(r.status).toBe(200);
    expect(r.upstreamRequest!.headers["x-jwt-payload"]).toBe(t.split(".")[1]);
    expect(await statusOf(f, bearer(await token({ sub: "other" })), "/optional")).toEqual([401, KEYS_GONE]);
    await f.close();
  });
});
