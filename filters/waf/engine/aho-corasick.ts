// Aho–Corasick phrase matcher for @pm / @pmFromFile: case-insensitive (ASCII), on byte strings.
// The trie is kept in flat arrays (first child / next sibling / label), which builds quickly for
// the thousands of phrases CRS data files hold; the root's transitions are a dense table.
import { lowerByte } from "./bytes";

export class Matcher {
  private firstChild: i32[] = [-1];
  private nextSibling: i32[] = [-1];
  private label: i32[] = [-1];
  private fail: i32[] = [0];
  /** Length of the phrase recognised at a state (following failure links), 0 if none. */
  private out: i32[] = [0];
  private root: StaticArray<i32> = new StaticArray<i32>(256);
  /** The phrase found by the last successful find(), for capture. */
  lastMatch: string = "";
  phraseCount: i32 = 0;

  constructor(phrases: string[]) {
    for (let i = 0; i < phrases.length; i++) this.add(phrases[i]);
    this.build();
  }

  private child(state: i32, c: i32): i32 {
    let k = unchecked(this.firstChild[state]);
    while (k >= 0) {
      if (unchecked(this.label[k]) == c) return k;
      k = unchecked(this.nextSibling[k]);
    }
    return -1;
  }

  private add(phrase: string): void {
    if (phrase.length == 0) return;
    let state = 0;
    for (let i = 0; i < phrase.length; i++) {
      const c = lowerByte(phrase.charCodeAt(i)) & 0xff;
      let next = this.child(state, c);
      if (next < 0) {
        next = this.label.length;
        this.label.push(c);
        this.firstChild.push(-1);
        this.nextSibling.push(this.firstChild[state]);
        this.firstChild[state] = next;
        this.fail.push(0);
        this.out.push(0);
      }
      state = next;
    }
    this.out[state] = phrase.length;
    this.phraseCount++;
  }

  private build(): void {
    for (let c = 0; c < 256; c++) unchecked(this.root[c] = 0);
    const queue: i32[] = [];
    let k = this.firstChild[0];
    while (k >= 0) {
      unchecked(this.root[this.label[k]] = k);
      queue.push(k);
      k = this.nextSibling[k];
    }
    let head = 0;
    while (head < queue.length) {
      const state = unchecked(queue[head++]);
      let child = this.firstChild[state];
      while (child >= 0) {
        const c = this.label[child];
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
        queue.push(child);
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
