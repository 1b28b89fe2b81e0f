// Strict UTF-8: validation that rejects overlong forms, surrogates and values past U+10FFFF
// (String.UTF8.decode would silently substitute), plus text <-> bytes helpers.

/**
 * Length (1-4) of the valid UTF-8 sequence starting at `ptr`, or 0 when the bytes there are not
 * valid UTF-8 (or the sequence runs past `end`).
 */
export function utf8SequenceLength(ptr: usize, end: usize): i32 {
  const b0 = <u32>load<u8>(ptr);
  if (b0 < 0x80) return 1;
  if (b0 < 0xc2) return 0; // continuation byte or overlong 2-byte lead
  if (b0 < 0xe0) {
    if (ptr + 1 >= end) return 0;
    return (load<u8>(ptr + 1) & 0xc0) == 0x80 ? 2 : 0;
  }
  if (b0 < 0xf0) {
    if (ptr + 2 >= end) return 0;
    const b1 = <u32>load<u8>(ptr + 1);
    const b2 = <u32>load<u8>(ptr + 2);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return 0;
    if (b0 == 0xe0 && b1 < 0xa0) return 0; // overlong
    if (b0 == 0xed && b1 >= 0xa0) return 0; // UTF-16 surrogate
    return 3;
  }
  if (b0 < 0xf5) {
    if (ptr + 3 >= end) return 0;
    const b1 = <u32>load<u8>(ptr + 1);
    if ((b1 & 0xc0) != 0x80 || (load<u8>(ptr + 2) & 0xc0) != 0x80 || (load<u8>(ptr + 3) & 0xc0) != 0x80) return 0;
    if (b0 == 0xf0 && b1 < 0x90) return 0; // overlong
    if (b0 == 0xf4 && b1 >= 0x90) return 0; // > U+10FFFF
    return 4;
  }
  return 0;
}

/** Byte offset of the first invalid UTF-8 sequence in `bytes`, or -1 when all of it is valid. */
export function findInvalidUtf8(bytes: ArrayBuffer): i32 {
  const base = changetype<usize>(bytes);
  const end = base + <usize>bytes.byteLength;
  let p = base;
  while (p < end) {
    const n = utf8SequenceLength(p, end);
    if (n == 0) return <i32>(p - base);
    p += <usize>n;
  }
  return -1;
}

export function isValidUtf8(bytes: ArrayBuffer): bool {
  return findInvalidUtf8(bytes) < 0;
}

/** Decodes strictly: null when `bytes` is not valid UTF-8. */
export function decodeUtf8(bytes: ArrayBuffer): string | null {
  if (findInvalidUtf8(bytes) >= 0) return null;
  return String.UTF8.decode(bytes);
}

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD). */
export function encodeUtf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

/** Bytes of a Uint8Array view as an ArrayBuffer of exactly that length. */
export function bytesOf(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset == 0 && view.byteLength == view.buffer.byteLength) return view.buffer;
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}
