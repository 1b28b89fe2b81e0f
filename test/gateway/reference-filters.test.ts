// Gateway files naming the reference filters pick up each filter's config.schema.json from its
// folder and report config mistakes in the filter's own words, at the line of the mistake.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { GatewayError, parseGateway } from "../../harness/gateway/index.ts";

const RATE_LIMIT_SCHEMA = path.join(PACKAGE_ROOT, "filters/rate-limit/config.schema.json");
const HEADER_REWRITE_SCHEMA = path.join(PACKAGE_ROOT, "filters/header-rewrite/config.schema.json");
const present = existsSync(RATE_LIMIT_SCHEMA) && existsSync(HEADER_REWRITE_SCHEMA);
if (!present) console.warn("skipping reference-filter gateway checks: filters/rate-limit or filters/header-rewrite has no config.schema.json yet");

const gatewayText = (rateLimitConfig: string) => `
clusters: [{ name: up, url: "http://127.0.0.1:9000" }]
filters:
  - name: headers
    source: filters/header-rewrite/index.ts
    config:
      response: { set: { x-served-by: proxyscript } }
  - name: limit
    source: filters/rate-limit/index.ts
    config:
${rateLimitConfig}
`;

describe.skipIf(!present)("reference filters in a gateway file", () => {
  it("valid configs load, and each filter records the schema beside its source", () => {
    const gw = parseGateway(gatewayText("      stat_prefix: edge\n      token_bucket: { max_tokens: 10, fill_interval: 1s }"), PACKAGE_ROOT);
    expect(gw.filters.map((f) => f.configSchema)).toEqual([HEADER_REWRITE_SCHEMA, RATE_LIMIT_SCHEMA]);
    expect(JSON.parse(gw.filters[1].config)).toEqual({ stat_prefix: "edge", token_bucket: { max_tokens: 10, fill_interval: "1s" } });
  });

  it("a wrong config is reported with the filter schema's expectation and the YAML position", () => {
    let error: unknown;
    try {
      parseGateway(gatewayText("      stat_prefix: edge\n      token_bucket: { max_tokens: 0, fill_interval: 1s }"), PACKAGE_ROOT, "gw.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as Error).message).toBe(
      "gw.yaml:12:35: filters[1].config.token_bucket.max_tokens: expected a whole number of at least 1, got 0 (schema config.schema.json)",
    );
  });
});
