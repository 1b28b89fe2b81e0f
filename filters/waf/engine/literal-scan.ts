// One Aho–Corasick pass over a value finds every rule (by slot) whose required literals occur in
// it, case-insensitively: the rules of one transformation chain share a scanner, so a value is
// scanned once for all of them instead of once per rule. After build() the automaton is a dense
// table over byte classes (bytes no literal holds share class 0): one load per input byte. The
// trie's build-time arrays are dropped then; the table holds u16 states (scanners have a few
// hundred states) and each state's rule slots sit in one flat list.
import { lowerByte } from "./bytes";

export class LiteralScan {
  private firstChild: i32[] = [-1];
  private nextSibling: i32[] = [-1];
  private label: i32[] = [-1];
  private fail: i32[] = [0];
  /** Nearest state on the failure chain (itself excluded) that ends a literal, 0 if none. */
  private dictionary: i32[] = [0];
  /** Slots of the rules whose literal ends at a state: slotsAt[state] (null: none). */
  private slotsAt: Array<i32[] | null> = [null];
  private root: StaticArray<i32> = new StaticArray<i32>(256);
  /** byteClass[b]: column of (lower-cased) byte b in the table; 0 for bytes in no literal. */
  private byteClass: StaticArray<u8> = new StaticArray<u8>(256);
  private classCount: i32 = 1;
  /**
   * next state = table[state * classCount + class]: while states fit in u16, in chunks of
   * CHUNK_SIZE entries (small blocks find room in a heap fragmented by the load, where one
   * large block would grow linear memory); else one i32 array (table32).
   */
  private chunks: Array<StaticArray<u16>> = [];
  private table32: StaticArray<i32> = new StaticArray<i32>(0);
  /** Per state, the first state of its output chain: itself if a literal ends there, else its dictionary link. */
  private report: StaticArray<i32> = new StaticArray<i32>(0);
  /** After build: next state on the output chain (the dictionary link). */
  private reportNext: StaticArray<i32> = new StaticArray<i32>(0);
  /** After build: the slots of state s are slotList[slotStart[s] .. slotStart[s + 1]). */
  private slotStart: StaticArray<i32> = new StaticArray<i32>(0);
  private slotList: StaticArray<i32> = new StaticArray<i32>(0);
  /** Per state, the scan that last reported it: a state's slots are marked once per scan. */
  private seen: StaticArray<i32> = new StaticArray<i32>(0);
  private states: i32 = 1;
  private stamp: i32 = 0;
  /** Number of rule slots (bits in a hit set). */
  slotCount: i32 = 0;

  add(literal: string, slot: i32): void {
    if (slot >= this.slotCount) this.slotCount = slot + 1;
    let state = 0;
    for (let i = 0; i < literal.length; i++) {
      const c = lowerByte(literal.charCodeAt(i)) & 0xff;
      let next = this.child(state, c);
      if (next < 0) {
        next = this.label.length;
        this.label.push(c);
        this.firstChild.push(-1);
        this.nextSibling.push(this.firstChild[state]);
        this.firstChild[state] = next;
        this.fail.push(0);
        this.dictionary.push(0);
        this.slotsAt.push(null);
      }
      state = next;
    }
    let slots = this.slotsAt[state];
    if (slots == null) { slots = []; this.slotsAt[state] = slots; }
    if (!slots.includes(slot)) slots.push(slot);
  }

  get stateCount(): i32 { return this.states; }

  /** Computes failure and dictionary links and the transition table; call once after the last add. */
  build(): void {
    for (let c = 0; c < 256; c++) unchecked(this.root[c] = 0);
    const queue: i32[] = [];
    let k = this.firstChild[0];
    while (k >= 0) {
      this.root[this.label[k]] = k;
      queue.push(k);
      k = this.nextSibling[k];
    }
    let head = 0;
    while (head < queue.length) {
      const state = queue[head++];
      let child = this.firstChild[state];
      while (child >= 0) {
        const c = this.label[child];
        let f = this.fail[state];
        let target = 0;
        while (true) {
          const t = f == 0 ? this.root[c] : this.child(f, c);
          if (t > 0 && t != child) { target = t; break; }
          if (f == 0) break;
          f = this.fail[f];
        }
        this.fail[child] = target;
        this.dictionary[child] = this.slotsAt[target] != null ? target : this.dictionary[target];
        queue.push(child);
        child = this.nextSibling[child];
      }
    }
    this.buildTable(queue);
  }

