// Just enough DER to read public keys: SubjectPublicKeyInfo (RSA, EC P-256/P-384, Ed25519) and
// PKCS#1 RSAPublicKey. Every length is checked against what is left, so hostile input fails cleanly.

export class DerElement {
  constructor(readonly tag: u8, readonly content: Uint8Array, readonly next: i32) {}
}

/** The TLV at `offset` of `data`; null when malformed (indefinite or overlong lengths included). */
export function readDer(data: Uint8Array, offset: i32): DerElement | null {
  if (offset + 2 > data.length) return null;
  const tag = data[offset];
  let len = <i32>data[offset + 1];
  let pos = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count == 0 || count > 3 || pos + count > data.length) return null;
    len = 0;
    for (let i = 0; i < count; i++) len = (len << 8) | <i32>data[pos + i];
    pos += count;
    if (len < 0x80) return null; // DER requires the short form here
  }
  if (len < 0 || pos + len > data.length) return null;
  return new DerElement(tag, data.subarray(pos, pos + len), pos + len);
}

export const TAG_INTEGER: u8 = 0x02;
export const TAG_BIT_STRING: u8 = 0x03;
export const TAG_NULL: u8 = 0x05;
export const TAG_OID: u8 = 0x06;
export const TAG_SEQUENCE: u8 = 0x30;

export const OID_RSA_ENCRYPTION: StaticArray<u8> = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
export const OID_EC_PUBLIC_KEY: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
export const OID_P256: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
export const OID_P384: StaticArray<u8> = [0x2b, 0x81, 0x04, 0x00, 0x22];
export const OID_ED25519: StaticArray<u8> = [0x2b, 0x65, 0x70];

export function oidEquals(content: Uint8Array, oid: StaticArray<u8>): bool {
  if (content.length != oid.length) return false;
  for (let i = 0; i < oid.length; i++) if (content[i] != oid[i]) return false;
  return true;
}

/** A public key's algorithm and raw material, as found in SPKI or PKCS#1. */
export class DerPublicKey {
  /** "RSA", "EC" or "OKP" (the JWK kty the key corresponds to). */
  kty: string = "";
  /** "P-256", "P-384" or "Ed25519" for EC/OKP keys. */
  crv: string = "";
  n: Uint8Array = new Uint8Array(0);
  e: Uint8Array = new Uint8Array(0);
  /** EC: uncompressed point 04‖X‖Y; Ed25519: the 32-byte key. */
  point: Uint8Array = new Uint8Array(0);
}

/** PKCS#1 RSAPublicKey: SEQUENCE { n INTEGER, e INTEGER }. */
export function parseRsaPublicKeyDer(der: Uint8Array): DerPublicKey | null {
  const seq = readDer(der, 0);
  if (seq == null || seq.tag != TAG_SEQUENCE || seq.next != der.length) return null;
  const n = readDer(seq.content, 0);
  if (n == null || n.tag != TAG_INTEGER) return null;
  const e = readDer(seq.content, n.next);
  if (e == null || e.tag != TAG_INTEGER || e.next != seq.content.length) return null;
  const key = new DerPublicKey();
  key.kty = "RSA";
  key.n = n.content;
  key.e = e.content;
  return key;
}

/** SubjectPublicKeyInfo for RSA, EC (named P-256/P-384) and Ed25519 keys. */
export function parseSpki(der: Uint8Array): DerPublicKey | null {
  const spki = readDer(der, 0);
  if (spki == null || spki.tag != TAG_SEQUENCE || spki.next != der.length) return null;
  const algId = readDer(spki.content, 0);
  if (algId == null || algId.tag != TAG_SEQUENCE) return null;
  const bits = readDer(spki.content, algId.next);
  if (bits == null || bits.tag != TAG_BIT_STRING || bits.next != spki.content.length) return null;
  if (bits.content.length < 1 || bits.content[0] != 0) return null; // no unused bits
  const keyBytes = bits.content.subarray(1);
  const oid = readDer(algId.content, 0);
  if (oid == null || oid.tag != TAG_OID) return null;
  if (oidEquals(oid.content, OID_RSA_ENCRYPTION)) return parseRsaPublicKeyDer(keyBytes);
  if (oidEquals(oid.content, OID_EC_PUBLIC_KEY)) {
    const curve = readDer(algId.content, oid.next);
    if (curve == null || curve.tag != TAG_OID) return null;
    const key = new DerPublicKey();
    key.kty = "EC";
    if (oidEquals(curve.content, OID_P256)) key.crv = "P-256";
    else if (oidEquals(curve.content, OID_P384)) key.crv = "P-384";
    else return null;
    key.point = keyBytes;
    return key;
  }
  if (oidEquals(oid.content, OID_ED25519)) {
    if (oid.next != algId.content.length) return null; // Ed25519 has no parameters
    const key = new DerPublicKey();
    key.kty = "OKP";
    key.crv = "Ed25519";
    key.point = keyBytes;
    return key;
  }
  return null;
}
