// config.schema.json (used by the gateway loader before the filter ever runs) agrees with the
// filter's own parser on representative configurations.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";

const schema = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "filters/jwt/config.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const jwks = JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" }] });

describe("jwt config.schema.json", () => {
  it("accepts Envoy-style configurations", () => {
    const config = {
      providers: {
        local: { issuer: "a", audiences: ["x"], local_jwks: { inline_string: jwks }, forward: true, claim_to_headers: [{ header_name: "x-sub", claim_name: "sub" }], jwt_cache_config: { jwt_cache_size: 10 } },
        remote: {
          issuer: "b",
          remote_jwks: { http_uri: { uri: "https://idp.example/jwks", cluster: "idp", timeout: "2s" }, cache_duration: "300s", async_fetch: { fast_listener: false } },
          from_headers: [{ name: "x-jwt", value_prefix: "Token " }], from_params: ["t"], from_cookies: ["c"], clock_skew_seconds: 30, max_lifetime: "1h",
        },
      },
      rules: [
        { match: { prefix: "/health" } },
        { match: { path: "/a" }, requires: { requires_any: { requirements: [{ provider_name: "local" }, { allow_missing: {} }] } } },
        { match: { path_separated_prefix: "/b", case_sensitive: false }, requires: { provider_and_audiences: { provider_name: "remote", audiences: ["y"] } } },
      ],
      bypass_cors_preflight: true,
    };
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it("rejects unknown fields, wrong types and bad requirement shapes", () => {
    expect(validate({ providers: { p: { isuer: "x", local_jwks: { inline_string: jwks } } } })).toBe(false);
    expect(validate({ providers: { p: { issuer: 5, local_jwks: { inline_string: jwks } } } })).toBe(false);
    expect(validate({ providers: { p: { issuer: "x" } } })).toBe(false);
    expect(validate({ rules: [{ match: { prefix: "/" }, requires: { provider_name: "p", allow_missing: {} } }] })).toBe(false);
    expect(validate({ rules: [{ match: { prefix: "/", path: "/x" } }] })).toBe(false);
    expect(validate({ providers: { p: { remote_jwks: { http_uri: { uri: "https://x/j", cluster: "c", timeout: "soon" } } } } })).toBe(false);
  });
});