  private buildTable(bfsOrder: i32[]): void {
    for (let b = 0; b < 256; b++) this.byteClass[b] = 0;
    const states = this.label.length;
    let classes = 1;
    for (let s = 1; s < states; s++) {
      const c = this.label[s];
      if (this.byteClass[c] == 0) { this.byteClass[c] = <u8>classes; classes++; }
    }
    // Upper-case letters read as their lower-case class.
    for (let b = 65; b <= 90; b++) this.byteClass[b] = this.byteClass[b + 32];
    this.classCount = classes;
    // Built straight at its final width: a temporary i32 table would be garbage as large as itself.
    if (states <= 0x10000) {
      const size = states * classes;
      for (let at = 0; at < size; at += CHUNK_SIZE) this.chunks.push(new StaticArray<u16>(CHUNK_SIZE));
      this.fillChunks(bfsOrder);
    } else {
      this.table32 = new StaticArray<i32>(states * classes);
      this.fillTable<i32>(this.table32, bfsOrder);
    }
    const report = new StaticArray<i32>(states);
    const reportNext = new StaticArray<i32>(states);
    const slotStart = new StaticArray<i32>(states + 1);
    let slotTotal = 0;
    for (let s = 0; s < states; s++) {
      const slots = this.slotsAt[s];
      if (slots != null) slotTotal += slots.length;
    }
    const slotList = new StaticArray<i32>(slotTotal);
    let at = 0;
    for (let s = 0; s < states; s++) {
      slotStart[s] = at;
      const slots = this.slotsAt[s];
      if (slots != null) for (let j = 0; j < slots.length; j++) slotList[at++] = slots[j];
      if (s > 0) report[s] = slots != null ? s : this.dictionary[s];
      reportNext[s] = this.dictionary[s];
    }
    slotStart[states] = at;
    this.report = report;
    this.reportNext = reportNext;
    this.slotStart = slotStart;
    this.slotList = slotList;
    this.seen = new StaticArray<i32>(states);
    this.states = states;
    // The trie itself is only needed to build: let it go.
    this.firstChild = [];
    this.nextSibling = [];
    this.label = [];
    this.fail = [];
    this.dictionary = [];
    this.slotsAt = [];
  }

  private fillTable<T>(table: StaticArray<T>, bfsOrder: i32[]): void {
    const classes = this.classCount;
    // Root row: its children, else stay at the root.
    for (let c = 0; c < 256; c++) {
      const cls = <i32>this.byteClass[c];
      if (cls != 0 && (c < 65 || c > 90)) table[cls] = <T>this.root[c];
    }
    // Other rows in breadth-first order: a child where one exists, else the failure state's move
    // (already filled, as failure states are shallower).
    for (let q = 0; q < bfsOrder.length; q++) {
      const s = bfsOrder[q];
      const row = s * classes;
      const failRow = this.fail[s] * classes;
      for (let cls = 1; cls < classes; cls++) table[row + cls] = table[failRow + cls];
      let k = this.firstChild[s];
      while (k >= 0) {
        table[row + <i32>this.byteClass[this.label[k]]] = <T>k;
        k = this.nextSibling[k];
      }
    }
  }

  private fillChunks(bfsOrder: i32[]): void {
    const classes = this.classCount;
    const chunks = this.chunks;
    for (let c = 0; c < 256; c++) {
      const cls = <i32>this.byteClass[c];
      if (cls != 0 && (c < 65 || c > 90)) chunkSet(chunks, cls, this.root[c]);
    }
    for (let q = 0; q < bfsOrder.length; q++) {
      const s = bfsOrder[q];
      const row = s * classes;
      const failRow = this.fail[s] * classes;
      for (let cls = 1; cls < classes; cls++) chunkSet(chunks, row + cls, chunkGet(chunks, failRow + cls));
      let k = this.firstChild[s];
      while (k >= 0) {
        chunkSet(chunks, row + <i32>this.byteClass[this.label[k]], k);
        k = this.nextSibling[k];
      }
    }
  }

