// Transformation functions (t:*), on byte strings, following ModSecurity v3's definitions.
import { allocString, ByteBuilder, asciiLower, asciiUpper, isSpace, lowerByte, findText } from "./bytes";
import { sha1 } from "./sha1";

export enum T {
  none, lowercase, uppercase, urlDecode, urlDecodeUni, htmlEntityDecode, utf8toUnicode, removeNulls,
  replaceNulls, jsDecode, cssDecode, cmdLine, compressWhitespace, removeWhitespace, normalizePath,
  normalizePathWin, replaceComments, removeComments, removeCommentsChar, sha1, length, hexEncode, hexDecode,
  base64Decode, base64DecodeExt, base64Encode, trim, trimLeft, trimRight, escapeSeqDecode, sqlHexDecode,
  urlEncode, unknown,
}

const NAMES: string[] = [
  "none", "lowercase", "uppercase", "urldecode", "urldecodeuni", "htmlentitydecode", "utf8tounicode", "removenulls",
  "replacenulls", "jsdecode", "cssdecode", "cmdline", "compresswhitespace", "removewhitespace", "normalizepath",
  "normalizepathwin", "replacecomments", "removecomments", "removecommentschar", "sha1", "length", "hexencode", "hexdecode",
  "base64decode", "base64decodeext", "base64encode", "trim", "trimleft", "trimright", "escapeseqdecode", "sqlhexdecode",
  "urlencode",
];

export function transformFromName(name: string): T {
  let lower = asciiLower(name);
  if (lower == "normalisepath") lower = "normalizepath";
  if (lower == "normalisepathwin") lower = "normalizepathwin";
  for (let i = 0; i < NAMES.length; i++) if (NAMES[i] == lower) return <T>i;
  return T.unknown;
}

export function transformName(t: i32): string {
  return t < NAMES.length ? NAMES[t] : "unknown";
}

// Transformations are leaves (none calls another while building), so they share one builder: a
// request runs hundreds of them, and each fresh builder is two allocations.
const scratch = new ByteBuilder(256);

function emptyBuilder(capacity: i32): ByteBuilder {
  scratch.length = 0;
  return scratch;
}

/** Whether byte a or b occurs in s (a plain loop: String#indexOf compares whole substrings). */
function hasByte(s: string, a: i32, b: i32): bool {
  const p = changetype<usize>(s);
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = <i32>load<u16>(p + (<usize>i << 1));
    if (c == a || c == b) return true;
  }
  return false;
}

/** Whether byte a is directly followed by byte b somewhere in s. */
function hasPair(s: string, a: i32, b: i32): bool {
  const p = changetype<usize>(s);
  const len = s.length;
  for (let i = 0; i + 1 < len; i++) {
    if (<i32>load<u16>(p + (<usize>i << 1)) == a && <i32>load<u16>(p + (<usize>(i + 1) << 1)) == b) return true;
  }
  return false;
}

export function applyTransform(t: i32, s: string): string {
  switch (t) {
    case T.none: return s;
    case T.lowercase: return asciiLower(s);
    case T.uppercase: return asciiUpper(s);
    case T.urlDecode: return urlDecode(s, false);
    case T.urlDecodeUni: return urlDecode(s, true);
    case T.htmlEntityDecode: return htmlEntityDecode(s);
    case T.utf8toUnicode: return utf8toUnicode(s);
    case T.removeNulls: return removeBytes(s, 0, -1);
    case T.replaceNulls: return s.replaceAll("\0", " ");
    case T.jsDecode: return jsDecode(s);
    case T.cssDecode: return cssDecode(s);
    case T.cmdLine: return cmdLine(s);
    case T.compressWhitespace: return compressWhitespace(s);
    case T.removeWhitespace: return removeWhitespace(s);
    case T.normalizePath: return normalizePath(s, false);
    case T.normalizePathWin: return normalizePath(s, true);
    case T.replaceComments: return replaceComments(s);
    case T.removeComments: return removeComments(s);
    case T.removeCommentsChar: return removeCommentsChar(s);
    case T.sha1: return sha1(s);
    case T.length: return s.length.toString();
    case T.hexEncode: return hexEncode(s);
    case T.hexDecode: return hexDecode(s);
    case T.base64Decode: return base64Decode(s, false);
    case T.base64DecodeExt: return base64Decode(s, true);
    case T.base64Encode: return base64Encode(s);
    case T.trim: return trimBytes(s, true, true);
    case T.trimLeft: return trimBytes(s, true, false);
    case T.trimRight: return trimBytes(s, false, true);
    case T.escapeSeqDecode: return jsDecode(s);
    case T.sqlHexDecode: return sqlHexDecode(s);
    case T.urlEncode: return urlEncode(s);
  }
  return s;
}

