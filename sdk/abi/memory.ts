// Memory exchange with the host. The host returns data by calling this module's `malloc` export,
// writing into that block and storing (pointer, size) into slots we pass. Those blocks are raw
// heap allocations the GC does not track, so every reader copies them into a managed
// ArrayBuffer and frees the block at once.

/** Return slots the host writes into (pointer, size, extra u32 / u64). Static, never collected. */
export const RETURN_DATA: usize = memory.data(8, 8);
export const RETURN_SIZE: usize = memory.data(8, 8);
export const RETURN_EXTRA: usize = memory.data(8, 8);

/** Allocates `size` bytes for the host (exported as `malloc` and `proxy_on_memory_allocate`). */
export function allocateForHost(size: usize): usize {
  return heap.alloc(size);
}

/** Copies a host-allocated block into a managed buffer and frees the block. */
export function takeHostBlock(ptr: usize, size: usize): ArrayBuffer {
  const out = new ArrayBuffer(<i32>size);
  if (ptr != 0) {
    if (size > 0) memory.copy(changetype<usize>(out), ptr, size);
    heap.free(ptr);
  }
  return out;
}

/** Clears the (data, size) return slots before a host call. */
export function clearReturnSlots(): void {
  store<usize>(RETURN_DATA, 0);
  store<usize>(RETURN_SIZE, 0);
  store<u64>(RETURN_EXTRA, 0);
}

/** Takes the block the host returned through RETURN_DATA/RETURN_SIZE. */
export function takeReturnedBytes(): ArrayBuffer {
  const ptr = load<usize>(RETURN_DATA);
  const size = load<usize>(RETURN_SIZE);
  store<usize>(RETURN_DATA, 0);
  store<usize>(RETURN_SIZE, 0);
  return takeHostBlock(ptr, size);
}

/** The block the host returned, decoded as UTF-8 straight from it (no intermediate copy), then freed. */
export function takeReturnedString(): string {
  const ptr = load<usize>(RETURN_DATA);
  const size = load<usize>(RETURN_SIZE);
  store<usize>(RETURN_DATA, 0);
  store<usize>(RETURN_SIZE, 0);
  if (ptr == 0) return "";
  const text = size > 0 ? decodeUtf8(ptr, size) : "";
  heap.free(ptr);
  return text;
}

/** UTF-8 at `ptr` as a string: ASCII (nearly every header value) is widened eight bytes at a time. */
export function decodeUtf8(ptr: usize, size: usize): string {
  let i: usize = 0;
  while (i + 8 <= size) {
    if ((load<u64>(ptr + i) & 0x8080808080808080) != 0) return String.UTF8.decodeUnsafe(ptr, size);
    i += 8;
  }
  for (; i < size; i++) if (load<u8>(ptr + i) >= 0x80) return String.UTF8.decodeUnsafe(ptr, size);
  // @ts-ignore: __new is the runtime's allocator, absent from the type declarations tsc reads.
  const out = __new(size << 1, idof<String>());
  i = 0;
  while (i + 4 <= size) {
    let x = <u64>load<u32>(ptr + i);
    x = (x | (x << 16)) & 0x0000ffff0000ffff;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ff;
    store<u64>(out + (i << 1), x);
    i += 4;
  }
  for (; i < size; i++) store<u16>(out + (i << 1), <u16>load<u8>(ptr + i));
  return changetype<string>(out);
}

/** Frees a block the host returned that we do not need (keeps memory from leaking). */
export function discardReturnedBytes(): void {
  const ptr = load<usize>(RETURN_DATA);
  if (ptr != 0) heap.free(ptr);
  store<usize>(RETURN_DATA, 0);
  store<usize>(RETURN_SIZE, 0);
}

@inline export function ptrOf(buffer: ArrayBuffer): usize {
  return changetype<usize>(buffer);
}

@inline export function lenOf(buffer: ArrayBuffer): usize {
  return <usize>buffer.byteLength;
}

/** UTF-8 bytes of `text` (no terminator). */
@inline export function utf8Bytes(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

/** One header (or metadata) entry: name and value as text. */
export class HeaderPair {
  constructor(public name: string, public value: string) {}
}

/**
 * Serializes header pairs the ABI's way: u32 count, then (u32 name length, u32 value length)
 * per pair, then each name and value followed by a NUL byte. All integers little-endian.
 */
export function serializeHeaderPairs(pairs: HeaderPair[]): ArrayBuffer {
  const n = pairs.length;
  const names = new Array<ArrayBuffer>(n);
  const values = new Array<ArrayBuffer>(n);
  let total: i32 = 4 + n * 8;
  for (let i = 0; i < n; i++) {
    const name = utf8Bytes(pairs[i].name);
    const value = utf8Bytes(pairs[i].value);
    names[i] = name;
    values[i] = value;
    total += name.byteLength + value.byteLength + 2;
  }
  const out = new ArrayBuffer(total);
  const base = changetype<usize>(out);
  store<u32>(base, <u32>n);
  let cursor = base + 4 + <usize>n * 8;
  for (let i = 0; i < n; i++) {
    const name = names[i];
    const value = values[i];
    store<u32>(base + 4 + <usize>i * 8, <u32>name.byteLength);
    store<u32>(base + 8 + <usize>i * 8, <u32>value.byteLength);
    memory.copy(cursor, changetype<usize>(name), <usize>name.byteLength);
    cursor += <usize>name.byteLength;
    store<u8>(cursor, 0);
    cursor += 1;
    memory.copy(cursor, changetype<usize>(value), <usize>value.byteLength);
    cursor += <usize>value.byteLength;
    store<u8>(cursor, 0);
    cursor += 1;
  }
  return out;
}

/**
 * Parses the ABI's serialized header map. Malformed input (a truncated or inconsistent map)
 * yields the pairs that were complete, never reads past the buffer.
 */
export function deserializeHeaderPairs(buffer: ArrayBuffer): HeaderPair[] {
  const out = new Array<HeaderPair>();
  const size = <usize>buffer.byteLength;
  if (size < 4) return out;
  const base = changetype<usize>(buffer);
  const count = <usize>load<u32>(base);
  if (count > (size - 4) / 8) return out;
  let cursor = base + 4 + count * 8;
  const end = base + size;
  for (let i: usize = 0; i < count; i++) {
    const nameLen = <usize>load<u32>(base + 4 + i * 8);
    const valueLen = <usize>load<u32>(base + 8 + i * 8);
    if (nameLen + valueLen + 2 > end - cursor) break;
    const name = String.UTF8.decodeUnsafe(cursor, nameLen);
    cursor += nameLen + 1;
    const value = String.UTF8.decodeUnsafe(cursor, valueLen);
    cursor += valueLen + 1;
    out.push(new HeaderPair(name, value));
  }
  return out;
}

/** A property path as the ABI expects it: segments joined by NUL bytes. */
export function serializePropertyPath(path: string[]): ArrayBuffer {
  let joined = "";
  for (let i = 0; i < path.length; i++) {
    if (i > 0) joined += "\0";
    joined += path[i];
  }
  return utf8Bytes(joined);
}
