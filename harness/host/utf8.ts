// UTF-8 on the host's hot paths. Header names and values are short and nearly always ASCII: a byte
// loop reads and writes them several times faster than TextDecoder/TextEncoder (a native call, and
// for encode() a fresh typed array each time). Anything else goes to the standard codec, so every
// result is the one TextDecoder/TextEncoder gives (U+FFFD for malformed input included).

const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

/** Longest input decoded by the byte loop; longer text goes to TextDecoder, which wins there. */
const SHORT_DECODE = 64;

/**
 * Short ASCII strings seen before, by their bytes, in two direct-mapped tables (as read, and
 * lower-cased). Header names and most values repeat on every request: a hit costs one pass over
 * the bytes and allocates nothing, and equal names come back as the same string, which compares
 * in one step. A miss just replaces the slot.
 */
const CACHED_MAX_LENGTH = 32;
const CACHE_SLOTS = 1024;
const asReadCache: Array<string | null> = new Array<string | null>(CACHE_SLOTS).fill(null);
const lowerCaseCache: Array<string | null> = new Array<string | null>(CACHE_SLOTS).fill(null);

const toLowerAscii = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);

/** The cached or newly made string of ASCII `bytes[start, end)` (lower-cased with `lower`), or null when not all ASCII. */
function cachedAscii(bytes: Uint8Array, start: number, end: number, lower: boolean): string | null {
  let hash = end - start;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return null;
    hash = (Math.imul(hash, 31) + (lower ? toLowerAscii(byte) : byte)) | 0;
  }
  const cache = lower ? lowerCaseCache : asReadCache;
  const slot = (hash ^ (hash >>> 10) ^ (hash >>> 20)) & (CACHE_SLOTS - 1);
  const hit = cache[slot];
  if (hit != null && hit.length === end - start) {
    let same = true;
    for (let i = 0; i < hit.length; i++) {
      if (hit.charCodeAt(i) !== (lower ? toLowerAscii(bytes[start + i]!) : bytes[start + i]!)) { same = false; break; }
    }
    if (same) return hit;
  }
  let text = "";
  for (let i = start; i < end; i++) text += String.fromCharCode(lower ? toLowerAscii(bytes[i]!) : bytes[i]!);
  cache[slot] = text;
  return text;
}

/** Decodes `bytes[start, end)`. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const length = end - start;
  if (length <= CACHED_MAX_LENGTH) return cachedAscii(bytes, start, end, false) ?? decoder.decode(bytes.subarray(start, end));
  if (length <= SHORT_DECODE) {
    let text = "";
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** Decodes `bytes[start, end)` lower-cased (header names), folding ASCII case in the same pass. */
export function decodeLowerCase(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= CACHED_MAX_LENGTH) {
    const ascii = cachedAscii(bytes, start, end, true);
    if (ascii !== null) return ascii;
  }
  return decodeUtf8(bytes, start, end).toLowerCase();
}

/** Longest text encoded by the JS loops; past it the native encoder wins (a long token: ~10× faster). */
const SHORT_ENCODE = 32;

/** True when every UTF-16 unit of `text` is ASCII (then its UTF-8 length is text.length). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Bytes `text` takes in UTF-8 (lone surrogates count as U+FFFD, 3 bytes, as TextEncoder writes them). */
export function utf8Length(text: string): number {
  return text.length <= SHORT_ENCODE && isAscii(text) ? text.length : Buffer.byteLength(text, "utf8");
}

/**
 * Writes `text` as UTF-8 at `target[offset]`; the caller sized the room with utf8Length(text).
 * Returns the bytes written.
 */
export function encodeUtf8Into(text: string, target: Uint8Array, offset: number): number {
  const n = text.length;
  if (n > SHORT_ENCODE) return encoder.encodeInto(text, target.subarray(offset)).written;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) return i + encoder.encodeInto(text.slice(i), target.subarray(offset + i)).written;
    target[offset + i] = unit;
  }
  return n;
}

export function encodeUtf8(text: string): Uint8Array {
  if (text.length <= SHORT_ENCODE && isAscii(text)) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  return encoder.encode(text);
}
