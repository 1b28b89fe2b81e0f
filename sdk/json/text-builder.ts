// Builds a string from pieces in one growable UTF-16 buffer. A managed array of string parts
// would be re-scanned by the incremental GC's write barrier on every push while a collection
// is marking (quadratic on big outputs); a plain buffer holds no references, so it is not.

export class TextBuilder {
  private buffer: ArrayBuffer;
  private length: i32 = 0; // in UTF-16 code units

  constructor(capacity: i32 = 64) {
    this.buffer = new ArrayBuffer(max(capacity, 16) << 1);
  }

  private reserve(extra: i32): void {
    const needed = (this.length + extra) << 1;
    if (needed <= this.buffer.byteLength) return;
    let capacity = this.buffer.byteLength << 1;
    while (capacity < needed) capacity <<= 1;
    const grown = new ArrayBuffer(capacity);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.buffer), <usize>(this.length << 1));
    this.buffer = grown;
  }

  append(text: string): TextBuilder {
    const n = text.length;
    this.reserve(n);
    memory.copy(changetype<usize>(this.buffer) + (<usize>this.length << 1), changetype<usize>(text), <usize>n << 1);
    this.length += n;
    return this;
  }

  /** Appends text.substring(start, end) without allocating the substring. */
  appendRange(text: string, start: i32, end: i32): TextBuilder {
    const n = end - start;
    if (n <= 0) return this;
    this.reserve(n);
    memory.copy(changetype<usize>(this.buffer) + (<usize>this.length << 1), changetype<usize>(text) + (<usize>start << 1), <usize>n << 1);
    this.length += n;
    return this;
  }

  appendCharCode(code: i32): TextBuilder {
    this.reserve(1);
    store<u16>(changetype<usize>(this.buffer) + (<usize>this.length << 1), <u16>code);
    this.length++;
    return this;
  }

  /** Appends UTF-8 bytes [ptr, ptr+size) decoded (the caller has validated them). */
  appendUtf8(ptr: usize, size: usize): TextBuilder {
    if (size == 0) return this;
    return this.append(String.UTF8.decodeUnsafe(ptr, size));
  }

  get size(): i32 {
    return this.length;
  }

  toString(): string {
    return String.UTF16.decodeUnsafe(changetype<usize>(this.buffer), <usize>this.length << 1);
  }
}
