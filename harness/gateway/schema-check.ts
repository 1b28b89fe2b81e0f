// JSON Schema validation (ajv) whose errors read as "field: expected …" with line:column.
// Our own schema carries an `x-expected` phrase per field; third-party filter schemas fall back to
// ajv's own wording.
import { readFileSync, statSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { GatewayIssue } from "./errors.ts";
import { formatPath, segmentsFromPointer, type PathSegment } from "./field-path.ts";
import type { YamlSource } from "./yaml-source.ts";

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  ((addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats));

function newAjv(schemaDialect: string | undefined): Ajv {
  const options = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true } as const;
  const ajv: Ajv =
    schemaDialect?.includes("2020-12") ? new Ajv2020(options)
    : schemaDialect?.includes("2019-09") ? new Ajv2019(options)
    : new Ajv(options);
  addFormats(ajv);
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  return ajv;
}

const compiled = new Map<string, { mtimeMs: number; validate: ValidateFunction }>();

/** Compiles a schema file once per modification time. Throws a plain Error describing what is wrong. */
export function compileSchemaFile(file: string): ValidateFunction {
  const mtimeMs = statSync(file).mtimeMs;
  const cached = compiled.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.validate;
  const schema = JSON.parse(readFileSync(file, "utf8")) as { $schema?: string };
  const validate = newAjv(schema.$schema).compile(schema);
  compiled.set(file, { mtimeMs, validate });
  return validate;
}

/**
 * Validates `value`, found at `basePath` inside `source`, and returns one issue per offending field
 * (the first, most specific error for each path).
 */
export function schemaIssues(
  validate: ValidateFunction,
  value: unknown,
  source: YamlSource,
  basePath: readonly PathSegment[] = [],
  locate: (path: readonly PathSegment[], key: boolean) => { line: number; col: number } | undefined =
    (path, key) => source.positionOf(path, { key }),
): GatewayIssue[] {
  if (validate(value)) return [];
  const byPath = new Map<string, GatewayIssue>();
  for (const error of validate.errors ?? []) {
    const { segments, message, atKey } = describe(error, value);
    const full = [...basePath, ...segments];
    const path = formatPath(full);
    if (byPath.has(path)) continue;
    const pos = locate(full, atKey);
    byPath.set(path, { file: source.file, line: pos?.line, col: pos?.col, path, message });
  }
  return [...byPath.values()];
}

function describe(error: ErrorObject, root: unknown): { segments: PathSegment[]; message: string; atKey: boolean } {
  const segments = segmentsFromPointer(error.instancePath, root);
  const expected = (error.parentSchema as Record<string, unknown> | undefined)?.["x-expected"];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { segments: [...segments, String(params.missingProperty)], message: "is required", atKey: false };
    case "additionalProperties": {
      const known = Object.keys(((error.parentSchema as { properties?: object } | undefined)?.properties) ?? {});
      const hint = known.length ? ` (expected one of: ${known.join(", ")})` : "";
      return { segments: [...segments, String(params.additionalProperty)], message: `unknown field${hint}`, atKey: true };
    }
    case "enum":
      return {
        segments,
        message: `expected ${typeof expected === "string" ? expected : "one of " + (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${shown(error.data)}`,
        atKey: false,
      };
    default:
      return {
        segments,
        message: typeof expected === "string" ? `expected ${expected}, got ${shown(error.data)}` : `${error.message ?? "is invalid"}, got ${shown(error.data)}`,
        atKey: false,
      };
  }
}

function shown(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}
