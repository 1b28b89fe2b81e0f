// Reusable argument buffers for host calls. Header names and values are encoded here instead of
// into a fresh ArrayBuffer per call: the host copies what it needs before the call returns, so a
// buffer is free again at once, and a hot filter allocates nothing to pass a string.

/** A growable block outside the GC heap; contents valid until the next encode into it. */
export class ScratchBuffer {
  ptr: usize = 0;
  private capacity: usize = 0;

  private reserve(size: usize): void {
    if (size <= this.capacity) return;
    const capacity = max<usize>(size, max<usize>(this.capacity << 1, 64));
    if (this.ptr != 0) heap.free(this.ptr);
    this.ptr = heap.alloc(capacity);
    this.capacity = capacity;
  }

  /** Encodes `text` as UTF-8 at `ptr`; returns the byte length. */
  encode(text: string): usize {
    const chars = <usize>text.length;
    this.reserve(chars);
    const src = changetype<usize>(text);
    // ASCII (nearly every header) in one pass; anything else through the UTF-8 encoder.
    for (let i: usize = 0; i < chars; i++) {
      const c = load<u16>(src + (i << 1));
      if (c >= 0x80) return this.encodeUtf8(text);
      store<u8>(this.ptr + i, <u8>c);
    }
    return chars;
  }

  private encodeUtf8(text: string): usize {
    this.reserve(<usize>String.UTF8.byteLength(text));
    return String.UTF8.encodeUnsafe(changetype<usize>(text), text.length, this.ptr);
  }
}

/** First and second string argument of a host call (e.g. a header's name and value). */
export const FIRST_ARG = new ScratchBuffer();
export const SECOND_ARG = new ScratchBuffer();
