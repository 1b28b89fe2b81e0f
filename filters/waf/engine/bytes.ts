// Byte strings: the engine keeps request data as strings whose every UTF-16 unit holds one byte
// (0-255), as ModSecurity works on raw bytes. Helpers convert at the edges.

/** A string of `len` uninitialised units, filled by the caller with store<u16>. */
export function allocString(len: i32): string {
  return changetype<string>(__new(<usize>len << 1, idof<string>()));
}

export function bytesToString(bytes: Uint8Array): string {
  const len = bytes.length;
  const out = allocString(len);
  const dst = changetype<usize>(out);
  const src = bytes.dataStart;
  for (let i = 0; i < len; i++) store<u16>(dst + (<usize>i << 1), load<u8>(src + <usize>i));
  return out;
}

export function bufferToString(buffer: ArrayBuffer): string {
  return bytesToString(Uint8Array.wrap(buffer));
}

/** The bytes of a byte string (units above 255 are truncated: they never occur in byte strings). */
export function stringToBytes(s: string): Uint8Array {
  const len = s.length;
  const out = new Uint8Array(len);
  const src = changetype<usize>(s);
  const dst = out.dataStart;
  for (let i = 0; i < len; i++) store<u8>(dst + <usize>i, <u8>load<u16>(src + (<usize>i << 1)));
  return out;
}

/** UTF-16 text (e.g. from JSON config) as a byte string of its UTF-8 encoding. */
export function textToByteString(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) { ascii = false; break; }
  if (ascii) return text;
  return bufferToString(String.UTF8.encode(text));
}

/** A byte string holding UTF-8 as readable UTF-16 text (for JSON logs). */
export function byteStringToText(s: string): string {
  return String.UTF8.decode(stringToBytes(s).buffer);
}

@inline export function isSpace(c: i32): bool {
  return c == 32 || (c >= 9 && c <= 13);
}

@inline export function lowerByte(c: i32): i32 {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** ASCII lower-casing only, as ModSecurity's t:lowercase (bytes above 127 unchanged). */
export function asciiLower(s: string): string {
  const len = s.length;
  let i = 0;
  for (; i < len; i++) { const c = s.charCodeAt(i); if (c >= 65 && c <= 90) break; }
  if (i == len) return s;
  const out = allocString(len);
  const src = changetype<usize>(s);
  const dst = changetype<usize>(out);
  for (let j = 0; j < len; j++) store<u16>(dst + (<usize>j << 1), <u16>lowerByte(load<u16>(src + (<usize>j << 1))));
  return out;
}

export function asciiUpper(s: string): string {
  const len = s.length;
  const out = allocString(len);
  for (let j = 0; j < len; j++) {
    const c = s.charCodeAt(j);
    store<u16>(changetype<usize>(out) + (<usize>j << 1), <u16>(c >= 97 && c <= 122 ? c - 32 : c));
  }
  return out;
}

export function equalsIgnoreCase(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (lowerByte(a.charCodeAt(i)) != lowerByte(b.charCodeAt(i))) return false;
  return true;
}

/** Growable byte-string builder (String concatenation in loops is quadratic). */
export class ByteBuilder {
  private buf: Uint16Array;
  length: i32 = 0;

  constructor(capacity: i32 = 64) {
    this.buf = new Uint16Array(max(capacity, 8));
  }

  push(c: i32): void {
    if (this.length == this.buf.length) {
      const bigger = new Uint16Array(this.buf.length << 1);
      memory.copy(bigger.dataStart, this.buf.dataStart, <usize>this.length << 1);
      this.buf = bigger;
    }
    unchecked(this.buf[this.length++] = <u16>c);
  }

  append(s: string): void {
    for (let i = 0; i < s.length; i++) this.push(s.charCodeAt(i));
  }

  /** Appends s[from, to). */
  appendRange(s: string, from: i32, to: i32): void {
    const n = to - from;
    if (n <= 0) return;
    let cap = this.buf.length;
    if (this.length + n > cap) {
      while (this.length + n > cap) cap <<= 1;
      const bigger = new Uint16Array(cap);
      memory.copy(bigger.dataStart, this.buf.dataStart, <usize>this.length << 1);
      this.buf = bigger;
    }
    memory.copy(this.buf.dataStart + (<usize>this.length << 1), changetype<usize>(s) + (<usize>from << 1), <usize>n << 1);
    this.length += n;
  }

  toString(): string {
    const out = allocString(this.length);
    memory.copy(changetype<usize>(out), this.buf.dataStart, <usize>this.length << 1);
    return out;
  }
}

/**
 * s.indexOf(search, from) (JavaScript's meaning, for an empty search too) by a scan for the first
 * unit: AssemblyScript's String#indexOf calls a general comparison at every position.
 */
export function findText(s: string, search: string, from: i32 = 0): i32 {
  const n = s.length;
  const m = search.length;
  const start = min(max(from, 0), n);
  if (m == 0) return start;
  const last = n - m;
  const hay = changetype<usize>(s);
  const needle = changetype<usize>(search);
  const first = load<u16>(needle);
  for (let i = start; i <= last; i++) {
    const at = hay + (<usize>i << 1);
    if (load<u16>(at) != first) continue;
    let k = 1;
    while (k < m && load<u16>(at + (<usize>k << 1)) == load<u16>(needle + (<usize>k << 1))) k++;
    if (k == m) return i;
  }
  return -1;
}
