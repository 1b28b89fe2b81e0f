// Finds the first occurrence of any of a few literal strings, Horspool style: the window moves by
// up to the shortest literal's length per step, so inputs without the literals are rejected
// while looking at a fraction of their bytes.
import { Literals } from "./literals";

export class Prefilter {
  private readonly bytes: StaticArray<u8>;
  private readonly starts: StaticArray<i32>;
  private readonly lengths: StaticArray<i32>;
  private readonly count: i32;
  /** Length of the window: the shortest literal. */
  readonly window: i32;
  private readonly shift: StaticArray<i32> = new StaticArray<i32>(256);
  /** fold[b]: b in lower case when comparing without case, else b. */
  private readonly fold: StaticArray<u8> = new StaticArray<u8>(256);
  /** Literals whose window ends with byte b: first[b] then chain through next[] (-1 ends). */
  private readonly first: StaticArray<i32> = new StaticArray<i32>(256);
  private readonly next: StaticArray<i32>;

  constructor(literals: Literals) {
    const list = literals.list;
    let total = 0;
    for (let i = 0; i < list.length; i++) total += list[i].length;
    this.bytes = new StaticArray<u8>(total);
    this.starts = new StaticArray<i32>(list.length);
    this.lengths = new StaticArray<i32>(list.length);
    this.count = list.length;
    this.next = new StaticArray<i32>(list.length);
    let at = 0;
    let m = i32.MAX_VALUE;
    for (let i = 0; i < list.length; i++) {
      this.starts[i] = at;
      this.lengths[i] = list[i].length;
      for (let k = 0; k < list[i].length; k++) this.bytes[at++] = list[i][k];
      m = min(m, list[i].length);
    }
    this.window = m;
    for (let b = 0; b < 256; b++) this.fold[b] = <u8>(literals.caseless && b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
    for (let b = 0; b < 256; b++) { this.shift[b] = m; this.first[b] = -1; }
    for (let i = list.length - 1; i >= 0; i--) {
      const lit = list[i];
      for (let k = 0; k < m - 1; k++) this.shift[lit[k]] = min(this.shift[lit[k]], m - 1 - k);
      this.next[i] = this.first[lit[m - 1]];
      this.first[lit[m - 1]] = i;
    }
  }

  /** Start of the first occurrence (at or after `from`) of any literal, or -1. */
  find(input: usize, len: i32, from: i32): i32 {
    const m = this.window;
    const shift = changetype<usize>(this.shift);
    const fold = changetype<usize>(this.fold);
    const first = changetype<usize>(this.first);
    let p = from + m - 1;
    while (p < len) {
      const c = load<u8>(fold + <usize>load<u8>(input + <usize>p));
      const candidate = load<i32>(first + (<usize>c << 2));
      if (candidate >= 0) {
        const at = p - m + 1;
        if (this.matchesAt(input, len, at, candidate)) return at;
      }
      p += load<i32>(shift + (<usize>c << 2));
    }
    return -1;
  }

  /** Whether one of the literals in the chain starting at `i` occurs at `at`. */
  private matchesAt(input: usize, len: i32, at: i32, i: i32): bool {
    const fold = changetype<usize>(this.fold);
    const bytes = changetype<usize>(this.bytes);
    for (; i >= 0; i = unchecked(this.next[i])) {
      const n = unchecked(this.lengths[i]);
      if (at + n > len) continue;
      const lit = bytes + <usize>unchecked(this.starts[i]);
      let k = 0;
      while (k < n && load<u8>(fold + <usize>load<u8>(input + <usize>(at + k))) == load<u8>(lit + <usize>k)) k++;
      if (k == n) return true;
    }
    return false;
  }
}
