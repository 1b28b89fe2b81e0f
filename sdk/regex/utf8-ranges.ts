// Turns a code point range into sequences of byte ranges that match exactly its UTF-8 encodings
// (surrogates excluded), so byte-level matchers treat multi-byte characters as one character.

/** Appends sequences to `out` as [length, lo0, hi0, lo1, hi1, ...] records. */
export function utf8Sequences(lo: i32, hi: i32, out: Array<i32>): void {
  // Surrogates have no UTF-8 encoding.
  if (lo <= 0xdfff && hi >= 0xd800) {
    if (lo < 0xd800) utf8Sequences(lo, 0xd7ff, out);
    if (hi > 0xdfff) utf8Sequences(0xe000, hi, out);
    return;
  }
  splitRange(lo, hi, out);
}

function splitRange(lo: i32, hi: i32, out: Array<i32>): void {
  if (lo > hi) return;
  // Split where the encoded length changes.
  if (lo <= 0x7f && hi > 0x7f) { splitRange(lo, 0x7f, out); splitRange(0x80, hi, out); return; }
  if (lo <= 0x7ff && hi > 0x7ff) { splitRange(lo, 0x7ff, out); splitRange(0x800, hi, out); return; }
  if (lo <= 0xffff && hi > 0xffff) { splitRange(lo, 0xffff, out); splitRange(0x10000, hi, out); return; }
  if (hi <= 0x7f) { out.push(1); out.push(lo); out.push(hi); return; }
  const n = encodedLength(lo);
  // Split until every continuation position spans its full 0x80..0xBF range or a single value.
  for (let i = 1; i < n; i++) {
    const m = (1 << (6 * i)) - 1;
    if ((lo & ~m) != (hi & ~m)) {
      if ((lo & m) != 0) { splitRange(lo, lo | m, out); splitRange((lo | m) + 1, hi, out); return; }
      if ((hi & m) != m) { splitRange(lo, (hi & ~m) - 1, out); splitRange(hi & ~m, hi, out); return; }
    }
  }
  out.push(n);
  for (let k = 0; k < n; k++) {
    out.push(encodedByte(lo, n, k));
    out.push(encodedByte(hi, n, k));
  }
}

function encodedLength(c: i32): i32 {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

function encodedByte(c: i32, n: i32, k: i32): i32 {
  if (k == 0) {
    if (n == 2) return 0xc0 | (c >> 6);
    if (n == 3) return 0xe0 | (c >> 12);
    return 0xf0 | (c >> 18);
  }
  return 0x80 | ((c >> (6 * (n - 1 - k))) & 0x3f);
}
