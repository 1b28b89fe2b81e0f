// Strict validation of an Envoy config against Envoy's API definitions: the proto3 JSON mapping
// (unknown fields, wrong types, bad enum values, malformed durations, oneof conflicts), every typed
// `Any` resolved by its @type and checked in turn, and the protoc-gen-validate rules Envoy enforces
// at load (required messages and oneofs, string/bytes lengths, repeated/map sizes, numeric and
// duration bounds, defined enums). Deprecated fields are reported as warnings.
import protobuf from "protobufjs";
import { EnvoyApi } from "./envoy-api.ts";

export interface EnvoyConfigIssue {
  /** Path in the config, e.g. `static_resources.clusters[0].connect_timeout`. */
  path: string;
  message: string;
}

export interface EnvoyValidation {
  errors: EnvoyConfigIssue[];
  warnings: EnvoyConfigIssue[];
}

export class EnvoyConfigError extends Error {
  constructor(readonly issues: EnvoyConfigIssue[]) {
    super(`invalid Envoy config:\n${issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`);
    this.name = "EnvoyConfigError";
  }
}

export const BOOTSTRAP_TYPE = "envoy.config.bootstrap.v3.Bootstrap";

/** Validates `value` as the message `typeName` (default: an Envoy bootstrap). */
export function validateEnvoyConfig(value: unknown, typeName = BOOTSTRAP_TYPE): EnvoyValidation {
  const checker = new ProtoJsonChecker(EnvoyApi.get());
  const type = checker.api.lookupType(typeName);
  if (!type) throw new Error(`unknown Envoy message type ${typeName}`);
  checker.message(type, value, "");
  return { errors: checker.errors, warnings: checker.warnings };
}

/** Throws EnvoyConfigError listing every problem, if there is one. */
export function assertValidEnvoyConfig(value: unknown, typeName = BOOTSTRAP_TYPE): EnvoyValidation {
  const result = validateEnvoyConfig(value, typeName);
  if (result.errors.length) throw new EnvoyConfigError(result.errors);
  return result;
}

type Rules = Record<string, Record<string, unknown>>;

const INT32 = [-(2 ** 31), 2 ** 31 - 1];
const UINT32 = [0, 2 ** 32 - 1];
const DURATION = /^(-)?([0-9]+)(?:\.([0-9]{1,9}))?s$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const WRAPPERS: Record<string, string> = {
  "google.protobuf.DoubleValue": "double",
  "google.protobuf.FloatValue": "float",
  "google.protobuf.Int64Value": "int64",
  "google.protobuf.UInt64Value": "uint64",
  "google.protobuf.Int32Value": "int32",
  "google.protobuf.UInt32Value": "uint32",
  "google.protobuf.BoolValue": "bool",
  "google.protobuf.StringValue": "string",
  "google.protobuf.BytesValue": "bytes",
};
/** Types whose JSON form is not an object of fields; inside an Any they sit under "value". */
const SPECIAL_JSON = new Set([
  ...Object.keys(WRAPPERS),
  "google.protobuf.Duration", "google.protobuf.Timestamp", "google.protobuf.FieldMask",
  "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
]);

const TYPED_STRUCTS = new Set(["xds.type.v3.TypedStruct", "udpa.type.v1.TypedStruct"]);

function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** PGV's well-known header regexes; "loose" is their `strict: false` form (no NUL, CR or LF). */
const WELL_KNOWN: Record<string, { strict: RegExp; loose: RegExp }> = {
  HTTP_HEADER_NAME: { strict: /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/, loose: /^[^\u0000\n\r]*$/ },
  HTTP_HEADER_VALUE: { strict: /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/, loose: /^[^\u0000\n\r]*$/ },
};

/** An RE2 pattern as a JS RegExp, or undefined where the syntax differs (then the rule is skipped). */
function jsRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

function jsonName(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  const text = JSON.stringify(v);
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** protobufjs keeps parsed custom options as a list of single-option objects. */
function validateRules(parsedOptions: unknown): Rules | undefined {
  const entry = (parsedOptions as Array<Record<string, unknown>> | undefined)?.find((o) => "(validate.rules)" in o);
  return entry?.["(validate.rules)"] as Rules | undefined;
}

function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return (m[1] ? -1 : 1) * (Number(m[2]) + (m[3] ? Number(`0.${m[3]}`) : 0));
}

function protoDurationSeconds(d: unknown): number {
  const { seconds = 0, nanos = 0 } = (d ?? {}) as { seconds?: number | string; nanos?: number };
  return Number(seconds) + nanos / 1e9;
}

class ProtoJsonChecker {
  readonly errors: EnvoyConfigIssue[] = [];
  readonly warnings: EnvoyConfigIssue[] = [];
  constructor(readonly api: EnvoyApi) {}

