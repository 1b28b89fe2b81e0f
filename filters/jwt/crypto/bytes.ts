// Byte helpers shared by the signature schemes.

/** Equality without an early exit, so MAC comparison leaks no prefix length through timing. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let diff: u32 = 0;
  for (let i = 0; i < a.length; i++) diff |= <u32>(unchecked(a[i]) ^ unchecked(b[i]));
  return diff == 0;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Drops leading zero bytes (DER INTEGERs and JWK values may carry them). */
export function stripLeadingZeros(a: Uint8Array): Uint8Array {
  let i = 0;
  while (i < a.length - 1 && unchecked(a[i]) == 0) i++;
  return i == 0 ? a : a.slice(i);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
