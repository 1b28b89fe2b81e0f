// The ABI's serialized header map: u32 count, then (u32 name length, u32 value length) per pair,
// then each name and value followed by a NUL byte. All integers little-endian.
import type { HeaderList } from "./api.ts";
import { decodeUtf8, encodeUtf8 } from "./memory.ts";

export function serializePairs(pairs: HeaderList): Uint8Array {
  const encoded = pairs.map(([n, v]) => [encodeUtf8(n), encodeUtf8(v)] as const);
  let size = 4 + 8 * encoded.length;
  for (const [n, v] of encoded) size += n.byteLength + v.byteLength + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, encoded.length, true);
  let offset = 4;
  for (const [n, v] of encoded) {
    dv.setUint32(offset, n.byteLength, true);
    dv.setUint32(offset + 4, v.byteLength, true);
    offset += 8;
  }
  for (const [n, v] of encoded) {
    out.set(n, offset); offset += n.byteLength + 1;
    out.set(v, offset); offset += v.byteLength + 1;
  }
  return out;
}

export class PairsFormatError extends Error {}

/**
 * Parses a serialized map. Envoy's PairsUtil::toPairs returns an empty list for malformed input;
 * `strict` reports where it is malformed instead (the host logs it and answers as Envoy does).
 */
export function deserializePairs(bytes: Uint8Array): HeaderList {
  if (bytes.byteLength === 0) return [];
  if (bytes.byteLength < 4) throw new PairsFormatError(`serialized map of ${bytes.byteLength} bytes is shorter than its 4-byte count`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = dv.getUint32(0, true);
  let offset = 4;
  if (count > (bytes.byteLength - 4) / 8) throw new PairsFormatError(`serialized map declares ${count} pairs but has only ${bytes.byteLength} bytes`);
  const sizes: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    sizes.push([dv.getUint32(offset, true), dv.getUint32(offset + 4, true)]);
    offset += 8;
  }
  const pairs: HeaderList = [];
  for (let i = 0; i < count; i++) {
    const [nameLen, valueLen] = sizes[i]!;
    if (offset + nameLen + 1 + valueLen + 1 > bytes.byteLength) {
      throw new PairsFormatError(`pair ${i} (name ${nameLen} bytes, value ${valueLen} bytes) runs past the end of the ${bytes.byteLength}-byte map at offset ${offset}`);
    }
    const name = decodeUtf8(bytes.subarray(offset, offset + nameLen));
    offset += nameLen;
    if (bytes[offset] !== 0) throw new PairsFormatError(`pair ${i}: name not NUL-terminated at offset ${offset}`);
    offset += 1;
    const value = decodeUtf8(bytes.subarray(offset, offset + valueLen));
    offset += valueLen;
    if (bytes[offset] !== 0) throw new PairsFormatError(`pair ${i}: value not NUL-terminated at offset ${offset}`);
    offset += 1;
    pairs.push([name, value]);
  }
  return pairs;
}

/** Sum of name and value byte lengths (Envoy's HeaderMap::byteSize, what get_header_map_size returns). */
export function headerBytes(pairs: HeaderList): number {
  let n = 0;
  for (const [k, v] of pairs) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}
