// Reading a token where it lies inside a header value (a start and a length in UTF-16 code units)
// without copying it out: where it ends, whether two slices are equal, and a hash for the cache.
// Callers keep every slice inside its string; these helpers read memory directly for speed.

/** 1 for the characters a token is made of (base64url, '.' and '='), as Envoy cuts tokens. */
const TOKEN_CHARS = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0,
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
]);

@inline function codeUnitAt(text: string, index: i32): u32 {
  return <u32>load<u16>(changetype<usize>(text) + (<usize>index << 1));
}

export function isTokenChar(c: u32): bool {
  return c < 128 && load<u8>(TOKEN_CHARS + <usize>c) != 0;
}

/** Index of the first `code` at or after `from`, or -1 (String#indexOf compares a whole needle per position). */
export function indexOfCode(text: string, code: u32, from: i32 = 0): i32 {
  const end = text.length;
  for (let i = from; i < end; i++) if (codeUnitAt(text, i) == code) return i;
  return -1;
}

/** Length of the run of token characters starting at `start` (0 when there is none). */
export function tokenLength(text: string, start: i32): i32 {
  const end = text.length;
  let i = start;
  while (i < end && isTokenChar(codeUnitAt(text, i))) i++;
  return i - start;
}

/** a[aStart, aStart+length) == b[bStart, bStart+length), eight bytes at a time (unaligned loads are fine in Wasm). */
export function sliceEquals(a: string, aStart: i32, b: string, bStart: i32, length: i32): bool {
  let pa = changetype<usize>(a) + (<usize>aStart << 1);
  let pb = changetype<usize>(b) + (<usize>bStart << 1);
  let bytes = <usize>length << 1;
  while (bytes >= 8) {
    if (load<u64>(pa) != load<u64>(pb)) return false;
    pa += 8;
    pb += 8;
    bytes -= 8;
  }
  while (bytes >= 2) {
    if (load<u16>(pa) != load<u16>(pb)) return false;
    pa += 2;
    pb += 2;
    bytes -= 2;
  }
  return true;
}

/** Code units of a token's end that the hash reads: the signature, which differs between any two tokens. */
const HASHED_TAIL: i32 = 32;

@inline function mix(h: u64, v: u64): u64 {
  const x = (h ^ v) * 0x9e3779b97f4a7c15;
  return x ^ (x >> 29);
}

/**
 * Hash of text[start, start+length): the length and the last HASHED_TAIL code units. A token's
 * tail is its signature, so this separates tokens as well as hashing everything, at a fixed cost.
 * Equality is always confirmed with sliceEquals, so a collision only costs a comparison.
 */
export function sliceHash(text: string, start: i32, length: i32): u32 {
  const tail = min(length, HASHED_TAIL);
  let p = changetype<usize>(text) + (<usize>(start + length - tail) << 1);
  let bytes = <usize>tail << 1;
  let h = mix(0x243f6a8885a308d3, <u64>length);
  while (bytes >= 8) {
    h = mix(h, load<u64>(p));
    p += 8;
    bytes -= 8;
  }
  while (bytes >= 2) {
    h = mix(h, <u64>load<u16>(p));
    p += 2;
    bytes -= 2;
  }
  return <u32>(h ^ (h >> 32));
}
