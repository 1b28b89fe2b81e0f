// The contract every reference filter keeps between its config.schema.json, its README and the
// filter itself: every README example is valid under the schema and accepted by the filter, the
// README's gateway file loads with its config checked against the schema, and invalid configs
// are refused by both.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseGateway } from "../../harness/gateway/index.ts";
import { compileSchemaFile } from "../../harness/gateway/schema-check.ts";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { loadFilter } from "../../harness/testing.ts";
import { buildWasm } from "./build.ts";

function fencedBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

/** Defines the contract tests for `filters/<name>`, with configs both must refuse. */
export function describeConfigContract(name: string, invalidConfigs: object[]): void {
  const dir = path.join(PACKAGE_ROOT, "filters", name);
  const schemaFile = path.join(dir, "config.schema.json");
  const validate = compileSchemaFile(schemaFile);
  const readme = readFileSync(path.join(dir, "README.md"), "utf8");
  const examples = fencedBlocks(readme, "json").map((text) => JSON.parse(text) as object);
  const gatewayExamples = fencedBlocks(readme, "yaml");

  let wasm: string;
  beforeAll(async () => {
    wasm = await buildWasm(`filters/${name}/index.ts`);
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
      expect(gateway.filters[0]!.configSchema).toBe(schemaFile);
    });

    it.each(examples.map((e, i) => [i, e] as const))("README example %i is valid and accepted", async (_, example) => {
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      expect(await filterAccepts(example)).toBe(true);
    });

    it.each(invalidConfigs.map((c) => [c]))("refuses %j, as the filter does", async (config) => {
      expect(validate(config)).toBe(false);
      expect(await filterAccepts(config)).toBe(false);
    });
  });
}
