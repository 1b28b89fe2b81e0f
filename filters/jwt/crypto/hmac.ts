// HMAC (RFC 2104) over SHA-256/384/512, for HS256/384/512.
import { constantTimeEqual } from "./bytes";
import { digest, hashBlockSize, hashLength, HashAlg } from "./hash";

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
