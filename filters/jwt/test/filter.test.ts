// End-to-end: the real jwt_authn filter wasm in the embedded host, one test per rule kind and
// per rejection Envoy's jwt_authn produces, with Envoy's status codes, bodies and headers.
import { beforeAll, describe, expect, it } from "vitest";
import { buildWasm } from "../../../test/support/build.ts";
import { loadChain, loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { handmade, hs256, makeKeys, mint, type TestKeys } from "./support/tokens.ts";

// The test API's manual clock starts at 2024-01-01T00:00:00Z; tokens are minted relative to it.
const NOW = 1_704_067_200;

let wasm: string;
let keys: TestKeys;

async function filterWith(config: object): Promise<LoadedFilter> {
  return loadFilter(wasm, { config });
}

function baseConfig(k: TestKeys, extra: Record<string, unknown> = {}): object {
  return {
    providers: {
      main: {
        issuer: "https://issuer.example",
        audiences: ["api", "https://other.example/"],
        local_jwks: { inline_string: JSON.stringify({ keys: [k.rsa.jwk, k.rsa2.jwk, k.ec.jwk, k.ec384.jwk, k.ed.jwk] }) },
        forward_payload_header: "x-jwt-payload",
        claim_to_headers: [{ header_name: "x-sub", claim_name: "sub" }, { header_name: "x-level", claim_name: "profile.level" }],
        ...extra,
      },
      shared: {
        issuer: "hs-issuer",
        local_jwks: { inline_string: JSON.stringify({ keys: [{ kty: "oct", kid: "hs-1", k: Buffer.from(k.secret).toString("base64url") }] }) },
        from_headers: [{ name: "x-token" }],
        forward: true,
      },
      pem: {
        issuer: "pem-issuer",
        local_jwks: { inline_string: k.rsa.pem },
        from_params: ["jwt"],
        from_cookies: ["session"],
      },
    },
    rules: [
      { match: { prefix: "/public" } },
      { match: { prefix: "/any" }, requires: { requires_any: { requirements: [{ provider_name: "main" }, { provider_name: "shared" }] } } },
      { match: { prefix: "/all" }, requires: { requires_all: { requirements: [{ provider_name: "main" }, { provider_name: "shared" }] } } },
      { match: { prefix: "/optional" }, requires: { allow_missing: {} } },
      { match: { prefix: "/lenient" }, requires: { allow_missing_or_failed: {} } },
      { match: { path: "/aud" }, requires: { provider_and_audiences: { provider_name: "main", audiences: ["admin"] } } },
      { match: { prefix: "/pem" }, requires: { provider_name: "pem" } },
      { match: { prefix: "/" }, requires: { provider_name: "main" } },
    ],
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  wasm = await buildWasm("filters/jwt/index.ts", { alsoHash: ["filters/jwt"] });
  keys = await makeKeys();
});

describe("jwt_authn filter: accepted tokens", () => {
  let f: LoadedFilter;
  beforeAll(async () => {
    f = await filterWith(baseConfig(keys));
  });

  for (const [alg, key] of [["RS256", "rsa"], ["RS384", "rsa"], ["RS512", "rsa"], ["PS256", "rsa"], ["PS384", "rsa"], ["PS512", "rsa"], ["ES256", "ec"], ["ES384", "ec384"], ["EdDSA", "ed"]] as const) {
    it(`${alg} with kid`, async () => {
      const k = keys[key];
      const token = await mint(k.privateKey, NOW, { alg, kid: k.jwk.kid as string });
      const r = await f.request({ path: "/x", headers: bearer(token) });
      expect(r.status, r.body).toBe(200);
    });
  }

  it("without kid, tries the keys of the right type (second RSA key)", async () => {
    const token = await mint(keys.rsa2.privateKey, NOW, { alg: "RS256", kid: null });
    const r = await f.request({ path: "/x", headers: bearer(token) });
    expect(r.status, r.body).toBe(200);
  });

  it("forwards the payload, copies claims, strips the token (forward: false)", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { profile: { level: 7 } } });
    const r = await f.request({ path: "/x?y=1", headers: bearer(token) });
    expect(r.status).toBe(200);
    const up = r.upstreamRequest!;
    expect(up.headers["x-jwt-payload"]).toBe(token.split(".")[1]);
    expect(JSON.parse(Buffer.from(up.headers["x-jwt-payload"]!, "base64url").toString()).sub).toBe("user-1");
    expect(up.headers["x-sub"]).toBe("user-1");
    expect(up.headers["x-level"]).toBe("7");
    expect(up.headers.authorization).toBeUndefined();
  });

  it("forward: true keeps the token; a custom header location without prefix", async () => {
    const token = await mint(keys.secret, NOW, { alg: "HS256", kid: "hs-1", claims: { iss: "hs-issuer" } });
    const r = await f.request({ path: "/any", headers: { "x-token": token } });
    expect(r.status, r.body).toBe(200);
    expect(r.upstreamRequest!.headers["x-token"]).toBe(token);
  });

  it("the default access_token query parameter", async () => {
    const token = await mint(keys.ec.privateKey, NOW, { alg: "ES256", kid: "ec-1" });
    const r = await f.request({ path: `/x?access_token=${token}` });
    expect(r.status, r.body).toBe(200);
  });

  it("a PEM public key from local_jwks, token from from_params and from_cookies", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: null, claims: { iss: "pem-issuer" } });
    expect((await f.request({ path: `/pem?jwt=${token}` })).status).toBe(200);
    expect((await f.request({ path: "/pem", headers: { cookie: `a=b; session=${token}` } })).status).toBe(200);
    expect((await f.request({ path: "/pem" })).status).toBe(401);
  });

  it("a path without a matching requirement passes untouched", async () => {
    const r = await f.request({ path: "/public/file" });
    expect(r.status).toBe(200);
  });

  it("clock skew: expired 30 s ago is still accepted with the default 60 s skew", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { iat: NOW - 700, exp: NOW - 30 } });
    expect((await f.request({ path: "/x", headers: bearer(token) })).status).toBe(200);
  });
});

