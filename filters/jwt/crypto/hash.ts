// The three hash functions JWS uses, selected by a small integer so callers need no closures.
import { sha256Raw } from "./sha256";
import { sha384Raw, sha512Raw } from "./sha512";

export const enum HashAlg {
  SHA256 = 256,
  SHA384 = 384,
  SHA512 = 512,
}

export function hashLength(alg: HashAlg): i32 {
  return alg == HashAlg.SHA256 ? 32 : alg == HashAlg.SHA384 ? 48 : 64;
}

/** Block size in bytes, as HMAC needs it. */
export function hashBlockSize(alg: HashAlg): i32 {
  return alg == HashAlg.SHA256 ? 64 : 128;
}

export function digestRaw(alg: HashAlg, ptr: usize, len: i32): Uint8Array {
  if (alg == HashAlg.SHA256) return sha256Raw(ptr, len);
  if (alg == HashAlg.SHA384) return sha384Raw(ptr, len);
  return sha512Raw(ptr, len);
}

export function digest(alg: HashAlg, data: Uint8Array): Uint8Array {
  return digestRaw(alg, data.dataStart, data.length);
}

/** Digest of a ‖ b without the caller building the concatenation. */
export function digest2(alg: HashAlg, a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return digest(alg, joined);
}