  private error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  message(type: protobuf.Type, value: unknown, path: string): void {
    const name = type.fullName.replace(/^\./, "");
    if (this.wellKnown(name, value, path)) return;
    if (!isPlainObject(value)) {
      this.error(path, `expected an object (${name}), got ${describeValue(value)}`);
      return;
    }
    const byJson = new Map(type.fieldsArray.map((f) => [jsonName(f.name), f]));
    const setOneofs = new Map<string, string>();
    const present = new Set<string>();
    for (const [key, fieldValue] of Object.entries(value)) {
      const fieldPath = joinPath(path, key);
      const field = type.fields[key] ?? byJson.get(key);
      if (!field) {
        this.error(fieldPath, `unknown field in ${name}`);
        continue;
      }
      if (present.has(field.name)) this.error(fieldPath, `field ${field.name} is given twice (as ${field.name} and ${jsonName(field.name)})`);
      if (fieldValue === null) continue;
      present.add(field.name);
      if (field.partOf) {
        const other = setOneofs.get(field.partOf.name);
        if (other) this.error(fieldPath, `only one of ${field.partOf.oneof.join(", ")} may be set (${other} is set too)`);
        else setOneofs.set(field.partOf.name, field.name);
      }
      if (field.options?.deprecated) this.warnings.push({ path: fieldPath, message: `deprecated field of ${name}` });
      this.field(field, fieldValue, fieldPath);
    }
    this.messageRules(type, value, present, setOneofs, path);
  }

