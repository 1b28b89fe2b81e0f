// The ABI's serialized header map: u32 count, then (u32 name length, u32 value length) per pair,
// then each name and value followed by a NUL byte. All integers little-endian.
import type { HeaderList } from "./api.ts";
import { decodeUtf8, encodeUtf8Into, utf8Length } from "./utf8.ts";

/** Bytes the serialized form of `pairs` takes. */
export function serializedPairsSize(pairs: HeaderList): number {
  let size = 4 + 8 * pairs.length;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    size += utf8Length(pair[0]) + utf8Length(pair[1]) + 2;
  }
  return size;
}

/** Writes the serialized form of `pairs` at `target[offset]`, which has serializedPairsSize(pairs) bytes of room. */
export function writePairs(pairs: HeaderList, target: Uint8Array, offset: number): void {
  const count = pairs.length;
  writeU32(target, offset, count);
  let sizes = offset + 4;
  let data = sizes + 8 * count;
  for (let i = 0; i < count; i++) {
    const pair = pairs[i]!;
    const nameLength = encodeUtf8Into(pair[0], target, data);
    data += nameLength;
    target[data++] = 0;
    const valueLength = encodeUtf8Into(pair[1], target, data);
    data += valueLength;
    target[data++] = 0;
    writeU32(target, sizes, nameLength);
    writeU32(target, sizes + 4, valueLength);
    sizes += 8;
  }
}

export function serializePairs(pairs: HeaderList): Uint8Array {
  const out = new Uint8Array(serializedPairsSize(pairs));
  writePairs(pairs, out, 0);
  return out;
}

function writeU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value & 0xff;
  target[offset + 1] = (value >>> 8) & 0xff;
  target[offset + 2] = (value >>> 16) & 0xff;
  target[offset + 3] = value >>> 24;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

export class PairsFormatError extends Error {}

/**
 * Parses a serialized map. Envoy's PairsUtil::toPairs returns an empty list for malformed input;
 * this throws a PairsFormatError saying where it is malformed instead (the host logs it and
 * answers as Envoy does).
 */
export function deserializePairs(bytes: Uint8Array): HeaderList {
  const length = bytes.byteLength;
  if (length === 0) return [];
  if (length < 4) throw new PairsFormatError(`serialized map of ${length} bytes is shorter than its 4-byte count`);
  const count = readU32(bytes, 0);
  if (count > (length - 4) / 8) throw new PairsFormatError(`serialized map declares ${count} pairs but has only ${length} bytes`);
  const pairs: HeaderList = new Array(count);
  let sizes = 4;
  let offset = 4 + 8 * count;
  for (let i = 0; i < count; i++) {
    const nameLen = readU32(bytes, sizes);
    const valueLen = readU32(bytes, sizes + 4);
    sizes += 8;
    if (offset + nameLen + 1 + valueLen + 1 > length) {
      throw new PairsFormatError(`pair ${i} (name ${nameLen} bytes, value ${valueLen} bytes) runs past the end of the ${length}-byte map at offset ${offset}`);
    }
    const name = decodeUtf8(bytes, offset, offset + nameLen);
    offset += nameLen;
    if (bytes[offset] !== 0) throw new PairsFormatError(`pair ${i}: name not NUL-terminated at offset ${offset}`);
    offset += 1;
    const value = decodeUtf8(bytes, offset, offset + valueLen);
    offset += valueLen;
    if (bytes[offset] !== 0) throw new PairsFormatError(`pair ${i}: value not NUL-terminated at offset ${offset}`);
    offset += 1;
    pairs[i] = [name, value];
  }
  return pairs;
}

/** Sum of name and value byte lengths (Envoy's HeaderMap::byteSize, what get_header_map_size returns). */
export function headerBytes(pairs: HeaderList): number {
  let n = 0;
  for (let i = 0; i < pairs.length; i++) n += utf8Length(pairs[i]![0]) + utf8Length(pairs[i]![1]);
  return n;
}
