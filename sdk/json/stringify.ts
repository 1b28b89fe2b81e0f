// JSON serialization (compact, RFC 8259): strings escaped, non-finite numbers as null. Output goes
// into one TextBuilder, so serializing is linear in the output size.
import { TextBuilder } from "./text-builder";
import { JsonArray, JsonBool, JsonKind, JsonNumber, JsonObject, JsonString, JsonValue } from "./value";

const HEX = "0123456789abcdef";

function escapeFor(text: string, i: i32): string | null {
  const c = text.charCodeAt(i);
  if (c >= 0x20 && c != 0x22 && c != 0x5c && (c < 0xd800 || c > 0xdfff)) return null;
  if (c == 0x22) return "\\\"";
  if (c == 0x5c) return "\\\\";
  if (c == 0x0a) return "\\n";
  if (c == 0x0d) return "\\r";
  if (c == 0x09) return "\\t";
  if (c == 0x08) return "\\b";
  if (c == 0x0c) return "\\f";
  if (c >= 0xd800 && isPairedSurrogate(text, i)) return null;
  // Other control characters and lone surrogates (which UTF-8 cannot carry) as \uXXXX.
  return "\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
}

function isPairedSurrogate(text: string, i: i32): bool {
  const c = text.charCodeAt(i);
  if (c <= 0xdbff) return i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) == 0xdc00;
  return i > 0 && (text.charCodeAt(i - 1) & 0xfc00) == 0xd800;
}

function writeQuoted(out: TextBuilder, text: string): void {
  out.appendCharCode(0x22);
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c && (c < 0xd800 || c > 0xdfff)) continue; // fast path
    const escape = escapeFor(text, i);
    if (escape !== null) {
      out.appendRange(text, runStart, i);
      out.append(escape);
      runStart = i + 1;
    }
  }
  out.appendRange(text, runStart, text.length);
  out.appendCharCode(0x22);
}

/** `text` as a JSON string literal, quotes included. */
export function quoteJsonString(text: string): string {
  const out = new TextBuilder(text.length + 2);
  writeQuoted(out, text);
  return out.toString();
}

/** A number as JSON: integers without a fraction, non-finite values as null. */
export function formatJsonNumber(value: f64): string {
  if (!isFinite(value)) return "null";
  if (Math.floor(value) == value && Math.abs(value) <= 9007199254740992.0) return (<i64>value).toString();
  const text = value.toString();
  // AssemblyScript prints integral f64 values with a ".0" suffix; JSON (and JavaScript) do not.
  return text.endsWith(".0") ? text.substring(0, text.length - 2) : text;
}

function writeValue(out: TextBuilder, value: JsonValue): void {
  switch (value.kind) {
    case JsonKind.Null: out.append("null"); break;
    case JsonKind.Bool: out.append(changetype<JsonBool>(value).value ? "true" : "false"); break;
    case JsonKind.Number: out.append(formatJsonNumber(changetype<JsonNumber>(value).value)); break;
    case JsonKind.String: writeQuoted(out, changetype<JsonString>(value).value); break;
    case JsonKind.Array: {
      const items = changetype<JsonArray>(value).items;
      out.append("[");
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out.append(",");
        writeValue(out, items[i]);
      }
      out.append("]");
      break;
    }
    default: {
      const object = changetype<JsonObject>(value);
      out.append("{");
      for (let i = 0; i < object.keys.length; i++) {
        if (i > 0) out.append(",");
        const key = object.keys[i];
        writeQuoted(out, key);
        out.append(":");
        writeValue(out, object.get(key)!);
      }
      out.append("}");
    }
  }
}

export function stringifyJson(value: JsonValue): string {
  const out = new TextBuilder();
  writeValue(out, value);
  return out.toString();
}
