// JSON serialization (compact, RFC 8259): strings escaped, non-finite numbers as null.
import { JsonArray, JsonBool, JsonKind, JsonNumber, JsonObject, JsonString, JsonValue } from "./value";

const HEX = "0123456789abcdef";

/** `text` as a JSON string literal, quotes included. */
export function quoteJsonString(text: string): string {
  let out = "\"";
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escape: string | null = null;
    if (c == 0x22) escape = "\\\"";
    else if (c == 0x5c) escape = "\\\\";
    else if (c == 0x0a) escape = "\\n";
    else if (c == 0x0d) escape = "\\r";
    else if (c == 0x09) escape = "\\t";
    else if (c == 0x08) escape = "\\b";
    else if (c == 0x0c) escape = "\\f";
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff && !isPairedSurrogate(text, i))) {
      escape = "\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
    }
    if (escape !== null) {
      out += text.substring(runStart, i) + escape;
      runStart = i + 1;
    }
  }
  return out + text.substring(runStart) + "\"";
}

function isPairedSurrogate(text: string, i: i32): bool {
  const c = text.charCodeAt(i);
  if (c <= 0xdbff) return i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) == 0xdc00;
  return i > 0 && (text.charCodeAt(i - 1) & 0xfc00) == 0xd800;
}

/** A number as JSON: integers without a fraction, non-finite values as null. */
export function formatJsonNumber(value: f64): string {
  if (!isFinite(value)) return "null";
  if (Math.floor(value) == value && Math.abs(value) <= 9007199254740992.0) return (<i64>value).toString();
  const text = value.toString();
  // AssemblyScript prints integral f64 values with a ".0" suffix; JSON (and JavaScript) do not.
  return text.endsWith(".0") ? text.substring(0, text.length - 2) : text;
}

export function stringifyJson(value: JsonValue): string {
  switch (value.kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return changetype<JsonBool>(value).value ? "true" : "false";
    case JsonKind.Number: return formatJsonNumber(changetype<JsonNumber>(value).value);
    case JsonKind.String: return quoteJsonString(changetype<JsonString>(value).value);
    case JsonKind.Array: {
      const items = changetype<JsonArray>(value).items;
      let out = "[";
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out += ",";
        out += stringifyJson(items[i]);
      }
      return out + "]";
    }
    default: {
      const object = changetype<JsonObject>(value);
      let out = "{";
      for (let i = 0; i < object.keys.length; i++) {
        if (i > 0) out += ",";
        const key = object.keys[i];
        out += quoteJsonString(key) + ":" + stringifyJson(object.get(key)!);
      }
      return out + "}";
    }
  }
}
