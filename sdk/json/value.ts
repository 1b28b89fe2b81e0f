// JSON values: one class per kind, all extending JsonValue so a value can be inspected without casts
// (`v.isObject`, `v.asObject()`, `obj.getString("name")`). Objects keep their keys' order.
import { stringifyJson } from "./stringify";

export enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

export function jsonKindName(kind: JsonKind): string {
  switch (kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return "boolean";
    case JsonKind.Number: return "number";
    case JsonKind.String: return "string";
    case JsonKind.Array: return "array";
    default: return "object";
  }
}

export class JsonValue {
  constructor(readonly kind: JsonKind) {}

  get isNull(): bool { return this.kind == JsonKind.Null; }
  get isBool(): bool { return this.kind == JsonKind.Bool; }
  get isNumber(): bool { return this.kind == JsonKind.Number; }
  get isString(): bool { return this.kind == JsonKind.String; }
  get isArray(): bool { return this.kind == JsonKind.Array; }
  get isObject(): bool { return this.kind == JsonKind.Object; }

  /** Name of this value's kind ("object", "string", …), for error messages. */
  get kindName(): string { return jsonKindName(this.kind); }

  /** These casts trap when the kind differs: check `isX` (or use the typed getters) first. */
  asBool(): bool { return changetype<JsonBool>(this.expect(JsonKind.Bool)).value; }
  asNumber(): f64 { return changetype<JsonNumber>(this.expect(JsonKind.Number)).value; }
  asString(): string { return changetype<JsonString>(this.expect(JsonKind.String)).value; }
  asArray(): JsonArray { return changetype<JsonArray>(this.expect(JsonKind.Array)); }
  asObject(): JsonObject { return changetype<JsonObject>(this.expect(JsonKind.Object)); }

  private expect(kind: JsonKind): JsonValue {
    if (this.kind != kind) abort("JSON value is " + this.kindName + ", not " + jsonKindName(kind));
    return this;
  }

  /** Compact JSON text of this value. */
  toString(): string {
    return stringifyJson(this);
  }
}

export class JsonNull extends JsonValue {
  constructor() { super(JsonKind.Null); }
}

export class JsonBool extends JsonValue {
  constructor(readonly value: bool) { super(JsonKind.Bool); }
}

export class JsonNumber extends JsonValue {
  constructor(readonly value: f64) { super(JsonKind.Number); }

  /** True when the number has no fractional part and fits an i64 exactly (|n| <= 2^53). */
  get isInteger(): bool {
    const v = this.value;
    return isFinite(v) && Math.floor(v) == v && Math.abs(v) <= 9007199254740992.0;
  }

  asI64(): i64 { return <i64>this.value; }
}

export class JsonString extends JsonValue {
  constructor(readonly value: string) { super(JsonKind.String); }
}

export class JsonArray extends JsonValue {
  readonly items: JsonValue[];

  constructor(items: JsonValue[] = []) {
    super(JsonKind.Array);
    this.items = items;
  }

  get length(): i32 { return this.items.length; }

  /** Item `index`, or null when out of range. */
  at(index: i32): JsonValue | null {
    return index >= 0 && index < this.items.length ? this.items[index] : null;
  }

  push(value: JsonValue): JsonArray {
    this.items.push(value);
    return this;
  }
}

export class JsonObject extends JsonValue {
  /** Keys in the order they appeared (or were first set). */
  readonly keys: string[] = [];
  private readonly map: Map<string, JsonValue> = new Map();

  constructor() { super(JsonKind.Object); }

  get size(): i32 { return this.keys.length; }

  has(key: string): bool { return this.map.has(key); }

  /** The member `key`, or null when absent. */
  get(key: string): JsonValue | null {
    return this.map.has(key) ? this.map.get(key) : null;
  }

  set(key: string, value: JsonValue): JsonObject {
    if (!this.map.has(key)) this.keys.push(key);
    this.map.set(key, value);
    return this;
  }

  delete(key: string): bool {
    if (!this.map.has(key)) return false;
    this.map.delete(key);
    const index = this.keys.indexOf(key);
    if (index >= 0) this.keys.splice(index, 1);
    return true;
  }

  /** The string member `key`, or null when absent or not a string. */
  getString(key: string): string | null {
    const v = this.get(key);
    return v !== null && v.isString ? v.asString() : null;
  }

  /** The number member `key`, or `fallback` when absent or not a number. */
  getNumber(key: string, fallback: f64 = NaN): f64 {
    const v = this.get(key);
    return v !== null && v.isNumber ? v.asNumber() : fallback;
  }

  /** The boolean member `key`, or `fallback` when absent or not a boolean. */
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v !== null && v.isBool ? v.asBool() : fallback;
  }

  getObject(key: string): JsonObject | null {
    const v = this.get(key);
    return v !== null && v.isObject ? v.asObject() : null;
  }

  getArray(key: string): JsonArray | null {
    const v = this.get(key);
    return v !== null && v.isArray ? v.asArray() : null;
  }
}