@inline function hexValue(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

@inline function isHex(c: i32): bool { return hexValue(c) >= 0; }

/** Full-width ASCII (U+FF01..U+FF5E) maps to ASCII, as ModSecurity does without a unicode map. */
@inline function unicodeToByte(code: i32): i32 {
  let b = code & 0xff;
  if ((code & 0xff00) == 0xff00 && b > 0x00 && b < 0x5f) b += 0x20;
  return b;
}

function urlDecode(s: string, unicode: bool): string {
  if (!hasByte(s, 37, 43)) return s;
  const len = s.length;
  const out = emptyBuilder(len);
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c == 37) {
      if (unicode && i + 5 < len && (s.charCodeAt(i + 1) | 32) == 117) {
        const a = hexValue(s.charCodeAt(i + 2)), b = hexValue(s.charCodeAt(i + 3));
        const d = hexValue(s.charCodeAt(i + 4)), e = hexValue(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          out.push(unicodeToByte((a << 12) | (b << 8) | (d << 4) | e));
          i += 6;
          continue;
        }
      }
      if (i + 2 < len) {
        const h = hexValue(s.charCodeAt(i + 1)), l = hexValue(s.charCodeAt(i + 2));
        if (h >= 0 && l >= 0) {
          out.push((h << 4) | l);
          i += 3;
          continue;
        }
      }
      out.push(c);
      i++;
    } else if (c == 43) {
      out.push(32);
      i++;
    } else {
      out.push(c);
      i++;
    }
  }
  return out.toString();
}

function urlEncode(s: string): string {
  const out = emptyBuilder(s.length * 2);
  const HEX = "0123456789abcdef";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 32) out.push(43);
    else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 42 || c == 45 || c == 46 || c == 95) out.push(c);
    else { out.push(37); out.push(HEX.charCodeAt(c >> 4)); out.push(HEX.charCodeAt(c & 15)); }
  }
  return out.toString();
}

function htmlEntityDecode(s: string): string {
  if (!hasByte(s, 38, 38)) return s;
  const len = s.length;
  const out = emptyBuilder(len);
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c != 38 || i + 1 >= len) { out.push(c); i++; continue; }
    let j = i + 1;
    if (s.charCodeAt(j) == 35) {
      j++;
      let value = 0;
      let digits = 0;
      if (j < len && (s.charCodeAt(j) | 32) == 120) {
        j++;
        while (j < len && isHex(s.charCodeAt(j))) { value = ((value << 4) | hexValue(s.charCodeAt(j))) & 0xffffff; j++; digits++; }
      } else {
        while (j < len && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) { value = (value * 10 + s.charCodeAt(j) - 48) % 0x1000000; j++; digits++; }
      }
      if (digits == 0) { out.push(c); i++; continue; }
      out.push(value & 0xff);
      if (j < len && s.charCodeAt(j) == 59) j++;
      i = j;
      continue;
    }
    while (j < len && j - i <= 8 && ((s.charCodeAt(j) | 32) >= 97 && (s.charCodeAt(j) | 32) <= 122)) j++;
    const name = asciiLower(s.substring(i + 1, j));
    let decoded = -1;
    if (name == "quot") decoded = 34;
    else if (name == "amp") decoded = 38;
    else if (name == "lt") decoded = 60;
    else if (name == "gt") decoded = 62;
    else if (name == "nbsp") decoded = 160;
    if (decoded < 0) { out.push(c); i++; continue; }
    out.push(decoded);
    if (j < len && s.charCodeAt(j) == 59) j++;
    i = j;
  }
  return out.toString();
}

