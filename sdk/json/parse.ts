// A strict RFC 8259 JSON parser over UTF-8 bytes. Errors are values (no exceptions in
// AssemblyScript) and name the byte offset; nesting is limited so hostile input cannot exhaust
// the stack; duplicate object keys are rejected (ambiguous input is a security hazard for JWTs).
import { utf8SequenceLength } from "../encoding/utf8";
import { TextBuilder } from "./text-builder";
import { JsonArray, JsonBool, JsonNull, JsonNumber, JsonObject, JsonString, JsonValue } from "./value";

export const DEFAULT_MAX_DEPTH: i32 = 128;

export class JsonParseResult {
  constructor(
    /** The parsed value; null when parsing failed. */
    readonly value: JsonValue | null,
    /** "" on success, else a message such as "invalid JSON at offset 7: expected ':' after object key". */
    readonly error: string,
    /** Byte offset of the error (-1 on success). */
    readonly offset: i32,
  ) {}

  get ok(): bool {
    return this.value !== null;
  }
}

export function parseJson(text: string, maxDepth: i32 = DEFAULT_MAX_DEPTH): JsonParseResult {
  return parseJsonBytes(String.UTF8.encode(text), maxDepth);
}

export function parseJsonBytes(bytes: ArrayBuffer, maxDepth: i32 = DEFAULT_MAX_DEPTH): JsonParseResult {
  const parser = new Parser(bytes, maxDepth);
  const value = parser.parseDocument();
  if (value === null) {
    return new JsonParseResult(null, "invalid JSON at offset " + parser.errorOffset.toString() + ": " + parser.error, parser.errorOffset);
  }
  return new JsonParseResult(value, "", -1);
}

class Parser {
  private readonly base: usize;
  private readonly end: usize;
  private pos: usize;
  error: string = "";
  errorOffset: i32 = -1;

  constructor(private readonly bytes: ArrayBuffer, private readonly maxDepth: i32) {
    this.base = changetype<usize>(bytes);
    this.end = this.base + <usize>bytes.byteLength;
    this.pos = this.base;
  }

  parseDocument(): JsonValue | null {
    this.skipWhitespace();
    const value = this.parseValue(0);
    if (value === null) return null;
    this.skipWhitespace();
    if (this.pos < this.end) return this.fail("unexpected " + this.describeHere() + " after the JSON value");
    return value;
  }

  private fail(message: string): JsonValue | null {
    if (this.errorOffset < 0) {
      this.error = message;
      this.errorOffset = <i32>(this.pos - this.base);
    }
    return null;
  }

  private describeHere(): string {
    if (this.pos >= this.end) return "end of input";
    const c = <i32>load<u8>(this.pos);
    if (c >= 0x20 && c < 0x7f) return "'" + String.fromCharCode(c) + "'";
    return "byte 0x" + c.toString(16);
  }

  private skipWhitespace(): void {
    while (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.pos++;
    }
  }

  private parseValue(depth: i32): JsonValue | null {
    if (this.pos >= this.end) return this.fail("unexpected end of input, expected a value");
    const c = load<u8>(this.pos);
    switch (c) {
      case 0x7b: return this.parseObject(depth + 1); // {
      case 0x5b: return this.parseArray(depth + 1); // [
      case 0x22: { // "
        const s = this.parseString();
        return s === null ? null : new JsonString(s);
      }
      case 0x74: return this.parseLiteral("true", new JsonBool(true));
      case 0x66: return this.parseLiteral("false", new JsonBool(false));
      case 0x6e: return this.parseLiteral("null", new JsonNull());
      default:
        if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
        return this.fail("unexpected " + this.describeHere() + ", expected a value");
    }
  }

  private parseLiteral(word: string, value: JsonValue): JsonValue | null {
    const n = <usize>word.length;
    if (this.end - this.pos < n) return this.fail("invalid literal, expected '" + word + "'");
    for (let i: usize = 0; i < n; i++) {
      if (<i32>load<u8>(this.pos + i) != word.charCodeAt(<i32>i)) return this.fail("invalid literal, expected '" + word + "'");
    }
    this.pos += n;
    return value;
  }

  private digitsHere(): usize {
    let n: usize = 0;
    while (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
      n++;
    }
    return n;
  }

  private parseNumber(): JsonValue | null {
    const start = this.pos;
    if (load<u8>(this.pos) == 0x2d) this.pos++;
    if (this.pos >= this.end) return this.fail("unexpected end of input in a number");
    if (load<u8>(this.pos) == 0x30) {
      this.pos++;
      if (this.pos < this.end && load<u8>(this.pos) >= 0x30 && load<u8>(this.pos) <= 0x39) return this.fail("leading zeros are not allowed in numbers");
    } else if (this.digitsHere() == 0) {
      return this.fail("expected a digit");
    }
    if (this.pos < this.end && load<u8>(this.pos) == 0x2e) {
      this.pos++;
      if (this.digitsHere() == 0) return this.fail("expected a digit after the decimal point");
    }
    if (this.pos < this.end && (load<u8>(this.pos) | 0x20) == 0x65) {
      this.pos++;
      if (this.pos < this.end && (load<u8>(this.pos) == 0x2b || load<u8>(this.pos) == 0x2d)) this.pos++;
      if (this.digitsHere() == 0) return this.fail("expected a digit in the exponent");
    }
    const value = parseFloat(String.UTF8.decodeUnsafe(start, this.pos - start));
    if (!isFinite(value)) {
      this.pos = start;
      return this.fail("number out of range");
    }
    return new JsonNumber(value);
  }

