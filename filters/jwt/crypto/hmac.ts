// HMAC (RFC 2104) over SHA-256/384/512, for HS256/384/512.
import { constantTimeEqual } from "./bytes";
import { digest, hashBlockSize, hashLength, HashAlg } from "./hash";
import { sha256BlockState, sha256Resume } from "./sha256";

export function hmac(alg: HashAlg, key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = hashBlockSize(alg);
  const k = key.length > block ? digest(alg, key) : key;
  const inner = new Uint8Array(block + message.length);
  const outer = new Uint8Array(block + hashLength(alg));
  for (let i = 0; i < block; i++) {
    const kb: u8 = i < k.length ? unchecked(k[i]) : 0;
    unchecked(inner[i] = kb ^ 0x36);
    unchecked(outer[i] = kb ^ 0x5c);
  }
  inner.set(message, block);
  outer.set(digest(alg, inner), block);
  return digest(alg, outer);
}

/**
 * Checks a MAC tag. `tagLength` allows truncated tags for the primitive's own tests; JWS always
 * passes the full hash length, so a shortened tag never verifies a token.
 */
export function hmacVerify(alg: HashAlg, key: Uint8Array, message: Uint8Array, tag: Uint8Array, tagLength: i32): bool {
  if (tag.length != tagLength || tagLength <= 0 || tagLength > hashLength(alg)) return false;
  const full = hmac(alg, key, message);
  return constantTimeEqual(full.subarray(0, tagLength), tag);
}

/** An HMAC-SHA-256 key with its two pad blocks already compressed: two compressions fewer per MAC. */
export class HmacSha256Key {
  readonly inner: StaticArray<u32>;
  readonly outer: StaticArray<u32>;
  constructor(key: Uint8Array) {
    const k = key.length > 64 ? digest(HashAlg.SHA256, key) : key;
    const ipad = new Uint8Array(64);
    const opad = new Uint8Array(64);
    for (let i = 0; i < 64; i++) {
      const kb: u8 = i < k.length ? unchecked(k[i]) : 0;
      unchecked(ipad[i] = kb ^ 0x36);
      unchecked(opad[i] = kb ^ 0x5c);
    }
    this.inner = sha256BlockState(ipad);
    this.outer = sha256BlockState(opad);
  }

  mac(message: Uint8Array): Uint8Array {
    const innerHash = sha256Resume(this.inner, message.dataStart, message.length);
    return sha256Resume(this.outer, innerHash.dataStart, 32);
  }

  /** Full-length (32-byte) tag check, constant time. */
  verify(message: Uint8Array, tag: Uint8Array): bool {
    return tag.length == 32 && constantTimeEqual(this.mac(message), tag);
  }
}