describe("jwt_authn filter: rejections as Envoy sends them", () => {
  let f: LoadedFilter;
  beforeAll(async () => {
    f = await filterWith(baseConfig(keys, { max_lifetime_seconds: 3600 }));
  });

  async function expectRejected(headers: Record<string, string>, status: number, body: string, path = "/x") {
    const r = await f.request({ path, headers });
    expect(r.status).toBe(status);
    expect(r.body).toBe(body);
    expect(r.upstreamRequest).toBeNull();
    return r;
  }

  it("missing token: 401 without error=invalid_token", async () => {
    const r = await expectRejected({}, 401, "Jwt is missing");
    expect(r.headers["www-authenticate"]).toBe('Bearer realm="http://example.com/x"');
  });

  it("expired", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { iat: NOW - 1000, exp: NOW - 61 } });
    const r = await expectRejected(bearer(token), 401, "Jwt is expired");
    expect(r.headers["www-authenticate"]).toBe('Bearer realm="http://example.com/x", error="invalid_token"');
  });

  it("not yet valid", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { nbf: NOW + 120 } });
    await expectRejected(bearer(token), 401, "Jwt not yet valid");
  });

  it("wrong issuer", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { iss: "https://evil.example" } });
    await expectRejected(bearer(token), 401, "Jwt issuer is not configured");
  });

  it("audience not allowed: 403", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { aud: "somebody-else" } });
    await expectRejected(bearer(token), 403, "Audiences in Jwt are not allowed");
  });

  it("audiences compare without scheme and trailing slash", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { aud: ["x", "other.example"] } });
    expect((await f.request({ path: "/x", headers: bearer(token) })).status).toBe(200);
  });

  it("provider_and_audiences overrides the provider's audiences", async () => {
    const api = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    await expectRejected(bearer(api), 403, "Audiences in Jwt are not allowed", "/aud");
    const admin = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { aud: "admin" } });
    expect((await f.request({ path: "/aud", headers: bearer(admin) })).status).toBe(200);
  });

  it("bad signature", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    const [h, p, s] = token.split(".");
    const sig = Buffer.from(s!, "base64url");
    sig[10] ^= 1;
    await expectRejected(bearer(`${h}.${p}.${sig.toString("base64url")}`), 401, "Jwt verification fails");
  });

  it("a payload changed after signing", async () => {
    const token = await mint(keys.ec.privateKey, NOW, { alg: "ES256", kid: "ec-1" });
    const [h, , s] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ iss: "https://issuer.example", aud: "api", sub: "admin", exp: NOW + 600 })).toString("base64url");
    await expectRejected(bearer(`${h}.${forged}.${s}`), 401, "Jwt verification fails");
  });

  it("alg none", async () => {
    const token = handmade({ alg: "none" }, { iss: "https://issuer.example", aud: "api", exp: NOW + 60 }, () => "");
    // An empty signature segment after "none" is still three sections.
    await expectRejected(bearer(token), 401, "Jwt header [alg] is not supported");
  });

  it("HS256 signed with the RSA public key (algorithm confusion)", async () => {
    const payload = { iss: "https://issuer.example", aud: "api", exp: NOW + 60 };
    const withKid = handmade({ alg: "HS256", kid: "rsa-1" }, payload, (input) => hs256(keys.rsa.pem, input));
    await expectRejected(bearer(withKid), 401, "Jwks doesn't have key to match kid or alg from Jwt");
    const noKid = handmade({ alg: "HS256" }, payload, (input) => hs256(JSON.stringify(keys.rsa.jwk), input));
    await expectRejected(bearer(noKid), 401, "Jwks doesn't have key to match kid or alg from Jwt");
  });

  it("an alg that does not match the key (RS256 header, EC key id)", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "ec-1" });
    await expectRejected(bearer(token), 401, "Jwks doesn't have key to match kid or alg from Jwt");
  });

  it("unsupported crit", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", header: { crit: ["exp-ext"], "exp-ext": 1 } }).catch(() =>
      handmade({ alg: "RS256", kid: "rsa-1", crit: ["exp-ext"] }, { iss: "https://issuer.example", aud: "api", exp: NOW + 60 }, () => "AAAA"));
    await expectRejected(bearer(token), 401, "Jwt header [crit] names an unsupported extension");
  });

  it("malformed tokens", async () => {
    await expectRejected(bearer("abc.def"), 401, "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections");
    await expectRejected(bearer("a.b.c.d"), 401, "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections");
    // Envoy cuts the token at the first character outside base64url/'.'/'=': nothing is left here.
    await expectRejected(bearer("!!!.e30.AAAA"), 401, "Jwt is missing");
    await expectRejected(bearer("e30xx.e30.AAAA"), 401, "Jwt header is an invalid Base64url encoded");
    await expectRejected(bearer(`${Buffer.from("{nope").toString("base64url")}.e30.AAAA`), 401, "Jwt header is an invalid JSON");
    await expectRejected(bearer(`${Buffer.from('{"alg":5}').toString("base64url")}.e30.AAAA`), 401, "Jwt header [alg] field is required and must be a string");
    const h = Buffer.from('{"alg":"RS256"}').toString("base64url");
    await expectRejected(bearer(`${h}.${Buffer.from("[1]").toString("base64url")}.AAAA`), 401, "Jwt payload is an invalid JSON");
    await expectRejected(bearer(`${h}.${Buffer.from('{"exp":"soon"}').toString("base64url")}.AAAA`), 401, "Jwt payload [exp] field is not an integer");
    await expectRejected(bearer(`${h}.${Buffer.from('{"aud":5}').toString("base64url")}.AAAA`), 401, "Jwt payload [aud] field is not a string or string list");
    await expectRejected(bearer(`${h}.e30.A`), 401, "Jwt signature is an invalid Base64url encoded");
  });

  it("lifetime longer than max_lifetime", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { iat: NOW, exp: NOW + 7200 } });
    await expectRejected(bearer(token), 401, "Jwt is expired");
  });

  it("oversized token", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { blob: "x".repeat(20000) } });
    await expectRejected(bearer(token), 401, "Jwt is too large");
  });

  it("two tokens, one bad: all must verify", async () => {
    const good = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    const r = await f.request({ path: `/x?access_token=${good.slice(0, -4)}AAAA`, headers: bearer(good) });
    expect(r.status).toBe(401);
  });
});