  /** Parses a string literal at a '"'; null on error. */
  parseString(): string | null {
    this.pos++; // opening quote
    let runStart = this.pos;
    let text: TextBuilder | null = null; // only needed once an escape appears
    while (true) {
      if (this.pos >= this.end) {
        this.fail("unterminated string");
        return null;
      }
      const c = load<u8>(this.pos);
      if (c == 0x22) {
        const tail = this.pos - runStart;
        this.pos++;
        if (text === null) return String.UTF8.decodeUnsafe(runStart, tail);
        return text.appendUtf8(runStart, tail).toString();
      }
      if (c == 0x5c) {
        if (text === null) text = new TextBuilder();
        text.appendUtf8(runStart, this.pos - runStart);
        const escaped = this.parseEscape();
        if (escaped === null) return null;
        text.append(escaped);
        runStart = this.pos;
        continue;
      }
      if (c < 0x20) {
        this.fail("control character 0x" + (<i32>c).toString(16) + " must be escaped in a string");
        return null;
      }
      if (c < 0x80) {
        this.pos++;
        continue;
      }
      const n = utf8SequenceLength(this.pos, this.end);
      if (n == 0) {
        this.fail("invalid UTF-8 in a string");
        return null;
      }
      this.pos += <usize>n;
    }
  }

  /** Parses one escape at a backslash; returns its text, null on error. */
  private parseEscape(): string | null {
    this.pos++; // backslash
    if (this.pos >= this.end) {
      this.fail("unterminated escape sequence");
      return null;
    }
    const c = load<u8>(this.pos);
    this.pos++;
    switch (c) {
      case 0x22: return "\"";
      case 0x5c: return "\\";
      case 0x2f: return "/";
      case 0x62: return "\b";
      case 0x66: return "\f";
      case 0x6e: return "\n";
      case 0x72: return "\r";
      case 0x74: return "\t";
      case 0x75: {
        const unit = this.parseHex4();
        if (unit < 0) return null;
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          this.pos -= 6;
          this.fail("unpaired low surrogate \\u" + unit.toString(16));
          return null;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          if (this.end - this.pos < 6 || load<u8>(this.pos) != 0x5c || load<u8>(this.pos + 1) != 0x75) {
            this.pos -= 6;
            this.fail("unpaired high surrogate \\u" + unit.toString(16));
            return null;
          }
          this.pos += 2;
          const low = this.parseHex4();
          if (low < 0) return null;
          if (low < 0xdc00 || low > 0xdfff) {
            this.pos -= 12;
            this.fail("high surrogate \\u" + unit.toString(16) + " is not followed by a low surrogate");
            return null;
          }
          return String.fromCharCodes([unit, low]);
        }
        return String.fromCharCode(unit);
      }
      default:
        this.pos -= 2;
        this.fail("invalid escape sequence");
        return null;
    }
  }

  private parseHex4(): i32 {
    if (this.end - this.pos < 4) {
      this.fail("\\u escape needs four hex digits");
      return -1;
    }
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.pos);
      let digit = -1;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
      if (digit < 0) {
        this.fail("\\u escape needs four hex digits");
        return -1;
      }
      value = (value << 4) | digit;
      this.pos++;
    }
    return value;
  }

  private parseArray(depth: i32): JsonValue | null {
    if (depth > this.maxDepth) return this.fail("nesting deeper than " + this.maxDepth.toString() + " levels");
    this.pos++; // [
    const array = new JsonArray();
    this.skipWhitespace();
    if (this.pos < this.end && load<u8>(this.pos) == 0x5d) {
      this.pos++;
      return array;
    }
    while (true) {
      this.skipWhitespace();
      const item = this.parseValue(depth);
      if (item === null) return null;
      array.items.push(item);
      this.skipWhitespace();
      if (this.pos >= this.end) return this.fail("unexpected end of input, expected ',' or ']'");
      const c = load<u8>(this.pos);
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x5d) {
        this.pos++;
        return array;
      }
      return this.fail("unexpected " + this.describeHere() + ", expected ',' or ']'");
    }
  }

  private parseObject(depth: i32): JsonValue | null {
    if (depth > this.maxDepth) return this.fail("nesting deeper than " + this.maxDepth.toString() + " levels");
    this.pos++; // {
    const object = new JsonObject();
    this.skipWhitespace();
    if (this.pos < this.end && load<u8>(this.pos) == 0x7d) {
      this.pos++;
      return object;
    }
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.end) return this.fail("unexpected end of input, expected an object key");
      if (load<u8>(this.pos) != 0x22) return this.fail("unexpected " + this.describeHere() + ", expected a string key");
      const keyOffset = this.pos;
      const key = this.parseString();
      if (key === null) return null;
      if (object.has(key)) {
        this.pos = keyOffset;
        return this.fail("duplicate key \"" + key + "\"");
      }
      this.skipWhitespace();
      if (this.pos >= this.end || load<u8>(this.pos) != 0x3a) return this.fail("expected ':' after object key");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(depth);
      if (value === null) return null;
      object.set(key, value);
      this.skipWhitespace();
      if (this.pos >= this.end) return this.fail("unexpected end of input, expected ',' or '}'");
      const c = load<u8>(this.pos);
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x7d) {
        this.pos++;
        return object;
      }
      return this.fail("unexpected " + this.describeHere() + ", expected ',' or '}'");
    }
  }
}
