// config.schema.json and the filter agree: every README example is valid under the schema and
// accepted by the filter; invalid configs are refused by both.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSchemaFile } from "../../../harness/gateway/schema-check.ts";
import { loadFilter } from "../../../harness/testing.ts";
import { buildWasm } from "../../../test/support/build.ts";

const dir = path.resolve(import.meta.dirname, "..");
const validate = compileSchemaFile(path.join(dir, "config.schema.json"));
const examples = [...readFileSync(path.join(dir, "README.md"), "utf8").matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as object);

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