describe("jwt_authn filter: requirement kinds", () => {
  let f: LoadedFilter;
  let main: string;
  let shared: string;
  beforeAll(async () => {
    f = await filterWith(baseConfig(keys));
    main = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1" });
    shared = await mint(keys.secret, NOW, { alg: "HS256", kid: "hs-1", claims: { iss: "hs-issuer" } });
  });

  it("requires_any: either provider, or 401 missing", async () => {
    expect((await f.request({ path: "/any", headers: bearer(main) })).status).toBe(200);
    expect((await f.request({ path: "/any", headers: { "x-token": shared } })).status).toBe(200);
    const none = await f.request({ path: "/any" });
    expect([none.status, none.body]).toEqual([401, "Jwt is missing"]);
    const expired = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { exp: NOW - 1000 } });
    const bad = await f.request({ path: "/any", headers: bearer(expired) });
    expect([bad.status, bad.body]).toEqual([401, "Jwt is expired"]);
  });

  it("requires_all: both providers", async () => {
    expect((await f.request({ path: "/all", headers: { ...bearer(main), "x-token": shared } })).status).toBe(200);
    const one = await f.request({ path: "/all", headers: bearer(main) });
    expect([one.status, one.body]).toEqual([401, "Jwt is missing"]);
  });

  it("allow_missing: no token passes, a bad one does not", async () => {
    expect((await f.request({ path: "/optional" })).status).toBe(200);
    expect((await f.request({ path: "/optional", headers: bearer(main) })).status).toBe(200);
    const bad = await f.request({ path: "/optional", headers: bearer(main.slice(0, -6) + "AAAAAA") });
    expect([bad.status, bad.body]).toEqual([401, "Jwt verification fails"]);
  });

  it("allow_missing_or_failed: everything passes; a good token is still forwarded", async () => {
    expect((await f.request({ path: "/lenient" })).status).toBe(200);
    expect((await f.request({ path: "/lenient", headers: bearer("garbage") })).status).toBe(200);
    const ok = await f.request({ path: "/lenient", headers: bearer(main) });
    expect(ok.status).toBe(200);
    expect(ok.upstreamRequest!.headers["x-jwt-payload"]).toBe(main.split(".")[1]);
  });
});