function utf8toUnicode(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) { ascii = false; break; }
  if (ascii) return s;
  const len = s.length;
  const out = emptyBuilder(len + 16);
  const HEX = "0123456789abcdef";
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    let code = -1;
    let n = 0;
    if (c >= 0xc2 && c <= 0xdf && i + 1 < len && (s.charCodeAt(i + 1) & 0xc0) == 0x80) {
      code = ((c & 0x1f) << 6) | (s.charCodeAt(i + 1) & 0x3f); n = 2;
    } else if (c >= 0xe0 && c <= 0xef && i + 2 < len && (s.charCodeAt(i + 1) & 0xc0) == 0x80 && (s.charCodeAt(i + 2) & 0xc0) == 0x80) {
      code = ((c & 0x0f) << 12) | ((s.charCodeAt(i + 1) & 0x3f) << 6) | (s.charCodeAt(i + 2) & 0x3f); n = 3;
    } else if (c >= 0xf0 && c <= 0xf4 && i + 3 < len && (s.charCodeAt(i + 1) & 0xc0) == 0x80 && (s.charCodeAt(i + 2) & 0xc0) == 0x80 && (s.charCodeAt(i + 3) & 0xc0) == 0x80) {
      code = ((c & 0x07) << 18) | ((s.charCodeAt(i + 1) & 0x3f) << 12) | ((s.charCodeAt(i + 2) & 0x3f) << 6) | (s.charCodeAt(i + 3) & 0x3f); n = 4;
    }
    if (code < 0) { out.push(c); i++; continue; }
    out.push(37); out.push(117);
    out.push(HEX.charCodeAt((code >> 12) & 15)); out.push(HEX.charCodeAt((code >> 8) & 15));
    out.push(HEX.charCodeAt((code >> 4) & 15)); out.push(HEX.charCodeAt(code & 15));
    i += n;
  }
  return out.toString();
}

function removeBytes(s: string, a: i32, b: i32): string {
  let found = false;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c == a || c == b) { found = true; break; } }
  if (!found) return s;
  const out = emptyBuilder(s.length);
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c != a && c != b) out.push(c); }
  return out.toString();
}

@inline function isOctal(c: i32): bool { return c >= 48 && c <= 55; }

function jsDecode(s: string): string {
  if (!hasByte(s, 92, 92)) return s;
  const len = s.length;
  const out = emptyBuilder(len);
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c != 92 || i + 1 >= len) { out.push(c); i++; continue; }
    const n = s.charCodeAt(i + 1);
    if ((n == 117 || n == 85) && i + 5 < len && isHex(s.charCodeAt(i + 2)) && isHex(s.charCodeAt(i + 3)) && isHex(s.charCodeAt(i + 4)) && isHex(s.charCodeAt(i + 5))) {
      const code = (hexValue(s.charCodeAt(i + 2)) << 12) | (hexValue(s.charCodeAt(i + 3)) << 8) | (hexValue(s.charCodeAt(i + 4)) << 4) | hexValue(s.charCodeAt(i + 5));
      out.push(unicodeToByte(code));
      i += 6;
    } else if ((n == 120 || n == 88) && i + 3 < len && isHex(s.charCodeAt(i + 2)) && isHex(s.charCodeAt(i + 3))) {
      out.push((hexValue(s.charCodeAt(i + 2)) << 4) | hexValue(s.charCodeAt(i + 3)));
      i += 4;
    } else if (isOctal(n)) {
      let j = i + 1;
      let value = 0;
      while (j < len && j < i + 4 && isOctal(s.charCodeAt(j))) { value = value * 8 + s.charCodeAt(j) - 48; j++; }
      out.push(value & 0xff);
      i = j;
    } else {
      let d = n;
      if (n == 97) d = 7; else if (n == 98) d = 8; else if (n == 102) d = 12; else if (n == 110) d = 10;
      else if (n == 114) d = 13; else if (n == 116) d = 9; else if (n == 118) d = 11;
      out.push(d);
      i += 2;
    }
  }
  return out.toString();
}

