// A filter's configuration as Kubernetes carries it: a JSON value (Envoy Gateway passes it to the
// module as JSON text), checked against the filter's JSON Schema before anything is written.
import { compileSchemaFile } from "../gateway/schema-check.ts";
import type { Filter } from "../gateway/model.ts";

export type ConfigResult = { value: unknown; problems: string[] };

export function filterConfigValue(filter: Filter): ConfigResult {
  let value = filter.configValue;
  if (value === undefined) {
    try {
      value = JSON.parse(filter.config === "" ? "{}" : filter.config);
    } catch {
      return {
        value: undefined,
        problems: [`config is not JSON; Envoy Gateway and Istio pass the configuration as JSON, so it must be a JSON object or value`],
      };
    }
  }
  if (!filter.configSchema) return { value, problems: [] };
  let validate;
  try {
    validate = compileSchemaFile(filter.configSchema);
  } catch (error) {
    return { value, problems: [`config schema ${filter.configSchema} is not usable: ${(error as Error).message}`] };
  }
  if (validate(value)) return { value, problems: [] };
  const problems = (validate.errors ?? []).map((e) => `config${e.instancePath.replace(/\//g, ".")} ${e.message} (schema ${filter.configSchema})`);
  return { value, problems };
}