describe("jwt_authn filter: filter-level options", () => {
  it("bypass_cors_preflight lets a CORS preflight through, not a plain OPTIONS", async () => {
    const f = await filterWith({ ...baseConfig(keys), bypass_cors_preflight: true });
    const preflight = await f.request({ method: "OPTIONS", path: "/x", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(200);
    expect((await f.request({ method: "OPTIONS", path: "/x" })).status).toBe(401);
  });

  it("strip_failure_response: empty body, no WWW-Authenticate", async () => {
    const f = await filterWith({ ...baseConfig(keys), strip_failure_response: true });
    const r = await f.request({ path: "/x" });
    expect(r.status).toBe(401);
    expect(r.body).toBe("");
    expect(r.headers["www-authenticate"]).toBeUndefined();
  });

  it("the realm uses x-forwarded-proto and cuts the path at 256 characters", async () => {
    const f = await filterWith(baseConfig(keys));
    const long = "/" + "a".repeat(300);
    const r = await f.request({ path: long, authority: "api.example", headers: { "x-forwarded-proto": "https" } });
    expect(r.headers["www-authenticate"]).toBe(`Bearer realm="https://api.example${long.slice(0, 256)}"`);
  });

  it("a cached token is still checked for expiry", async () => {
    const f = await filterWith(baseConfig(keys));
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { exp: NOW + 30 } });
    expect((await f.request({ path: "/x", headers: bearer(token) })).status).toBe(200);
    await f.advanceTime(120_000);
    const later = await f.request({ path: "/x", headers: bearer(token) });
    expect([later.status, later.body]).toEqual([401, "Jwt is expired"]);
  });
});

