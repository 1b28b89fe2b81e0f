// Reads a scenario YAML file, validated by its JSON Schema with file:line:col errors.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GatewayError } from "../gateway/errors.ts";
import { compileSchemaFile, schemaIssues } from "../gateway/schema-check.ts";
import { YamlSource } from "../gateway/yaml-source.ts";
import type { HeaderExpectations, Scenario } from "./model.ts";

export const SCENARIO_SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "scenario.schema.json");

interface RawHeaders { present?: string[]; absent?: string[]; equal?: Record<string, string> }
interface RawScenario {
  name?: string;
  gateway: string;
  echo?: string[];
  requests: Array<{
    name?: string; method?: string; path: string; headers?: Record<string, string>; body?: string;
    expect: { status?: number; headers?: RawHeaders; body_contains?: string | string[]; upstream_headers?: RawHeaders };
  }>;
}

function headerExpectations(raw: RawHeaders | undefined): HeaderExpectations | undefined {
  if (!raw) return undefined;
  const lower = (names?: string[]) => names?.map((n) => n.toLowerCase());
  return {
    present: lower(raw.present),
    absent: lower(raw.absent),
    equal: raw.equal && Object.fromEntries(Object.entries(raw.equal).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

export function parseScenario(text: string, file: string): Scenario {
  const source = new YamlSource(text, file);
  if (source.parseIssues.length) throw new GatewayError(source.parseIssues);
  const issues = schemaIssues(compileSchemaFile(SCENARIO_SCHEMA_FILE), source.value ?? null, source);
  if (issues.length) throw new GatewayError(issues);
  const raw = source.value as RawScenario;
  const gateway = path.resolve(path.dirname(path.resolve(file)), raw.gateway);
  if (!existsSync(gateway)) {
    const pos = source.positionOf(["gateway"]);
    throw new GatewayError([{ file, line: pos?.line, col: pos?.col, path: "gateway", message: `gateway file not found: ${gateway}` }]);
  }
  return {
    name: raw.name ?? path.basename(file, path.extname(file)),
    file,
    gateway,
    echo: raw.echo ?? [],
    requests: raw.requests.map((r, i) => ({
      name: r.name ?? `request ${i + 1} (${r.method ?? "GET"} ${r.path})`,
      method: r.method ?? "GET",
      path: r.path,
      headers: r.headers ?? {},
      body: r.body,
      expect: {
        status: r.expect.status,
        headers: headerExpectations(r.expect.headers),
        bodyContains: typeof r.expect.body_contains === "string" ? [r.expect.body_contains] : r.expect.body_contains,
        upstreamHeaders: headerExpectations(r.expect.upstream_headers),
      },
    })),
  };
}

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new GatewayError([{ file, path: "", message: "scenario file not found" }]);
  }
  return parseScenario(text, file);
}