function cssDecode(s: string): string {
  if (!hasByte(s, 92, 92)) return s;
  const len = s.length;
  const out = emptyBuilder(len);
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c != 92) { out.push(c); i++; continue; }
    if (i + 1 >= len) { i++; continue; } // a trailing backslash is dropped
    let j = i + 1;
    let digits = 0;
    let value = 0;
    while (j < len && digits < 6 && isHex(s.charCodeAt(j))) { value = (value << 4) | hexValue(s.charCodeAt(j)); j++; digits++; }
    if (digits > 0) {
      out.push(digits >= 4 ? unicodeToByte(value & 0xffff) : value & 0xff);
      if (j < len && isSpace(s.charCodeAt(j))) j++;
      i = j;
      continue;
    }
    const n = s.charCodeAt(i + 1);
    if (n == 10) { i += 2; continue; }
    out.push(n);
    i += 2;
  }
  return out.toString();
}

/** cmdLine would return its input unchanged: no quote, caret, backslash, separator, upper case or space to squeeze. */
function cmdLineIsIdentity(s: string): bool {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 39 || c == 92 || c == 94 || c == 44 || c == 59 || c == 9 || c == 10 || c == 13 || (c >= 65 && c <= 90)) return false;
    if (c == 32) {
      if (i + 1 < len) {
        const n = s.charCodeAt(i + 1);
        if (n == 32 || n == 47 || n == 40) return false;
      }
    }
  }
  return true;
}

function cmdLine(s: string): string {
  if (cmdLineIsIdentity(s)) return s;
  const out = emptyBuilder(s.length);
  let space = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 39 || c == 92 || c == 94) continue;
    if (c == 32 || c == 44 || c == 59 || c == 9 || c == 10 || c == 13) {
      if (!space) { out.push(32); space = true; }
      continue;
    }
    if ((c == 47 || c == 40) && space) out.length--; // no space before / or (
    space = false;
    out.push(lowerByte(c));
  }
  return out.toString();
}

@inline function isWs(c: i32): bool { return isSpace(c) || c == 160; }

function compressWhitespace(s: string): string {
  let identity = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isWs(c) && (c != 32 || (i + 1 < s.length && isWs(s.charCodeAt(i + 1))))) { identity = false; break; }
  }
  if (identity) return s;
  const out = emptyBuilder(s.length);
  let inSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isWs(c)) { if (!inSpace) out.push(32); inSpace = true; } else { out.push(c); inSpace = false; }
  }
  return out.toString();
}

function removeWhitespace(s: string): string {
  let identity = true;
  for (let i = 0; i < s.length; i++) if (isWs(s.charCodeAt(i))) { identity = false; break; }
  if (identity) return s;
  const out = emptyBuilder(s.length);
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (!isWs(c)) out.push(c); }
  return out.toString();
}

function normalizePath(input: string, windows: bool): string {
  const s = windows && hasByte(input, 92, 92) ? input.replaceAll("\\", "/") : input;
  if (!hasPair(s, 47, 46) && !hasPair(s, 47, 47) && !(s.length > 0 && s.charCodeAt(0) == 46)) return s;
  const absolute = s.startsWith("/");
  const trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..");
  const parts = s.split("/");
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.length == 0 || p == ".") continue;
    if (p == "..") {
      if (kept.length > 0 && kept[kept.length - 1] != "..") kept.pop();
      else if (!absolute) kept.push("..");
      continue;
    }
    kept.push(p);
  }
  let out = (absolute ? "/" : "") + kept.join("/");
  if (trailing && kept.length > 0) out += "/";
  return out;
}

