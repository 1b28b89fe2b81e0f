// Validates generated objects against CRD schemas (converted by crd-json-schema.ts) with ajv,
// reporting "Kind/name: /json/pointer message" per violation.
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { CrdSchemas } from "./crd-json-schema.ts";
import type { KubeObject } from "./labels.ts";
import { isDnsLabel, isDnsSubdomain } from "./names.ts";

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

export class CrdValidator {
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly schemas: CrdSchemas) {}

  /** Whether a served CRD version for the object's apiVersion and kind was loaded. */
  covers(object: KubeObject): boolean {
    return this.schemas.has(`${object.apiVersion} ${object.kind}`);
  }

  /** Problems with one object; an apiVersion/kind with no served CRD version is itself a problem. */
  validate(object: KubeObject): string[] {
    const key = `${object.apiVersion} ${object.kind}`;
    const name = `${object.kind}/${object.metadata?.name}`;
    const problems: string[] = [];
    if (!isDnsSubdomain(object.metadata?.name ?? "")) problems.push(`${name}: metadata.name is not a valid object name`);
    if (object.metadata?.namespace !== undefined && !isDnsLabel(object.metadata.namespace)) problems.push(`${name}: metadata.namespace is not a valid namespace`);
    const schema = this.schemas.get(key);
    if (!schema) return [...problems, `${name}: no served CRD version for ${key}`];
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    if (!validate(object)) {
      for (const error of validate.errors ?? []) {
        const extra = error.keyword === "additionalProperties" ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : "";
        problems.push(`${name}: ${error.instancePath || "/"} ${error.message}${extra}`);
      }
    }
    return problems;
  }
}
