// Aho–Corasick phrase matcher for @pm / @pmFromFile: case-insensitive (ASCII), on byte strings.
// Transitions of all states live in one hash map keyed by (state << 8 | byte); `out[state]` is the
// length of the phrase recognised at that state (following failure links), 0 if none.
import { lowerByte } from "./bytes";

export class Matcher {
  private next: Map<u32, i32> = new Map();
  private fail: i32[] = [0];
  private out: i32[] = [0];
  private depthOf: i32[] = [0];
  /** The phrase found by the last successful find(), for capture. */
  lastMatch: string = "";
  phraseCount: i32 = 0;

  constructor(phrases: string[]) {
    for (let i = 0; i < phrases.length; i++) this.add(phrases[i]);
    this.build();
  }

  private add(phrase: string): void {
    if (phrase.length == 0) return;
    let state = 0;
    for (let i = 0; i < phrase.length; i++) {
      const key = (<u32>state << 8) | <u32>(lowerByte(phrase.charCodeAt(i)) & 0xff);
      if (this.next.has(key)) {
        state = this.next.get(key);
      } else {
        const created = this.fail.length;
        this.fail.push(0);
        this.out.push(0);
        this.depthOf.push(i + 1);
        this.next.set(key, created);
        state = created;
      }
    }
    this.out[state] = phrase.length;
    this.phraseCount++;
  }

  private build(): void {
    // Breadth-first over states: children of each state are found through the key map.
    const keys = this.next.keys();
    const children = new Array<i32[]>(this.fail.length);
    const labels = new Array<i32[]>(this.fail.length);
    for (let i = 0; i < children.length; i++) { children[i] = []; labels[i] = []; }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const parent = <i32>(key >> 8);
      children[parent].push(this.next.get(key));
      labels[parent].push(<i32>(key & 0xff));
    }
    const queue: i32[] = [];
    for (let i = 0; i < children[0].length; i++) queue.push(children[0][i]);
    let head = 0;
    while (head < queue.length) {
      const state = queue[head++];
      const kids = children[state];
      const kidLabels = labels[state];
      for (let i = 0; i < kids.length; i++) {
        const child = kids[i];
        const label = kidLabels[i];
        let f = this.fail[state];
        while (true) {
          const key = (<u32>f << 8) | <u32>label;
          if (this.next.has(key) && this.next.get(key) != child) { this.fail[child] = this.next.get(key); break; }
          if (f == 0) { this.fail[child] = 0; break; }
          f = this.fail[f];
        }
        if (this.out[child] == 0) this.out[child] = this.out[this.fail[child]];
        queue.push(child);
      }
    }
  }

  /** True if any phrase occurs in `s`; sets lastMatch. */
  find(s: string): bool {
    let state = 0;
    for (let i = 0; i < s.length; i++) {
      const c = <u32>(lowerByte(s.charCodeAt(i)) & 0xff);
      while (true) {
        const key = (<u32>state << 8) | c;
        if (this.next.has(key)) { state = this.next.get(key); break; }
        if (state == 0) break;
        state = this.fail[state];
      }
      const found = this.out[state];
      if (found > 0) {
        this.lastMatch = s.substring(i + 1 - found, i + 1);
        return true;
      }
    }
    return false;
  }
}
