// SHA-256 (FIPS 180-4). One-shot digest; JWT signing inputs are small and hashed once each.

// Unmanaged static memory: no GC bookkeeping on the hot path.
const K256: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W256: usize = memory.data(256, 16);
const H256: usize = memory.data(32, 16);

function compress256(block: usize): void {
  for (let i = 0; i < 16; i++) {
    store<u32>(W256 + (<usize>i << 2), bswap<u32>(load<u32>(block + (<usize>i << 2))));
  }
  for (let i = 16; i < 64; i++) {
    const w15 = load<u32>(W256 + (<usize>(i - 15) << 2));
    const w2 = load<u32>(W256 + (<usize>(i - 2) << 2));
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W256 + (<usize>i << 2), load<u32>(W256 + (<usize>(i - 16) << 2)) + s0 + load<u32>(W256 + (<usize>(i - 7) << 2)) + s1);
  }
  let a = load<u32>(H256), b = load<u32>(H256 + 4), c = load<u32>(H256 + 8), d = load<u32>(H256 + 12);
  let e = load<u32>(H256 + 16), f = load<u32>(H256 + 20), g = load<u32>(H256 + 24), h = load<u32>(H256 + 28);
  for (let i = 0; i < 64; i++) {
    const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + S1 + ch + load<u32>(K256 + (<usize>i << 2)) + load<u32>(W256 + (<usize>i << 2));
    const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(H256, load<u32>(H256) + a);
  store<u32>(H256 + 4, load<u32>(H256 + 4) + b);
  store<u32>(H256 + 8, load<u32>(H256 + 8) + c);
  store<u32>(H256 + 12, load<u32>(H256 + 12) + d);
  store<u32>(H256 + 16, load<u32>(H256 + 16) + e);
  store<u32>(H256 + 20, load<u32>(H256 + 20) + f);
  store<u32>(H256 + 24, load<u32>(H256 + 24) + g);
  store<u32>(H256 + 28, load<u32>(H256 + 28) + h);
}

const TAIL256: usize = memory.data(128, 16);

/** SHA-256 of `len` bytes at `ptr`. */
export function sha256Raw(ptr: usize, len: i32): Uint8Array {
  store<u32>(H256, 0x6a09e667);
  store<u32>(H256 + 4, 0xbb67ae85);
  store<u32>(H256 + 8, 0x3c6ef372);
  store<u32>(H256 + 12, 0xa54ff53a);
  store<u32>(H256 + 16, 0x510e527f);
  store<u32>(H256 + 20, 0x9b05688c);
  store<u32>(H256 + 24, 0x1f83d9ab);
  store<u32>(H256 + 28, 0x5be0cd19);
  const full = len & ~63;
  for (let off = 0; off < full; off += 64) compress256(ptr + <usize>off);
  const rest = len - full;
  const tail = TAIL256;
  memory.fill(tail, 0, 128);
  memory.copy(tail, ptr + <usize>full, <usize>rest);
  store<u8>(tail + <usize>rest, 0x80);
  const tailLen = rest < 56 ? 64 : 128;
  const bits = (<u64>len) << 3;
  store<u64>(tail + <usize>tailLen - 8, bswap<u64>(bits));
  compress256(tail);
  if (tailLen == 128) compress256(tail + 64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) store<u32>(out.dataStart + (<usize>i << 2), bswap<u32>(load<u32>(H256 + (<usize>i << 2))));
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  return sha256Raw(data.dataStart, data.length);
}
