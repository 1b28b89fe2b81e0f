// Reads a JSON configuration object field by field, recording an error with the field's full
// path for anything missing or mistyped, so onConfigure reports every problem in one go:
//
//   const cfg = new ConfigObject(parsed.value!, "", errors);
//   const issuer = cfg.requiredString("issuer");
//   const bucket = cfg.optionalObject("token_bucket");
//   const interval = bucket !== null ? bucket.duration("fill_interval", 1_000_000_000) : ...;
//   cfg.rejectUnknown(["issuer", "token_bucket"]);
import { JsonArray, JsonObject, JsonValue } from "../json/value";
import { ConfigErrors, fieldPath, itemPath } from "./errors";
import { Duration, DURATION_EXPECTED, parseDuration } from "./duration";
import { quoteJsonString } from "../json/stringify";

export class ConfigObject {
  readonly object: JsonObject;

  /** `value` should be an object; if it is not, an error is recorded and every field reads as absent. */
  constructor(value: JsonValue, readonly path: string, readonly errors: ConfigErrors) {
    if (value.isObject) {
      this.object = value.asObject();
    } else {
      this.object = new JsonObject();
      errors.add(path.length > 0 ? path : "(root)", "expected an object, got " + value.kindName);
    }
  }

  has(field: string): bool {
    return this.object.has(field);
  }

  /** Full path of `field` for error messages. */
  pathOf(field: string): string {
    return fieldPath(this.path, field);
  }

  /** Records an error about `field`. */
  error(field: string, message: string): void {
    this.errors.add(this.pathOf(field), message);
  }

  private typed(field: string, required: bool, check: (v: JsonValue) => bool, expected: string): JsonValue | null {
    const value = this.object.get(field);
    if (value === null) {
      if (required) this.error(field, "is required");
      return null;
    }
    if (!check(value)) {
      this.error(field, "expected " + expected + ", got " + value.kindName);
      return null;
    }
    return value;
  }

  requiredString(field: string): string {
    const v = this.typed(field, true, (v: JsonValue): bool => v.isString, "a string");
    return v !== null ? v.asString() : "";
  }

  optionalString(field: string, fallback: string): string {
    const v = this.typed(field, false, (v: JsonValue): bool => v.isString, "a string");
    return v !== null ? v.asString() : fallback;
  }

  /** A string from a fixed set of choices. */
  enumString(field: string, choices: string[], fallback: string): string {
    const value = this.optionalString(field, fallback);
    if (!choices.includes(value)) {
      this.error(field, "expected one of " + choices.map<string>((c: string): string => quoteJsonString(c)).join(", ") + ", got " + quoteJsonString(value));
      return fallback;
    }
    return value;
  }

  requiredNumber(field: string): f64 {
    const v = this.typed(field, true, (v: JsonValue): bool => v.isNumber, "a number");
    return v !== null ? v.asNumber() : 0;
  }

  optionalNumber(field: string, fallback: f64): f64 {
    const v = this.typed(field, false, (v: JsonValue): bool => v.isNumber, "a number");
    return v !== null ? v.asNumber() : fallback;
  }

  /** An integer in [min, max]; records an error for fractions or values out of range. */
  integer(field: string, fallback: i64, min: i64 = i64.MIN_VALUE, max: i64 = i64.MAX_VALUE, required: bool = false): i64 {
    const v = this.typed(field, required, (v: JsonValue): bool => v.isNumber, "an integer");
    if (v === null) return fallback;
    const n = v.asNumber();
    if (Math.floor(n) != n || Math.abs(n) > 9007199254740992.0) {
      this.error(field, "expected an integer, got " + n.toString());
      return fallback;
    }
    const i = <i64>n;
    if (i < min || i > max) {
      this.error(field, "must be between " + min.toString() + " and " + max.toString() + ", got " + i.toString());
      return fallback;
    }
    return i;
  }

  optionalBool(field: string, fallback: bool): bool {
    const v = this.typed(field, false, (v: JsonValue): bool => v.isBool, "true or false");
    return v !== null ? v.asBool() : fallback;
  }

  /** A duration string ("1s", "250ms", "1.5s") in nanoseconds; `fallbackNanos` when absent, -1 required-but-missing. */
  duration(field: string, fallbackNanos: i64, required: bool = false): i64 {
    const v = this.typed(field, required, (v: JsonValue): bool => v.isString, "a duration string like \"1s\"");
    if (v === null) return required ? -1 : fallbackNanos;
    const parsed = parseDuration(v.asString());
    if (parsed === null) {
      this.error(field, DURATION_EXPECTED + ", got " + quoteJsonString(v.asString()));
      return required ? -1 : fallbackNanos;
    }
    return parsed.nanos;
  }

  /** A nested object, or null when absent (or mistyped, which is recorded). */
  optionalObject(field: string): ConfigObject | null {
    const v = this.typed(field, false, (v: JsonValue): bool => v.isObject, "an object");
    return v !== null ? new ConfigObject(v, this.pathOf(field), this.errors) : null;
  }

  requiredObject(field: string): ConfigObject | null {
    const v = this.typed(field, true, (v: JsonValue): bool => v.isObject, "an object");
    return v !== null ? new ConfigObject(v, this.pathOf(field), this.errors) : null;
  }

  /** An array, or null when absent (or mistyped, which is recorded). */
  optionalArray(field: string): ConfigArray | null {
    const v = this.typed(field, false, (v: JsonValue): bool => v.isArray, "an array");
    return v !== null ? new ConfigArray(v.asArray(), this.pathOf(field), this.errors) : null;
  }

  requiredArray(field: string): ConfigArray | null {
    const v = this.typed(field, true, (v: JsonValue): bool => v.isArray, "an array");
    return v !== null ? new ConfigArray(v.asArray(), this.pathOf(field), this.errors) : null;
  }

  /** Records an error for each field not in `known` (catches typos such as "isuer"). */
  rejectUnknown(known: string[]): void {
    for (let i = 0; i < this.object.keys.length; i++) {
      const key = this.object.keys[i];
      if (!known.includes(key)) this.error(key, "unknown field");
    }
  }
}

export class ConfigArray {
  constructor(readonly array: JsonArray, readonly path: string, readonly errors: ConfigErrors) {}

  get length(): i32 {
    return this.array.length;
  }

  pathOf(index: i32): string {
    return itemPath(this.path, index);
  }

  item(index: i32): JsonValue {
    return this.array.items[index];
  }

  /** Item `index` read as an object (an error is recorded if it is not one). */
  object(index: i32): ConfigObject {
    return new ConfigObject(this.array.items[index], this.pathOf(index), this.errors);
  }

  /** Item `index` as a string ("" and an error recorded if it is not one). */
  string(index: i32): string {
    const v = this.array.items[index];
    if (!v.isString) {
      this.errors.add(this.pathOf(index), "expected a string, got " + v.kindName);
      return "";
    }
    return v.asString();
  }

  /** All items as strings (errors recorded for the others). */
  strings(): string[] {
    const out = new Array<string>();
    for (let i = 0; i < this.array.length; i++) {
      const v = this.array.items[i];
      if (v.isString) out.push(v.asString());
      else this.errors.add(this.pathOf(i), "expected a string, got " + v.kindName);
    }
    return out;
  }
}

export { Duration };
