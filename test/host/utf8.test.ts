// The host's UTF-8 fast paths (byte loops, the short-string cache, encoding in place) must give
// exactly what TextDecoder/TextEncoder give, for ASCII, non-ASCII, malformed bytes and lone
// surrogates alike, and header maps must round-trip through the serialized form.
import { describe, expect, it } from "vitest";
import type { HeaderList } from "../../harness/host/api.ts";
import { deserializePairs, serializePairs } from "../../harness/host/pairs.ts";
import { decodeLowerCase, decodeUtf8, encodeUtf8, encodeUtf8Into, utf8Length } from "../../harness/host/utf8.ts";
import { seededRandom } from "../support/random.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Byte strings mixing ASCII (upper and lower case), multi-byte UTF-8, and malformed sequences. */
function randomBytes(random: () => number, maxLength: number): Uint8Array {
  const pieces = [0x41, 0x5a, 0x61, 0x7a, 0x2d, 0x30, 0x7f, 0x00, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff];
  const length = Math.floor(random() * (maxLength + 1));
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random() < 0.7 ? 0x20 + Math.floor(random() * 0x5f) : pieces[Math.floor(random() * pieces.length)]!;
  return bytes;
}

/** Strings with ASCII, BMP and astral characters, and lone surrogates. */
function randomText(random: () => number, maxLength: number): string {
  const units = ["a", "Z", "-", "é", "€", "😀", "\ud800", "\udfff", "İ", "ß", "\u0000"];
  let text = "";
  const length = Math.floor(random() * (maxLength + 1));
  for (let i = 0; i < length; i++) text += random() < 0.7 ? String.fromCharCode(0x20 + Math.floor(random() * 0x5f)) : units[Math.floor(random() * units.length)]!;
  return text;
}

describe("UTF-8 fast paths", () => {
  it("decode exactly as TextDecoder does, inside a larger buffer, repeatedly (cache hits and misses)", () => {
    const random = seededRandom(0x5eed);
    const samples = Array.from({ length: 400 }, () => randomBytes(random, random() < 0.8 ? 40 : 200));
    for (let pass = 0; pass < 3; pass++) {
      for (const bytes of samples) {
        const framed = new Uint8Array(bytes.length + 7);
        framed.set(bytes, 3);
        expect(decodeUtf8(framed, 3, 3 + bytes.length)).toBe(decoder.decode(bytes));
        expect(decodeLowerCase(framed, 3, 3 + bytes.length)).toBe(decoder.decode(bytes).toLowerCase());
      }
    }
  });

  it("tell apart strings that share a cache slot or differ only in case", () => {
    const names = Array.from({ length: 5000 }, (_, i) => `x-header-${i}`);
    for (let pass = 0; pass < 2; pass++) {
      for (const name of names) expect(decodeUtf8(encoder.encode(name))).toBe(name);
    }
    const upper = encoder.encode("X-Mixed-Case");
    expect(decodeUtf8(upper)).toBe("X-Mixed-Case");
    expect(decodeLowerCase(upper, 0, upper.length)).toBe("x-mixed-case");
    expect(decodeUtf8(upper)).toBe("X-Mixed-Case");
  });

  it("encode exactly as TextEncoder does, with the length utf8Length predicts", () => {
    const random = seededRandom(0xc0de);
    for (let i = 0; i < 300; i++) {
      const text = randomText(random, i % 10 === 0 ? 300 : 30);
      const expected = encoder.encode(text);
      expect(utf8Length(text)).toBe(expected.length);
      expect(encodeUtf8(text)).toEqual(expected);
      const target = new Uint8Array(expected.length + 4).fill(0xee);
      expect(encodeUtf8Into(text, target, 2)).toBe(expected.length);
      expect(target.subarray(2, 2 + expected.length)).toEqual(expected);
      expect([target[0], target[1], target[expected.length + 2], target[expected.length + 3]]).toEqual([0xee, 0xee, 0xee, 0xee]);
    }
  });

  it("serialize header maps byte-for-byte as the ABI lays them out, and read them back", () => {
    const random = seededRandom(0xabcd);
    for (let i = 0; i < 100; i++) {
      const pairs: HeaderList = Array.from({ length: Math.floor(random() * 12) }, () => [randomText(random, 20), randomText(random, 40)]);
      const bytes = serializePairs(pairs);
      // The reference layout: count, (name length, value length) per pair, then NUL-terminated names and values.
      const encoded = pairs.map(([n, v]) => [encoder.encode(n), encoder.encode(v)] as const);
      const reference: number[] = [];
      const u32 = (n: number) => reference.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
      u32(pairs.length);
      for (const [n, v] of encoded) { u32(n.length); u32(v.length); }
      for (const [n, v] of encoded) reference.push(...n, 0, ...v, 0);
      expect([...bytes]).toEqual(reference);
      expect(deserializePairs(bytes)).toEqual(pairs.map(([n, v]) => [decoder.decode(encoder.encode(n)), decoder.decode(encoder.encode(v))]));
    }
  });
});
