// RSA signature verification: RSASSA-PKCS1-v1_5 (RS256/384/512) and RSASSA-PSS with MGF1 and
// salt length = hash length (PS256/384/512, as RFC 7518 §3.5 fixes it).
import { constantTimeEqual } from "./bytes";
import { digest, hashLength, HashAlg } from "./hash";
import { limbsBit, limbsBitLength, limbsCopy, limbsFromBytes, limbsLess, limbsToBytes, Modulus } from "./modulus";

/** RFC 7518 §3.3: 2048 bits or larger. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;

export class RsaPublicKey {
  readonly modulus: Modulus;
  readonly exponent: StaticArray<u32>;
  /** Modulus length in bytes (k in RFC 8017). */
  readonly size: i32;

  constructor(modulus: Modulus, exponent: StaticArray<u32>) {
    this.modulus = modulus;
    this.exponent = exponent;
    this.size = (modulus.bits + 7) >> 3;
  }

  get bits(): i32 {
    return this.modulus.bits;
  }
}

const ROCA_PRIMES: StaticArray<u32> = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167];

/**
 * The ROCA fingerprint (CVE-2017-15361): moduli from the flawed Infineon generator are, modulo each
 * small prime above, a power of 65537. A random modulus passes all of them with negligible odds.
 */
export function hasRocaFingerprint(n: Uint8Array): bool {
  for (let i = 0; i < ROCA_PRIMES.length; i++) {
    const p = unchecked(ROCA_PRIMES[i]);
    let r: u32 = 0;
    for (let j = 0; j < n.length; j++) r = (r * 256 + <u32>unchecked(n[j])) % p;
    const g: u32 = 65537 % p;
    let power: u32 = 1;
    let found = false;
    for (let k: u32 = 0; k < p; k++) {
      if (power == r) { found = true; break; }
      power = (power * g) % p;
    }
    if (!found) return false;
  }
  return true;
}

/**
 * Builds a key from big-endian n and e; null when the numbers cannot be an RSA public key
 * (even, short or ROCA-weak modulus; exponent < 3, even or ≥ n).
 */
export function rsaPublicKey(n: Uint8Array, e: Uint8Array): RsaPublicKey | null {
  let start = 0;
  while (start < n.length && n[start] == 0) start++;
  const nBytes = n.length - start;
  const limbs = (nBytes + 3) >> 2;
  if (limbs == 0) return null;
  const m = limbsFromBytes(n, limbs);
  if (m == null) return null;
  const bits = limbsBitLength(m);
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || (unchecked(m[0]) & 1) == 0) return null;
  if (hasRocaFingerprint(n)) return null;
  const exp = limbsFromBytes(e, limbs);
  if (exp == null) return null;
  if ((unchecked(exp[0]) & 1) == 0 || limbsBitLength(exp) < 2 || !limbsLess(exp, m)) return null;
  return new RsaPublicKey(new Modulus(m), exp);
}

/** s^e mod n as k big-endian bytes; null if the signature is not a k-byte integer below n. */
function rsaPublicOperation(key: RsaPublicKey, signature: Uint8Array): Uint8Array | null {
  if (signature.length != key.size) return null;
  const mod = key.modulus;
  const s = limbsFromBytes(signature, mod.limbs);
  if (s == null || !limbsLess(s, mod.m)) return null;
  // Left-to-right square-and-multiply starting from s itself; e is odd, so the last step
  // multiplies by the plain s, which also leaves Montgomery form (e = 65537: 16 squarings, 2 products).
  const sMont = mod.newValue();
  mod.toMont(sMont, s);
  const acc = mod.newValue();
  limbsCopy(acc, sMont);
  const e = key.exponent;
  const top = limbsBitLength(e);
  for (let bit = top - 2; bit >= 1; bit--) {
    mod.sqr(acc, acc);
    if (limbsBit(e, bit) != 0) mod.mul(acc, acc, sMont);
  }
  mod.sqr(acc, acc);
  mod.mul(acc, acc, s);
  return limbsToBytes(acc, key.size);
}

const DIGEST_INFO_SHA256: StaticArray<u8> = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
const DIGEST_INFO_SHA384: StaticArray<u8> = [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30];
const DIGEST_INFO_SHA512: StaticArray<u8> = [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40];

/**
 * RSASSA-PKCS1-v1_5 verify: rebuilds the one valid encoding and compares it byte for byte,
 * so no parser of the signed block can be fooled (the DigestInfo must carry its NULL).
 */
export function rsaPkcs1Verify(key: RsaPublicKey, alg: HashAlg, message: Uint8Array, signature: Uint8Array): bool {
  const em = rsaPublicOperation(key, signature);
  if (em == null) return false;
  const prefix = alg == HashAlg.SHA256 ? DIGEST_INFO_SHA256 : alg == HashAlg.SHA384 ? DIGEST_INFO_SHA384 : DIGEST_INFO_SHA512;
  const h = digest(alg, message);
  const tLen = prefix.length + h.length;
  const k = key.size;
  if (k < tLen + 11) return false;
  const expected = new Uint8Array(k);
  expected[1] = 0x01;
  const padEnd = k - tLen - 1;
  for (let i = 2; i < padEnd; i++) unchecked(expected[i] = 0xff);
  for (let i = 0; i < prefix.length; i++) unchecked(expected[padEnd + 1 + i] = prefix[i]);
  expected.set(h, k - h.length);
  return constantTimeEqual(em, expected);
}

/** MGF1 mask of `length` bytes from `seed`. */
function mgf1(alg: HashAlg, seed: Uint8Array, length: i32): Uint8Array {
  const hLen = hashLength(alg);
  const out = new Uint8Array(length);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed, 0);
  let counter: u32 = 0;
  for (let off = 0; off < length; off += hLen) {
    store<u32>(block.dataStart + <usize>seed.length, bswap<u32>(counter));
    const h = digest(alg, block);
    const n = min(hLen, length - off);
    for (let i = 0; i < n; i++) unchecked(out[off + i] = h[i]);
    counter++;
  }
  return out;
}

/** RSASSA-PSS verify (RFC 8017 §8.1.2 / §9.1.2) with MGF1 over the same hash and sLen = hLen. */
export function rsaPssVerify(key: RsaPublicKey, alg: HashAlg, message: Uint8Array, signature: Uint8Array): bool {
  const m = rsaPublicOperation(key, signature);
  if (m == null) return false;
  const hLen = hashLength(alg);
  const sLen = hLen;
  const emBits = key.bits - 1;
  const emLen = (emBits + 7) >> 3;
  // With modBits ≡ 1 (mod 8) the integer has one more byte than EM; that byte must be zero.
  let em = m;
  if (key.size > emLen) {
    if (m[0] != 0) return false;
    em = m.subarray(1);
  }
  if (emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] != 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const maskedDb = em.subarray(0, dbLen);
  const h = em.subarray(dbLen, dbLen + hLen);
  const unusedBits = 8 * emLen - emBits;
  const topMask = <u8>((<u32>0xff) >> (<u32>unusedBits));
  if ((maskedDb[0] & ~topMask) != 0) return false;
  const db = mgf1(alg, h, dbLen);
  for (let i = 0; i < dbLen; i++) unchecked(db[i] ^= maskedDb[i]);
  db[0] &= topMask;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (unchecked(db[i]) != 0) return false;
  if (db[psLen] != 0x01) return false;
  const mPrime = new Uint8Array(8 + hLen + sLen);
  mPrime.set(digest(alg, message), 8);
  mPrime.set(db.subarray(dbLen - sLen), 8 + hLen);
  return constantTimeEqual(digest(alg, mPrime), h);
}
