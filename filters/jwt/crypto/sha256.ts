// SHA-256 (FIPS 180-4). One-shot digest; JWT signing inputs are small and hashed once each.

import { sha256Compress } from "./sha256-compress";

const H256: usize = memory.data(32, 16);

function compress256(block: usize): void {
  sha256Compress(H256, block);
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

/**
 * The SHA-256 state after absorbing one 64-byte block from the initial value: HMAC's key pads
 * are fixed per key, so their compression is done once and resumed for every message.
 */
export function sha256BlockState(block: Uint8Array): StaticArray<u32> {
  const state = new StaticArray<u32>(8);
  const p = changetype<usize>(state);
  store<u32>(p, 0x6a09e667); store<u32>(p, 0xbb67ae85, 4); store<u32>(p, 0x3c6ef372, 8); store<u32>(p, 0xa54ff53a, 12);
  store<u32>(p, 0x510e527f, 16); store<u32>(p, 0x9b05688c, 20); store<u32>(p, 0x1f83d9ab, 24); store<u32>(p, 0x5be0cd19, 28);
  sha256Compress(p, block.dataStart);
  return state;
}

/** SHA-256 of (the 64 bytes `state` absorbed) ‖ data, resuming from `state` (left unchanged). */
export function sha256Resume(state: StaticArray<u32>, ptr: usize, len: i32): Uint8Array {
  memory.copy(H256, changetype<usize>(state), 32);
  const full = len & ~63;
  for (let off = 0; off < full; off += 64) compress256(ptr + <usize>off);
  const rest = len - full;
  const tail = TAIL256;
  memory.fill(tail, 0, 128);
  memory.copy(tail, ptr + <usize>full, <usize>rest);
  store<u8>(tail + <usize>rest, 0x80);
  const tailLen = rest < 56 ? 64 : 128;
  store<u64>(tail + <usize>tailLen - 8, bswap<u64>((<u64>(len + 64)) << 3));
  compress256(tail);
  if (tailLen == 128) compress256(tail + 64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) store<u32>(out.dataStart + (<usize>i << 2), bswap<u32>(load<u32>(H256 + (<usize>i << 2))));
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  return sha256Raw(data.dataStart, data.length);
}