  private field(field: protobuf.Field, value: unknown, path: string): void {
    const rules = validateRules(field.parsedOptions);
    if (field instanceof protobuf.MapField) {
      if (!isPlainObject(value)) return this.error(path, `expected a map (object), got ${describeValue(value)}`);
      for (const [k, v] of Object.entries(value)) {
        if (field.keyType !== "string" && field.keyType !== "bool" && !/^-?[0-9]+$/.test(k)) this.error(`${path}.${k}`, `map key must be a ${field.keyType}`);
        if (rules?.map?.keys) this.scalarRules(field.keyType, k, rules.map.keys as Rules, `${path}.${k}`);
        this.single(field, v, `${path}.${k}`, rules?.map?.values as Rules | undefined);
      }
      const minPairs = rules?.map?.min_pairs;
      if (minPairs !== undefined && Object.keys(value).length < Number(minPairs)) this.error(path, `must have at least ${minPairs} entries`);
      return;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) return this.error(path, `expected a list, got ${describeValue(value)}`);
      value.forEach((item, i) => this.single(field, item, `${path}[${i}]`, rules?.repeated?.items as Rules | undefined));
      const minItems = rules?.repeated?.min_items;
      if (minItems !== undefined && value.length < Number(minItems)) this.error(path, `must have at least ${minItems} items`);
      const maxItems = rules?.repeated?.max_items;
      if (maxItems !== undefined && value.length > Number(maxItems)) this.error(path, `must have at most ${maxItems} items`);
      return;
    }
    this.single(field, value, path, rules);
  }

  private single(field: protobuf.Field, value: unknown, path: string, rules: Rules | undefined): void {
    if (value === null) return this.error(path, "null is not allowed here");
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Enum) {
      this.enumValue(resolved, value, path);
    } else if (resolved instanceof protobuf.Type) {
      this.message(resolved, value, path);
      const name = resolved.fullName.replace(/^\./, "");
      if (name === "google.protobuf.Duration" && typeof value === "string" && rules?.duration) this.durationRules(rules.duration, value, path);
      if (WRAPPERS[name] && rules) this.scalarRules(WRAPPERS[name], value, rules, path);
    } else {
      if (this.scalar(field.type, value, path) && rules) this.scalarRules(field.type, value, rules, path);
    }
  }

  private enumValue(type: protobuf.Enum, value: unknown, path: string): void {
    const name = type.fullName.replace(/^\./, "");
    if (name === "google.protobuf.NullValue") return;
    if (typeof value === "string" && value in type.values) return;
    if (typeof value === "number" && Number.isInteger(value) && value in type.valuesById) return;
    this.error(path, `expected one of ${Object.keys(type.values).join(", ")} (${name}), got ${describeValue(value)}`);
  }

  /** Checks a scalar's JSON form; returns whether it was well-formed. */
  private scalar(type: string, value: unknown, path: string): boolean {
    const fail = (expected: string): boolean => {
      this.error(path, `expected ${expected}, got ${describeValue(value)}`);
      return false;
    };
    switch (type) {
      case "string":
        return typeof value === "string" || fail("a string");
      case "bool":
        return typeof value === "boolean" || fail("true or false");
      case "bytes":
        return (typeof value === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) || fail("base64 bytes");
      case "double":
      case "float":
        return typeof value === "number" || (typeof value === "string" && /^(NaN|-?Infinity|-?[0-9.eE+-]+)$/.test(value)) || fail("a number");
      case "int32":
      case "sint32":
      case "sfixed32":
      case "uint32":
      case "fixed32": {
        const [min, max] = type.startsWith("u") || type === "fixed32" ? UINT32 : INT32;
        const n = typeof value === "string" && /^-?[0-9]+$/.test(value) ? Number(value) : value;
        return (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) || fail(`a ${type} integer`);
      }
      case "int64":
      case "sint64":
      case "sfixed64":
      case "uint64":
      case "fixed64": {
        const unsigned = type.startsWith("u") || type === "fixed64";
        const ok = (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?[0-9]+$/.test(value));
        return (ok && !(unsigned && String(value).startsWith("-"))) || fail(`a ${type} integer (number or decimal string)`);
      }
      default:
        return fail(`a value of type ${type}`);
    }
  }

  private scalarRules(type: string, value: unknown, all: Rules, path: string): void {
    const kind = type === "bytes" ? "bytes" : type;
    const rules = all[kind];
    if (!rules) return;
    if (typeof value === "string" && (kind === "string" || kind === "bytes")) {
      const chars = [...value].length;
      const bytes = Buffer.byteLength(value);
      if (rules.min_len !== undefined && chars < Number(rules.min_len)) this.error(path, `must be at least ${rules.min_len} characters long`);
      if (rules.max_len !== undefined && chars > Number(rules.max_len)) this.error(path, `must be at most ${rules.max_len} characters long`);
      if (rules.min_bytes !== undefined && bytes < Number(rules.min_bytes)) this.error(path, `must be at least ${rules.min_bytes} bytes long`);
      if (rules.max_bytes !== undefined && bytes > Number(rules.max_bytes)) this.error(path, `must be at most ${rules.max_bytes} bytes long`);
      if (typeof rules.prefix === "string" && !value.startsWith(rules.prefix)) this.error(path, `must start with ${JSON.stringify(rules.prefix)}`);
      if (Array.isArray(rules.in) && !rules.in.includes(value)) this.error(path, `must be one of ${rules.in.map((v) => JSON.stringify(v)).join(", ")}`);
      if (typeof rules.pattern === "string") {
        const pattern = jsRegExp(rules.pattern);
        if (pattern && !pattern.test(value)) this.error(path, `must match ${rules.pattern}`);
      }
      if (typeof rules.well_known_regex === "string") {
        const check = WELL_KNOWN[rules.well_known_regex]?.[rules.strict === false ? "loose" : "strict"];
        if (check && !check.test(value)) this.error(path, `is not a valid ${rules.well_known_regex === "HTTP_HEADER_NAME" ? "header name" : "header value"}`);
      }
      return;
    }
    if (typeof value === "boolean") {
      if (rules.const !== undefined && value !== rules.const) this.error(path, `must be ${rules.const}`);
      return;
    }
    const n = Number(value);
    if (Number.isNaN(n)) return;
    if (rules.gt !== undefined && !(n > Number(rules.gt))) this.error(path, `must be greater than ${rules.gt}`);
    if (rules.gte !== undefined && !(n >= Number(rules.gte))) this.error(path, `must be at least ${rules.gte}`);
    if (rules.lt !== undefined && !(n < Number(rules.lt))) this.error(path, `must be less than ${rules.lt}`);
    if (rules.lte !== undefined && !(n <= Number(rules.lte))) this.error(path, `must be at most ${rules.lte}`);
    if (Array.isArray(rules.in) && !rules.in.map(Number).includes(n)) this.error(path, `must be one of ${rules.in.join(", ")}`);
    if (Array.isArray(rules.not_in) && rules.not_in.map(Number).includes(n)) this.error(path, `must not be one of ${rules.not_in.join(", ")}`);
  }

  private durationRules(rules: Record<string, unknown>, value: string, path: string): void {
    const s = durationSeconds(value);
    if (s === undefined) return;
    if (rules.gt !== undefined && !(s > protoDurationSeconds(rules.gt))) this.error(path, `must be longer than ${protoDurationSeconds(rules.gt)}s`);
    if (rules.gte !== undefined && !(s >= protoDurationSeconds(rules.gte))) this.error(path, `must be at least ${protoDurationSeconds(rules.gte)}s`);
    if (rules.lt !== undefined && !(s < protoDurationSeconds(rules.lt))) this.error(path, `must be shorter than ${protoDurationSeconds(rules.lt)}s`);
    if (rules.lte !== undefined && !(s <= protoDurationSeconds(rules.lte))) this.error(path, `must be at most ${protoDurationSeconds(rules.lte)}s`);
  }

  /** PGV rules that apply to absent fields too: required messages and oneofs, minimum lengths and sizes. */
  private messageRules(type: protobuf.Type, value: Record<string, unknown>, present: Set<string>, setOneofs: Map<string, string>, path: string): void {
    const at = (f: string) => joinPath(path, f);
    for (const field of type.fieldsArray) {
      // Rules on a oneof member apply only when that member is the one set.
      if (present.has(field.name) || field.partOf) continue;
      const rules = validateRules(field.parsedOptions);
      if (!rules) continue;
      if (rules.message?.required || rules.any?.required || rules.duration?.required || rules.timestamp?.required) this.error(at(field.name), "is required");
      else if (rules.bool?.const === true) this.error(at(field.name), "must be true");
      else if (field.repeated && rules.repeated?.min_items !== undefined && Number(rules.repeated.min_items) > 0) this.error(at(field.name), `is required (at least ${rules.repeated.min_items} items)`);
      else if (field.map && rules.map?.min_pairs !== undefined && Number(rules.map.min_pairs) > 0) this.error(at(field.name), `is required (at least ${rules.map.min_pairs} entries)`);
      else if ((rules.string?.min_len !== undefined || rules.string?.min_bytes !== undefined) && Number(rules.string.min_len ?? rules.string.min_bytes) > 0) this.error(at(field.name), "is required (a non-empty string)");
    }
    for (const oneof of type.oneofsArray) {
      const required = (oneof.parsedOptions as Array<Record<string, unknown>> | undefined)?.some((o) => o["(validate.required)"] === true);
      if (required && !setOneofs.has(oneof.name)) this.error(path, `one of ${oneof.oneof.join(", ")} is required`);
    }
    void value;
  }

  /** JSON forms of well-known types; returns true when `name` is one (and was checked). */
  private wellKnown(name: string, value: unknown, path: string): boolean {
    if (WRAPPERS[name]) {
      this.scalar(WRAPPERS[name], value, path);
      return true;
    }
    switch (name) {
      case "google.protobuf.Duration":
        if (typeof value !== "string" || durationSeconds(value) === undefined) this.error(path, `expected a duration string like "5s" or "0.250s", got ${describeValue(value)}`);
        else if (Math.abs(durationSeconds(value)!) > 315_576_000_000) this.error(path, "duration out of range");
        return true;
      case "google.protobuf.Timestamp":
        if (typeof value !== "string" || !TIMESTAMP.test(value)) this.error(path, `expected an RFC 3339 timestamp, got ${describeValue(value)}`);
        return true;
      case "google.protobuf.FieldMask":
        if (typeof value !== "string") this.error(path, `expected a field mask string, got ${describeValue(value)}`);
        return true;
      case "google.protobuf.Struct":
        if (!isPlainObject(value)) this.error(path, `expected an object, got ${describeValue(value)}`);
        return true;
      case "google.protobuf.ListValue":
        if (!Array.isArray(value)) this.error(path, `expected a list, got ${describeValue(value)}`);
        return true;
      case "google.protobuf.Value":
        return true;
      case "google.protobuf.Empty":
        if (!isPlainObject(value) || Object.keys(value).length) this.error(path, `expected an empty object, got ${describeValue(value)}`);
        return true;
      case "google.protobuf.Any":
        this.any(value, path);
        return true;
      default:
        return false;
    }
  }

  private any(value: unknown, path: string): void {
    if (!isPlainObject(value)) return this.error(path, `expected an object with "@type", got ${describeValue(value)}`);
    const typeUrl = value["@type"];
    if (typeof typeUrl !== "string") return this.error(path, 'expected "@type" naming the message type (type.googleapis.com/<name>)');
    const typeName = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
    const type = this.api.lookupType(typeName);
    const typePath = joinPath(path, "@type");
    if (!type) return this.error(typePath, `unknown type ${JSON.stringify(typeUrl)}: Envoy's API has no message ${typeName}`);
    if (!typeUrl.includes("/")) return this.error(typePath, `expected a type URL such as "type.googleapis.com/${typeName}"`);
    const { "@type": _ignored, ...rest } = value;
    if (SPECIAL_JSON.has(typeName)) {
      const extra = Object.keys(rest).filter((k) => k !== "value");
      if (extra.length) this.error(joinPath(path, extra[0]), `unknown field; a ${typeName} in an Any has only "value"`);
      if (!("value" in rest)) return this.error(joinPath(path, "value"), "is required");
      this.message(type, rest.value, joinPath(path, "value"));
      return;
    }
    this.message(type, rest, path);
    // A TypedStruct carries another message as a Struct: check that message too.
    if (TYPED_STRUCTS.has(typeName) && typeof rest.type_url === "string" && isPlainObject(rest.value)) {
      this.any({ "@type": rest.type_url, ...rest.value }, joinPath(path, "value"));
    }
  }
}
