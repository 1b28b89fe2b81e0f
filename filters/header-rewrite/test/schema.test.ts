// config.schema.json and the filter agree: every README example is valid under the schema and
// accepted by the filter; invalid configs are refused by both.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseGateway } from "../../../harness/gateway/index.ts";
import { compileSchemaFile } from "../../../harness/gateway/schema-check.ts";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { loadFilter } from "../../../harness/testing.ts";
import { buildWasm } from "../../../test/support/build.ts";

const dir = path.resolve(import.meta.dirname, "..");
const validate = compileSchemaFile(path.join(dir, "config.schema.json"));
const examples = [...readFileSync(path.join(dir, "README.md"), "utf8").matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as object);

const gatewayExamples = [...readFileSync(path.join(dir, "README.md"), "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

let wasm: string;
beforeAll(async () => {
  wasm = await buildWasm("filters/header-rewrite/index.ts");
});

async function filterAccepts(config: object): Promise<boolean> {
  try {
    await (await loadFilter(wasm, { config })).close();
    return true;
  } catch {
    return false;
  }
}

describe("config.schema.json", () => {
  it("has README examples to check", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it("the README's gateway file loads, its filter config checked against this schema", () => {
    expect(gatewayExamples.length).toBe(1);
    const gateway = parseGateway(gatewayExamples[0]!, PACKAGE_ROOT, "README.md");
    expect(gateway.filters[0]!.configSchema).toBe(path.join(dir, "config.schema.json"));
  });

  it.each(examples.map((e, i) => [i, e] as const))("README example %i is valid and accepted", async (_, example) => {
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(await filterAccepts(example)).toBe(true);
  });

  it.each([
    [{ request: { set: { "bad name": "1" } } }],
    [{ request: { set: { "x-a": "a\nb" } } }],
    [{ request: { remove: [":path"] } }],
    [{ request: { remove: ["HOST"] } }],
    [{ request: { rename: { "x-a": "host" } } }],
    [{ rules: [{ match: { prefix: "api" } }] }],
    [{ rules: [{ match: { headers: [{ name: "x", exact: "a", present: true }] } }] }],
    [{ unknown: true }],
  ])("refuses %j, as the filter does", async (config) => {
    expect(validate(config)).toBe(false);
    expect(await filterAccepts(config)).toBe(false);
  });
});
