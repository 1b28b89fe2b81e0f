// CustomResourceDefinition schemas (OpenAPI v3 with Kubernetes extensions) → JSON Schema that ajv
// checks, for the version an object names in apiVersion:
//   x-kubernetes-int-or-string → integer or string; nullable → the type or null;
//   x-kubernetes-preserve-unknown-fields / embedded-resource → any extra fields allowed;
//   other objects with declared properties → unknown fields are an error (the API server would
//   prune them silently: for generated objects that is always a bug);
//   x-kubernetes-validations (CEL), list/map annotations and non-JSON-Schema formats dropped
//   (the CEL rules that matter are in cel-rules.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

type Schema = Record<string, unknown>;

/** Formats ajv-formats knows; Kubernetes-only ones (int32, byte, …) are dropped. */
const JSON_SCHEMA_FORMATS = new Set(["date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uuid"]);

export function crdJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(crdJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const source = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith("x-kubernetes-") || key === "nullable") continue;
    if (key === "format" && !JSON_SCHEMA_FORMATS.has(String(value))) continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, crdJsonSchema(s)]));
    } else if (["items", "additionalProperties", "not"].includes(key) && typeof value === "object") {
      out[key] = crdJsonSchema(value);
    } else if (["allOf", "anyOf", "oneOf"].includes(key)) {
      out[key] = (value as unknown[]).map(crdJsonSchema);
    } else {
      out[key] = value;
    }
  }
  if (source["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    if (!out.anyOf) out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  const open = source["x-kubernetes-preserve-unknown-fields"] === true || source["x-kubernetes-embedded-resource"] === true;
  if (!open && out.type === "object" && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (source.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

/** JSON Schemas by "group/version kind" (e.g. "gateway.networking.k8s.io/v1 HTTPRoute"), served versions only. */
export type CrdSchemas = Map<string, Schema>;

interface Crd {
  kind?: string;
  spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema: unknown } }> };
}

export function loadCrdSchemas(files: string[]): CrdSchemas {
  const schemas: CrdSchemas = new Map();
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        schemas.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, crdJsonSchema(version.schema.openAPIV3Schema) as Schema);
      }
    }
  }
  return schemas;
}

/** Istio's WasmPlugin, written from its documented fields (no Istio CRD is vendored). */
export const ISTIO_WASM_PLUGIN_SCHEMA_FILE = fileURLToPath(new URL("./schemas/istio-wasmplugin.schema.json", import.meta.url));

export function addIstioWasmPluginSchema(schemas: CrdSchemas): CrdSchemas {
  schemas.set("extensions.istio.io/v1alpha1 WasmPlugin", JSON.parse(readFileSync(ISTIO_WASM_PLUGIN_SCHEMA_FILE, "utf8")) as Schema);
  return schemas;
}
