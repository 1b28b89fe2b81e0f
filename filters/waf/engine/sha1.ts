// SHA-1 of a byte string, returned as a 20-byte byte string (t:sha1). Reads the string's code
// units in place and keeps one message schedule per VM: CRS hashes every User-Agent (901318).
import { allocString } from "./bytes";

@inline function rotl(x: u32, n: u32): u32 { return (x << n) | (x >>> (32 - n)); }

const schedule = new StaticArray<u32>(80);

/** Byte `i` of the padded message: the string's bytes, 0x80, zeros, the 64-bit bit length. */
@inline function paddedByte(src: usize, len: i32, total: i32, i: i32): u32 {
  if (i < len) return <u32>load<u16>(src + (<usize>i << 1)) & 0xff;
  if (i == len) return 0x80;
  const fromEnd = total - 1 - i;
  return fromEnd < 8 ? <u32>((<u64>len << 3) >> (<u64>fromEnd * 8)) & 0xff : 0;
}

export function sha1(s: string): string {
  const len = s.length;
  const total = ((len + 9 + 63) >> 6) << 6;
  const src = changetype<usize>(s);
  const w = changetype<usize>(schedule);
  let h0: u32 = 0x67452301, h1: u32 = 0xefcdab89, h2: u32 = 0x98badcfe, h3: u32 = 0x10325476, h4: u32 = 0xc3d2e1f0;
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) {
      const p = off + t * 4;
      let word: u32;
      if (p + 3 < len) {
        const q = src + (<usize>p << 1);
        word = ((<u32>load<u16>(q) & 0xff) << 24) | ((<u32>load<u16>(q, 2) & 0xff) << 16) | ((<u32>load<u16>(q, 4) & 0xff) << 8) | (<u32>load<u16>(q, 6) & 0xff);
      } else {
        word = (paddedByte(src, len, total, p) << 24) | (paddedByte(src, len, total, p + 1) << 16) |
          (paddedByte(src, len, total, p + 2) << 8) | paddedByte(src, len, total, p + 3);
      }
      store<u32>(w + (<usize>t << 2), word);
    }
    for (let t = 16; t < 80; t++) {
      const x = load<u32>(w + (<usize>(t - 3) << 2)) ^ load<u32>(w + (<usize>(t - 8) << 2)) ^
        load<u32>(w + (<usize>(t - 14) << 2)) ^ load<u32>(w + (<usize>(t - 16) << 2));
      store<u32>(w + (<usize>t << 2), rotl(x, 1));
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t = 0; t < 80; t++) {
      let f: u32, k: u32;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const tmp = rotl(a, 5) + f + e + k + load<u32>(w + (<usize>t << 2));
      e = d; d = c; c = rotl(b, 30); b = a; a = tmp;
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
  }
  const out = allocString(20);
  const dst = changetype<usize>(out);
  storeWord(dst, h0);
  storeWord(dst + 8, h1);
  storeWord(dst + 16, h2);
  storeWord(dst + 24, h3);
  storeWord(dst + 32, h4);
  return out;
}

/** A big-endian word as four byte-valued code units. */
@inline function storeWord(dst: usize, word: u32): void {
  store<u16>(dst, <u16>(word >>> 24));
  store<u16>(dst, <u16>((word >>> 16) & 0xff), 2);
  store<u16>(dst, <u16>((word >>> 8) & 0xff), 4);
  store<u16>(dst, <u16>(word & 0xff), 6);
}
