// UTF-8 on the host's hot paths. Header names and values are short and nearly always ASCII: a byte
// loop reads and writes them several times faster than TextDecoder/TextEncoder (a native call, and
// for encode() a fresh typed array each time). Anything else goes to the standard codec, so every
// result is the one TextDecoder/TextEncoder gives (U+FFFD for malformed input included).

const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

/** Longest input decoded by the byte loop; longer text goes to TextDecoder, which wins there. */
const SHORT_DECODE = 64;

/** Decodes `bytes[start, end)`. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= SHORT_DECODE) {
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
  if (end - start <= SHORT_DECODE) {
    let text = "";
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end)).toLowerCase();
      text += String.fromCharCode(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
    }
    return text;
  }
  return decoder.decode(bytes.subarray(start, end)).toLowerCase();
}

/** True when every UTF-16 unit of `text` is ASCII (then its UTF-8 length is text.length). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Bytes `text` takes in UTF-8 (lone surrogates count as U+FFFD, 3 bytes, as TextEncoder writes them). */
export function utf8Length(text: string): number {
  return isAscii(text) ? text.length : Buffer.byteLength(text, "utf8");
}

/**
 * Writes `text` as UTF-8 at `target[offset]`; the caller sized the room with utf8Length(text).
 * Returns the bytes written.
 */
export function encodeUtf8Into(text: string, target: Uint8Array, offset: number): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) return i + encoder.encodeInto(text.slice(i), target.subarray(offset + i)).written;
    target[offset + i] = unit;
  }
  return n;
}

export function encodeUtf8(text: string): Uint8Array {
  if (isAscii(text)) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  return encoder.encode(text);
}
