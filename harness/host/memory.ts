// Bounds-checked access to one module instance's linear memory. Every pointer the module passes is
// checked here, so a bad pointer becomes InvalidMemoryAccess instead of a host crash.
import type { HeaderList } from "./api.ts";
import { serializedPairsSize, writePairs } from "./pairs.ts";
import { decodeLowerCase, decodeUtf8, encodeUtf8Into, utf8Length } from "./utf8.ts";

export { decodeUtf8, encodeUtf8 } from "./utf8.ts";

export class GuestMemory {
  private bytesView: Uint8Array;
  private dataView: DataView;

  constructor(
    private readonly memory: WebAssembly.Memory,
    /** The module's allocator (malloc or proxy_on_memory_allocate); returns 0 on failure. */
    private readonly allocate: (size: number) => number,
  ) {
    this.bytesView = new Uint8Array(memory.buffer);
    this.dataView = new DataView(memory.buffer);
  }

  /** Growing memory detaches the old buffer (its views read as empty): refresh lazily then. */
  private refresh(): void {
    if (this.bytesView.byteLength === 0) {
      this.bytesView = new Uint8Array(this.memory.buffer);
      this.dataView = new DataView(this.memory.buffer);
    }
  }

  private inBounds(ptr: number, size: number): boolean {
    this.refresh();
    return ptr + size <= this.bytesView.byteLength;
  }

  /** A view of `size` bytes at `ptr` (valid until the next call into the module), or null. */
  view(ptr: number, size: number): Uint8Array | null {
    ptr >>>= 0; size >>>= 0;
    if (!this.inBounds(ptr, size)) return null;
    return this.bytesView.subarray(ptr, ptr + size);
  }

  /** A copy of `size` bytes at `ptr`, or null. */
  copy(ptr: number, size: number): Uint8Array | null {
    ptr >>>= 0; size >>>= 0;
    if (!this.inBounds(ptr, size)) return null;
    return this.bytesView.slice(ptr, ptr + size);
  }

  /** The UTF-8 text of `size` bytes at `ptr`, or null. */
  string(ptr: number, size: number): string | null {
    ptr >>>= 0; size >>>= 0;
    if (!this.inBounds(ptr, size)) return null;
    return decodeUtf8(this.bytesView, ptr, ptr + size);
  }

  /** The text at `ptr` lower-cased, as Envoy stores header names; or null. */
  headerName(ptr: number, size: number): string | null {
    ptr >>>= 0; size >>>= 0;
    if (!this.inBounds(ptr, size)) return null;
    return decodeLowerCase(this.bytesView, ptr, ptr + size);
  }

  setU32(ptr: number, value: number): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 4)) return false;
    this.dataView.setUint32(ptr, value >>> 0, true);
    return true;
  }

  getU32(ptr: number): number | null {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 4)) return null;
    return this.dataView.getUint32(ptr, true);
  }

  setU64(ptr: number, value: bigint): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 8)) return false;
    this.dataView.setBigUint64(ptr, BigInt.asUintN(64, value), true);
    return true;
  }

  setBytes(ptr: number, bytes: Uint8Array): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, bytes.byteLength)) return false;
    this.bytesView.set(bytes, ptr);
    return true;
  }

  /**
   * Envoy's copyToPointerSize: allocate in the module, copy `data`, write pointer and size
   * (pointer 0 for empty data). False when allocation or a write fails.
   */
  copyOut(data: Uint8Array, ptrPtr: number, sizePtr: number): boolean {
    let pointer = 0;
    if (data.byteLength > 0) {
      pointer = this.allocate(data.byteLength) >>> 0;
      if (pointer === 0 || !this.setBytes(pointer, data)) return false;
    }
    return this.setU32(ptrPtr, pointer) && this.setU32(sizePtr, data.byteLength);
  }

  /** copyOut of `text` as UTF-8, encoded straight into the module's allocation. */
  copyOutString(text: string, ptrPtr: number, sizePtr: number): boolean {
    const size = utf8Length(text);
    const pointer = this.allocateFor(size);
    if (pointer < 0) return false;
    if (size > 0) encodeUtf8Into(text, this.bytesView, pointer);
    return this.setU32(ptrPtr, pointer) && this.setU32(sizePtr, size);
  }

  /** copyOut of a header map in the ABI's serialized form (nothing for an empty map), written in place. */
  copyOutPairs(pairs: HeaderList, ptrPtr: number, sizePtr: number): boolean {
    const size = pairs.length === 0 ? 0 : serializedPairsSize(pairs);
    const pointer = this.allocateFor(size);
    if (pointer < 0) return false;
    if (size > 0) writePairs(pairs, this.bytesView, pointer);
    return this.setU32(ptrPtr, pointer) && this.setU32(sizePtr, size);
  }

  /** A module allocation of `size` bytes that lies in bounds (0 for nothing), or -1. */
  private allocateFor(size: number): number {
    if (size === 0) return 0;
    const pointer = this.allocate(size) >>> 0;
    // The allocator may have grown memory: inBounds refreshes the views first.
    if (pointer === 0 || !this.inBounds(pointer, size)) return -1;
    return pointer;
  }
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  if (b.byteLength === 0) return a;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

export const EMPTY_BYTES = new Uint8Array(0);
