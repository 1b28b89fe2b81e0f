// SHA-1 of a byte string, returned as a 20-byte byte string (t:sha1).
import { allocString } from "./bytes";

@inline function rotl(x: u32, n: u32): u32 { return (x << n) | (x >>> (32 - n)); }

export function sha1(s: string): string {
  const len = s.length;
  const total = ((len + 9 + 63) >> 6) << 6;
  const msg = new Uint8Array(total);
  for (let i = 0; i < len; i++) msg[i] = <u8>s.charCodeAt(i);
  msg[len] = 0x80;
  const bitLen = <u64>len << 3;
  for (let i = 0; i < 8; i++) msg[total - 1 - i] = <u8>(bitLen >> (<u64>i * 8));
  let h0: u32 = 0x67452301, h1: u32 = 0xefcdab89, h2: u32 = 0x98badcfe, h3: u32 = 0x10325476, h4: u32 = 0xc3d2e1f0;
  const w = new StaticArray<u32>(80);
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) {
      const p = off + t * 4;
      w[t] = (<u32>msg[p] << 24) | (<u32>msg[p + 1] << 16) | (<u32>msg[p + 2] << 8) | <u32>msg[p + 3];
    }
    for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t = 0; t < 80; t++) {
      let f: u32, k: u32;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const tmp = rotl(a, 5) + f + e + k + w[t];
      e = d; d = c; c = rotl(b, 30); b = a; a = tmp;
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
  }
  const out = allocString(20);
  const words: u32[] = [h0, h1, h2, h3, h4];
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) store<u16>(changetype<usize>(out) + (<usize>(i * 4 + j) << 1), <u16>((words[i] >> (24 - j * 8)) & 0xff));
  }
  return out;
}
