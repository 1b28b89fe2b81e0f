// Base64 (RFC 4648 §4) and base64url (§5). Decoders are strict: characters outside the alphabet,
// misplaced padding or non-zero trailing bits yield null rather than a guess.

const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function encodeWith(bytes: ArrayBuffer, alphabet: string, pad: bool): string {
  const data = Uint8Array.wrap(bytes);
  const n = data.length;
  const parts = new Array<string>();
  const codes = new Array<i32>();
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (<i32>data[i] << 16) | (<i32>data[i + 1] << 8) | <i32>data[i + 2];
    codes.push(alphabet.charCodeAt((v >> 18) & 63));
    codes.push(alphabet.charCodeAt((v >> 12) & 63));
    codes.push(alphabet.charCodeAt((v >> 6) & 63));
    codes.push(alphabet.charCodeAt(v & 63));
    if (codes.length >= 4096) {
      parts.push(String.fromCharCodes(codes));
      codes.length = 0;
    }
  }
  const rest = n - i;
  if (rest == 1) {
    const v = <i32>data[i] << 16;
    codes.push(alphabet.charCodeAt((v >> 18) & 63));
    codes.push(alphabet.charCodeAt((v >> 12) & 63));
    if (pad) { codes.push(0x3d); codes.push(0x3d); }
  } else if (rest == 2) {
    const v = (<i32>data[i] << 16) | (<i32>data[i + 1] << 8);
    codes.push(alphabet.charCodeAt((v >> 18) & 63));
    codes.push(alphabet.charCodeAt((v >> 12) & 63));
    codes.push(alphabet.charCodeAt((v >> 6) & 63));
    if (pad) codes.push(0x3d);
  }
  parts.push(String.fromCharCodes(codes));
  return parts.join("");
}

/** Value of a base64 character in the standard (url=false) or URL alphabet; -1 if not in it. */
function sextet(c: i32, url: bool): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (url) {
    if (c == 0x2d) return 62;
    if (c == 0x5f) return 63;
  } else {
    if (c == 0x2b) return 62;
    if (c == 0x2f) return 63;
  }
  return -1;
}

/** `requirePadding`: standard base64 must be padded; base64url padding is optional. */
function decodeWith(text: string, url: bool, requirePadding: bool): ArrayBuffer | null {
  let len = text.length;
  let padding = 0;
  while (len > 0 && text.charCodeAt(len - 1) == 0x3d && padding < 2) {
    len--;
    padding++;
  }
  if (padding > 0 && (len + padding) % 4 != 0) return null;
  if (requirePadding && text.length % 4 != 0) return null;
  const remainder = len % 4;
  if (remainder == 1) return null;
  const outLen = (len / 4) * 3 + (remainder == 0 ? 0 : remainder - 1);
  const out = new Uint8Array(outLen);
  let o = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const a = sextet(text.charCodeAt(i), url);
    const b = sextet(text.charCodeAt(i + 1), url);
    const c = sextet(text.charCodeAt(i + 2), url);
    const d = sextet(text.charCodeAt(i + 3), url);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = <u8>(v >> 16);
    out[o++] = <u8>(v >> 8);
    out[o++] = <u8>v;
  }
  if (remainder == 2) {
    const a = sextet(text.charCodeAt(i), url);
    const b = sextet(text.charCodeAt(i + 1), url);
    if ((a | b) < 0 || (b & 15) != 0) return null;
    out[o++] = <u8>((a << 2) | (b >> 4));
  } else if (remainder == 3) {
    const a = sextet(text.charCodeAt(i), url);
    const b = sextet(text.charCodeAt(i + 1), url);
    const c = sextet(text.charCodeAt(i + 2), url);
    if ((a | b | c) < 0 || (c & 3) != 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = <u8>(v >> 16);
    out[o++] = <u8>(v >> 8);
  }
  return out.buffer;
}

/** Standard base64 with padding. */
export function base64Encode(bytes: ArrayBuffer): string {
  return encodeWith(bytes, STD_ALPHABET, true);
}

/** Strict standard base64 (padding required); null when invalid. */
export function base64Decode(text: string): ArrayBuffer | null {
  return decodeWith(text, false, true);
}

/** base64url without padding (as JWTs use). */
export function base64UrlEncode(bytes: ArrayBuffer): string {
  return encodeWith(bytes, URL_ALPHABET, false);
}

/** base64url, padding optional; null when invalid. */
export function base64UrlDecode(text: string): ArrayBuffer | null {
  return decodeWith(text, true, false);
}

export function base64EncodeText(text: string): string {
  return base64Encode(String.UTF8.encode(text));
}
