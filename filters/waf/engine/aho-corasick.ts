// Aho–Corasick phrase matcher for @pm / @pmFromFile: case-insensitive (ASCII), on byte strings.
// The trie is built in arrays sized once from the phrases' total length, then frozen into
// exactly-sized flat arrays (first child / next sibling / label / failure / output): CRS's data
// files make ~42,000 states, so growth slack and load-time garbage would cost megabytes per VM.
// The root's transitions are a dense table.
import { lowerByte } from "./bytes";

export class Matcher {
  private firstChild: StaticArray<i32>;
  private nextSibling: StaticArray<i32>;
  private label: StaticArray<u8>;
  private fail: StaticArray<i32>;
  /** Length of the phrase recognised at a state (following failure links), 0 if none. */
  private out: StaticArray<i32>;
  private stateCount: i32 = 1;
  private root: StaticArray<i32> = new StaticArray<i32>(256);
  /** The phrase found by the last successful find(), for capture. */
  lastMatch: string = "";
  phraseCount: i32 = 0;

  /** Room for `maxChars` phrase characters in total (each adds at most one state); see addPhrase. */
  constructor(maxChars: i32) {
    const capacity = maxChars + 1;
    this.firstChild = new StaticArray<i32>(capacity);
    this.nextSibling = new StaticArray<i32>(capacity);
    this.label = new StaticArray<u8>(capacity);
    this.fail = new StaticArray<i32>(capacity);
    this.out = new StaticArray<i32>(capacity);
    unchecked(this.firstChild[0] = -1);
    unchecked(this.nextSibling[0] = -1);
  }

  static of(phrases: string[]): Matcher {
    let chars = 0;
    for (let i = 0; i < phrases.length; i++) chars += phrases[i].length;
    const m = new Matcher(chars);
    for (let i = 0; i < phrases.length; i++) m.addPhrase(phrases[i], 0, phrases[i].length);
    m.build();
    return m;
  }

  private child(state: i32, c: i32): i32 {
    let k = unchecked(this.firstChild[state]);
    while (k >= 0) {
      if (<i32>unchecked(this.label[k]) == c) return k;
      k = unchecked(this.nextSibling[k]);
    }
    return -1;
  }

  /** Adds text[from, to) as a phrase (read in place: no substring). */
  addPhrase(text: string, from: i32, to: i32): void {
    if (to <= from) return;
    let state = 0;
    for (let i = from; i < to; i++) {
      const c = lowerByte(text.charCodeAt(i)) & 0xff;
      let next = this.child(state, c);
      if (next < 0) {
        next = this.stateCount++;
        this.label[next] = <u8>c;
        this.firstChild[next] = -1;
        this.nextSibling[next] = this.firstChild[state];
        this.firstChild[state] = next;
      }
      state = next;
    }
    this.out[state] = to - from;
    this.phraseCount++;
  }

  /** Computes failure links and shrinks the arrays to the states used; call once after the last addPhrase. */
  build(): void {
    const n = this.stateCount;
    this.firstChild = exactI32(this.firstChild, n);
    this.nextSibling = exactI32(this.nextSibling, n);
    this.fail = exactI32(this.fail, n);
    this.out = exactI32(this.out, n);
    const label = new StaticArray<u8>(n);
    memory.copy(changetype<usize>(label), changetype<usize>(this.label), <usize>n);
    this.label = label;
    for (let c = 0; c < 256; c++) unchecked(this.root[c] = 0);
    // Breadth-first order in one array of the exact size (every state but the root enters once).
    const queue = new StaticArray<i32>(n);
    let tail = 0;
    let k = this.firstChild[0];
    while (k >= 0) {
      unchecked(this.root[this.label[k]] = k);
      queue[tail++] = k;
      k = this.nextSibling[k];
    }
    let head = 0;
    while (head < tail) {
      const state = unchecked(queue[head++]);
      let child = this.firstChild[state];
      while (child >= 0) {
        const c = <i32>this.label[child];
        let f = this.fail[state];
        let target = 0;
        while (true) {
          const t = f == 0 ? unchecked(this.root[c]) : this.child(f, c);
          if (t > 0 && t != child) { target = t; break; }
          if (f == 0) break;
          f = this.fail[f];
        }
        this.fail[child] = target;
        if (this.out[child] == 0) this.out[child] = this.out[target];
        queue[tail++] = child;
        child = this.nextSibling[child];
      }
    }
  }

  /** True if any phrase occurs in `s`; sets lastMatch. */
  find(s: string): bool {
    let state = 0;
    const len = s.length;
    const p = changetype<usize>(s);
    for (let i = 0; i < len; i++) {
      const c = lowerByte(load<u16>(p + (<usize>i << 1))) & 0xff;
      while (true) {
        if (state == 0) { state = unchecked(this.root[c]); break; }
        const t = this.child(state, c);
        if (t >= 0) { state = t; break; }
        state = unchecked(this.fail[state]);
      }
      const found = unchecked(this.out[state]);
      if (found > 0) {
        this.lastMatch = s.substring(i + 1 - found, i + 1);
        return true;
      }
    }
    return false;
  }
}

function exactI32(a: StaticArray<i32>, n: i32): StaticArray<i32> {
  if (a.length == n) return a;
  const b = new StaticArray<i32>(n);
  memory.copy(changetype<usize>(b), changetype<usize>(a), <usize>n << 2);
  return b;
}