  /** A hit set with room for every slot, all clear. */
  newHits(): StaticArray<u64> {
    return new StaticArray<u64>((this.slotCount + 63) >> 6);
  }

  /** Sets the bit of every slot one of whose literals occurs in `s`. */
  scan(s: string, hits: StaticArray<u64>): void {
    if (this.table32.length == 0) this.scanChunks(s, hits);
    else this.scanTable(s, hits);
  }

  private scanChunks(s: string, hits: StaticArray<u64>): void {
    const stamp = ++this.stamp;
    let state = 0;
    const len = s.length;
    const p = changetype<usize>(s);
    const chunks = this.chunks;
    const classes = this.classCount;
    const byteClass = this.byteClass;
    const report = this.report;
    const seen = this.seen;
    for (let i = 0; i < len; i++) {
      const cls = <i32>unchecked(byteClass[load<u16>(p + (<usize>i << 1)) & 0xff]);
      state = chunkGet(chunks, state * classes + cls);
      let o = unchecked(report[state]);
      while (o > 0 && unchecked(seen[o]) != stamp) {
        unchecked(seen[o] = stamp);
        const end = unchecked(this.slotStart[o + 1]);
        for (let j = unchecked(this.slotStart[o]); j < end; j++) {
          const slot = unchecked(this.slotList[j]);
          unchecked(hits[slot >> 6] |= (<u64>1) << <u64>(slot & 63));
        }
        o = unchecked(this.reportNext[o]);
      }
    }
  }

  private scanTable(s: string, hits: StaticArray<u64>): void {
    const table = this.table32;
    const stamp = ++this.stamp;
    let state = 0;
    const len = s.length;
    const p = changetype<usize>(s);
    const classes = this.classCount;
    const byteClass = this.byteClass;
    const report = this.report;
    const seen = this.seen;
    for (let i = 0; i < len; i++) {
      const cls = <i32>unchecked(byteClass[load<u16>(p + (<usize>i << 1)) & 0xff]);
      state = unchecked(table[state * classes + cls]);
      let o = unchecked(report[state]);
      while (o > 0 && unchecked(seen[o]) != stamp) {
        unchecked(seen[o] = stamp);
        const end = unchecked(this.slotStart[o + 1]);
        for (let j = unchecked(this.slotStart[o]); j < end; j++) {
          const slot = unchecked(this.slotList[j]);
          unchecked(hits[slot >> 6] |= (<u64>1) << <u64>(slot & 63));
        }
        o = unchecked(this.reportNext[o]);
      }
    }
  }

  private child(state: i32, c: i32): i32 {
    let k = unchecked(this.firstChild[state]);
    while (k >= 0) {
      if (unchecked(this.label[k]) == c) return k;
      k = unchecked(this.nextSibling[k]);
    }
    return -1;
  }
}

const CHUNK_BITS: i32 = 12;
const CHUNK_SIZE: i32 = 1 << CHUNK_BITS;

@inline function chunkGet(chunks: Array<StaticArray<u16>>, i: i32): i32 {
  return <i32>unchecked(unchecked(chunks[i >> CHUNK_BITS])[i & (CHUNK_SIZE - 1)]);
}

@inline function chunkSet(chunks: Array<StaticArray<u16>>, i: i32, state: i32): void {
  unchecked(unchecked(chunks[i >> CHUNK_BITS])[i & (CHUNK_SIZE - 1)] = <u16>state);
}

@inline export function hasHit(hits: StaticArray<u64>, slot: i32): bool {
  return (unchecked(hits[slot >> 6]) & ((<u64>1) << <u64>(slot & 63))) != 0;
}