function replaceComments(s: string): string {
  if (!hasPair(s, 47, 42)) return s;
  const out = emptyBuilder(s.length);
  let i = 0;
  const len = s.length;
  while (i < len) {
    if (s.charCodeAt(i) == 47 && i + 1 < len && s.charCodeAt(i + 1) == 42) {
      const end = findText(s, "*/", i + 2);
      out.push(32);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    out.push(s.charCodeAt(i));
    i++;
  }
  return out.toString();
}

function removeComments(s: string): string {
  const out = emptyBuilder(s.length);
  let i = 0;
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c == 47 && i + 1 < len && s.charCodeAt(i + 1) == 42) {
      const end = findText(s, "*/", i + 2);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    if (c == 60 && s.startsWith("<!--", i)) {
      const end = findText(s, "-->", i + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    if ((c == 45 && i + 1 < len && s.charCodeAt(i + 1) == 45) || c == 35) break;
    out.push(c);
    i++;
  }
  return out.toString();
}

function removeCommentsChar(s: string): string {
  return s.replaceAll("/*", "").replaceAll("*/", "").replaceAll("<!--", "").replaceAll("-->", "").replaceAll("--", "").replaceAll("#", "");
}

function hexEncode(s: string): string {
  const HEX = "0123456789abcdef";
  const out = allocString(s.length * 2);
  const p = changetype<usize>(out);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    store<u16>(p + (<usize>i << 2), <u16>HEX.charCodeAt(c >> 4));
    store<u16>(p + (<usize>i << 2) + 2, <u16>HEX.charCodeAt(c & 15));
  }
  return out;
}

function hexDecode(s: string): string {
  const out = emptyBuilder(s.length >> 1);
  for (let i = 0; i + 1 < s.length; i += 2) {
    const h = hexValue(s.charCodeAt(i)), l = hexValue(s.charCodeAt(i + 1));
    if (h < 0 || l < 0) break;
    out.push((h << 4) | l);
  }
  return out.toString();
}

function sqlHexDecode(s: string): string {
  const out = emptyBuilder(s.length);
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) == 48 && i + 1 < s.length && (s.charCodeAt(i + 1) | 32) == 120 && i + 3 < s.length && isHex(s.charCodeAt(i + 2)) && isHex(s.charCodeAt(i + 3))) {
      i += 2;
      while (i + 1 < s.length && isHex(s.charCodeAt(i)) && isHex(s.charCodeAt(i + 1))) {
        out.push((hexValue(s.charCodeAt(i)) << 4) | hexValue(s.charCodeAt(i + 1)));
        i += 2;
      }
      continue;
    }
    out.push(s.charCodeAt(i));
    i++;
  }
  return out.toString();
}

@inline function base64Value(c: i32): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c == 43 || c == 45) return 62;
  if (c == 47 || c == 95) return 63;
  return -1;
}

/** Decodes until the first invalid character (strict) or skipping them (Ext), as ModSecurity does. */
function base64Decode(s: string, forgiving: bool): string {
  const out = emptyBuilder((s.length * 3) >> 2);
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 61) break;
    const v = base64Value(c);
    if (v < 0) { if (forgiving) continue; break; }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 0xff); }
  }
  return out.toString();
}

function base64Encode(s: string): string {
  const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const out = emptyBuilder(((s.length + 2) / 3) * 4);
  let i = 0;
  for (; i + 2 < s.length; i += 3) {
    const n = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    out.push(A.charCodeAt((n >> 18) & 63)); out.push(A.charCodeAt((n >> 12) & 63));
    out.push(A.charCodeAt((n >> 6) & 63)); out.push(A.charCodeAt(n & 63));
  }
  const rest = s.length - i;
  if (rest > 0) {
    const n = (s.charCodeAt(i) << 16) | (rest > 1 ? s.charCodeAt(i + 1) << 8 : 0);
    out.push(A.charCodeAt((n >> 18) & 63)); out.push(A.charCodeAt((n >> 12) & 63));
    out.push(rest > 1 ? A.charCodeAt((n >> 6) & 63) : 61); out.push(61);
  }
  return out.toString();
}

function trimBytes(s: string, left: bool, right: bool): string {
  let a = 0, b = s.length;
  if (left) while (a < b && isSpace(s.charCodeAt(a))) a++;
  if (right) while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a == 0 && b == s.length ? s : s.substring(a, b);
}
