// Finds the first occurrence of any of a few literal strings, in one of two ways:
//   - rare bytes (see rare-bytes.ts): scan 8 bytes at a time for the rarest byte of each literal,
//     check the literals only where one occurs; for short literals or ones with a rare byte;
//   - Horspool: the window moves by up to the shortest literal's length per step, so inputs
//     without the literals are rejected while looking at a fraction of their bytes.
import { Literals } from "./literals";
import { chooseRareBytes, RareBytes } from "./rare-bytes";

const LOW_BITS: u64 = 0x0101010101010101;
const HIGH_BITS: u64 = 0x8080808080808080;

/** Below this many bytes skipped per step on average, the prefilter stops paying for itself. */
const MIN_AVERAGE_SKIP: i32 = 2;

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
  private readonly rare: RareBytes | null;
  /** The rare-byte needles broadcast to all 8 bytes of a word (unused ones repeat the first). */
  private needleWords: StaticArray<u64> = new StaticArray<u64>(3);
  /** isNeedle[b] != 0: b is a needle. */
  private readonly isNeedle: StaticArray<u8> = new StaticArray<u8>(256);
  /** The largest needle offset: no literal starts more than this before a needle. */
  private maxNeedleOffset: i32 = 0;

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
    const rare = chooseRareBytes(literals);
    this.rare = rare;
    if (rare != null) {
      for (let i = 0; i < 3; i++) {
        const b = rare.needles[min(i, rare.needles.length - 1)];
        this.needleWords[i] = LOW_BITS * <u64>b;
      }
      for (let i = 0; i < rare.needles.length; i++) this.isNeedle[rare.needles[i]] = 1;
      for (let i = 0; i < list.length; i++) this.maxNeedleOffset = max(this.maxNeedleOffset, rare.needleOffset[i]);
    }
  }

  /**
   * With rare bytes: a position before which no literal starts and at or after which one does
   * (exactly the first occurrence when one needle offset serves all literals), or -1.
   */
  private findRare(input: usize, len: i32, from: i32): i32 {
    const n0 = unchecked(this.needleWords[0]), n1 = unchecked(this.needleWords[1]), n2 = unchecked(this.needleWords[2]);
    const isNeedle = changetype<usize>(this.isNeedle);
    let q = from;
    while (true) {
      let hit = false;
      while (q + 8 <= len) {
        const w = load<u64>(input + <usize>q);
        const x0 = w ^ n0, x1 = w ^ n1, x2 = w ^ n2;
        // A zero byte in x marks a needle; the lowest flagged byte is always a real one.
        const zeros = (((x0 - LOW_BITS) & ~x0) | ((x1 - LOW_BITS) & ~x1) | ((x2 - LOW_BITS) & ~x2)) & HIGH_BITS;
        if (zeros != 0) { q += <i32>(ctz(zeros) >> 3); hit = true; break; }
        q += 8;
      }
      if (!hit) {
        while (q < len && load<u8>(isNeedle + <usize>load<u8>(input + <usize>q)) == 0) q++;
        if (q >= len) return -1;
      }
      if (this.literalAroundNeedle(input, len, from, q)) return max(from, q - this.maxNeedleOffset);
      q++;
    }
    return -1; // unreachable
  }

  /** Whether a literal whose needle is the byte at q occurs there (starting at or after `from`). */
  private literalAroundNeedle(input: usize, len: i32, from: i32, q: i32): bool {
    const rare = this.rare!;
    const b = unchecked(this.fold[load<u8>(input + <usize>q)]);
    for (let i = 0; i < this.count; i++) {
      if (unchecked(rare.needleByte[i]) != b) continue;
      const at = q - unchecked(rare.needleOffset[i]);
      if (at >= from && this.literalAt(input, len, at, i)) return true;
    }
    return false;
  }

  private literalAt(input: usize, len: i32, at: i32, i: i32): bool {
    const n = unchecked(this.lengths[i]);
    if (at + n > len) return false;
    const fold = changetype<usize>(this.fold);
    const lit = changetype<usize>(this.bytes) + <usize>unchecked(this.starts[i]);
    for (let k = 0; k < n; k++) if (load<u8>(fold + <usize>load<u8>(input + <usize>(at + k))) != load<u8>(lit + <usize>k)) return false;
    return true;
  }

  /**
   * Start of the first occurrence (at or after `from`) of any literal, or -1 if there is none.
   * With rare bytes, possibly a position a little before it (see findRare).
   * When the input defeats the skipping (e.g. a long run of a byte that sits near the end of a
   * literal: shifts of one byte, and often a comparison each), it gives up and returns a position
   * before which no literal starts, so that the caller's automaton, which is then faster, goes on.
   */
  find(input: usize, len: i32, from: i32): i32 {
    if (this.rare != null) return this.findRare(input, len, from);
    const m = this.window;
    const shift = changetype<usize>(this.shift);
    const fold = changetype<usize>(this.fold);
    const first = changetype<usize>(this.first);
    let p = from + m - 1;
    let steps = 0;
    while (p < len) {
      const c = load<u8>(fold + <usize>load<u8>(input + <usize>p));
      const candidate = load<i32>(first + (<usize>c << 2));
      if (candidate >= 0) {
        const at = p - m + 1;
        if (this.matchesAt(input, len, at, candidate)) return at;
      }
      p += load<i32>(shift + (<usize>c << 2));
      // Checked every 64 steps: on average less than two bytes skipped per step is a loss.
      if ((++steps & 63) == 0 && p - from < steps * MIN_AVERAGE_SKIP) return p - m + 1;
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