describe("jwt_authn filter: the verified payload for later filters", () => {
  it("payload_in_metadata publishes the payload JSON as a property the next filter reads", async () => {
    const reader = await buildWasm("filters/jwt/test/fixture/payload-reader.ts", { alsoHash: ["filters/jwt"] });
    const chain = await loadChain([
      { wasm, config: baseConfig(keys, { payload_in_metadata: "jwt_payload" }) },
      { wasm: reader, config: "jwt_payload" },
    ]);
    const token = await mint(keys.ed.privateKey, NOW, { alg: "EdDSA", kid: "ed-1", claims: { role: "admin" } });
    const r = await chain.request({ path: "/x", headers: bearer(token) });
    expect(r.status, r.body).toBe(200);
    const seen = JSON.parse(r.upstreamRequest!.headers["x-seen-payload"]!);
    expect(seen).toMatchObject({ iss: "https://issuer.example", sub: "user-1", role: "admin" });
    // A rejected request never reaches the reader.
    expect((await chain.request({ path: "/x" })).upstreamRequest).toBeNull();
    await chain.close();
  });
});

describe("jwt_authn filter: configuration errors name the field", () => {
  async function loadError(config: object): Promise<string> {
    try {
      const f = await loadFilter(wasm, { config });
      await f.close();
    } catch (e) {
      const logs = ((e as { logs?: { message: string }[] }).logs ?? []).map((l) => l.message).join("\n");
      return `${(e as Error).message}\n${logs}`;
    }
    throw new Error("configuration was accepted");
  }

  it("unknown fields", async () => {
    const msg = await loadError({ providers: { p: { isuer: "x", local_jwks: { inline_string: JSON.stringify({ keys: [keys.rsa.jwk] }) } } } });
    expect(msg).toContain("providers.p.isuer: unknown field");
  });

  it("wrong types", async () => {
    const msg = await loadError({ providers: { p: { issuer: 5, forward: "yes", local_jwks: { inline_string: JSON.stringify({ keys: [keys.rsa.jwk] }) } } }, rules: {} });
    expect(msg).toContain("providers.p.issuer: expected a string, got number");
    expect(msg).toContain("providers.p.forward: expected true or false, got string");
    expect(msg).toContain("rules: expected an array, got object");
  });

  it("a requirement naming no provider, an unusable key set", async () => {
    const msg = await loadError({
      providers: { p: { local_jwks: { inline_string: "{\"keys\":[]}" } } },
      rules: [{ match: { prefix: "/" }, requires: { provider_name: "q" } }],
    });
    expect(msg).toContain("rules[0].requires.provider_name: names no provider in providers: \"q\"");
    expect(msg).toContain("providers.p.local_jwks.inline_string: is neither a usable JWKS nor a PEM public key");
  });

  it("remote_jwks without a cluster", async () => {
    const msg = await loadError({ providers: { p: { remote_jwks: { http_uri: { uri: "https://x.example/jwks" } } } } });
    expect(msg).toContain("providers.p.remote_jwks.http_uri.cluster: is required");
  });
});
