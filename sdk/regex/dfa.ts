// Lazy DFA for "is there a match, and where does the earliest one end". States are sets of NFA
// instructions (plus what the previous byte was, for ^ $ \b), built on demand while scanning and
// kept in a cache bounded in bytes; when the cache is full it is cleared and rebuilt, so memory
// stays bounded and time stays linear in the input.
import { AssertKind } from "./ast";
import { ByteClasses } from "./analysis";
import { isWordByte } from "./charset";
import { Op, Program } from "./program";
import { SparseSet } from "./sparse-set";

const UNKNOWN: i32 = -1;
/** Transition table entries that end a scan (a state is >= 0, a transition not yet computed is -1). */
export const MATCH: i32 = -2;
export const DEAD: i32 = -3;

const FLAG_AT_START: i32 = 1;
const FLAG_PREV_NEWLINE: i32 = 2;
const FLAG_PREV_WORD: i32 = 4;

/**
 * In a DFA that reports every match, a transition taken where a match had just ended is stored
 * as matchedBefore(target) <= -4, so that the scan loop tests one sign only.
 */
@inline function matchedBefore(state: i32): i32 { return -4 - state; }

/** Cache budget per pattern (transition table + state sets), in i32 entries. */
const MAX_TABLE_ENTRIES: i32 = 96 * 1024;
const MAX_POOL_ENTRIES: i32 = 96 * 1024;
const INITIAL_STATES: i32 = 32;

export class LazyDFA {
  private readonly stride: i32;
  private readonly eot: i32;
  private table: StaticArray<i32>;
  private stateCapacity: i32;
  stateCount: i32 = 0;
  // State sets, stored back to back in pool; stateStart/stateLength/stateFlags index them.
  private pool: StaticArray<i32>;
  poolUsed: i32 = 0;
  private stateStart: StaticArray<i32>;
  private stateLength: StaticArray<i32>;
  private stateFlags: StaticArray<i32>;
  private hashTable: StaticArray<i32>;
  private startStates: StaticArray<i32> = new StaticArray<i32>(16);
  /** Per context flags: the state holding every thread (see markMatchStarts), -1 until built. */
  private everyThreadStates: StaticArray<i32> = new StaticArray<i32>(16);
  // Scratch for building a transition.
  private seen: SparseSet;
  private nextSet: SparseSet;
  private work: StaticArray<i32>;
  private keyBuffer: StaticArray<i32>;
  private savedState: StaticArray<i32>;
  /** How many times the cache was cleared (reported for tuning). */
  cacheClears: i32 = 0;

  /**
   * `reportAllMatches` (unanchored only): a match does not end the scan; instead the transition
   * taken on the byte after it is marked with matchedBefore() (see markMatchStarts).
   */
  constructor(private readonly prog: Program, private readonly classes: ByteClasses, private readonly anchored: bool, private readonly reportAllMatches: bool = false) {
    const stride = classes.count + 1;
    this.stride = stride;
    this.eot = classes.count;
    this.stateCapacity = INITIAL_STATES;
    this.table = new StaticArray<i32>(INITIAL_STATES * stride);
    this.pool = new StaticArray<i32>(1024);
    this.stateStart = new StaticArray<i32>(INITIAL_STATES);
    this.stateLength = new StaticArray<i32>(INITIAL_STATES);
    this.stateFlags = new StaticArray<i32>(INITIAL_STATES);
    this.hashTable = new StaticArray<i32>(INITIAL_STATES * 2);
    const n = prog.length;
    this.seen = new SparseSet(n);
    this.nextSet = new SparseSet(n);
    this.work = new StaticArray<i32>(2 * n + 2);
    this.keyBuffer = new StaticArray<i32>(n + 1);
    this.savedState = new StaticArray<i32>(n + 1);
    this.clear();
  }

  /**
   * Scans input[start..len) and returns the end offset of the earliest match, or -1.
   * Bytes before `start` are context for ^ and \b.
   */
  earliestMatchEnd(input: usize, len: i32, start: i32, firstBytes: StaticArray<u8> | null): i32 {
    // The hot loop works on raw addresses (usize locals): AssemblyScript spills managed
    // references to its shadow stack on every use, which would cost more than the DFA step.
    const classOf = changetype<usize>(this.classes.classOf);
    const first: usize = firstBytes != null && !this.prog.hasAssertions ? changetype<usize>(firstBytes) : 0;
    let table = changetype<usize>(this.table);
    let pos = start;
    let s = this.startState(input, pos);
    let startState = s;
    table = changetype<usize>(this.table);
    while (pos < len) {
      if (first != 0 && s == startState) {
        // Only the unanchored restart is alive: jump to a byte that can begin a match.
        while (pos < len && load<u8>(first + <usize>load<u8>(input + <usize>pos)) == 0) pos++;
        if (pos >= len) break;
      }
      // Tight loop over cached transitions.
      let t: i32 = 0;
      while (true) {
        t = load<i32>(table + (<usize>(s + <i32>load<u8>(classOf + <usize>load<u8>(input + <usize>pos))) << 2));
        if (t < 0 || (first != 0 && t == startState)) break;
        s = t;
        if (++pos >= len) break;
      }
      if (pos >= len) break;
      if (t >= 0) { s = t; pos++; continue; } // back to the start state: skip ahead
      const byte: i32 = load<u8>(input + <usize>pos);
      if (t == UNKNOWN) {
        t = this.computeTransition(s, <i32>load<u8>(classOf + <usize>byte), byte);
        table = changetype<usize>(this.table);
        if (t == UNKNOWN) {
          // The cache was cleared while entering the next state: continue from its rebuilt copy.
          s = this.rebuiltCurrent;
          pos++;
          if (first != 0) {
            startState = this.startState(input, pos);
            table = changetype<usize>(this.table);
          }
          continue;
        }
      }
      if (t == MATCH) return pos;
      if (t == DEAD) return -1;
      s = t;
      pos++;
    }
    let t = load<i32>(table + (<usize>(s + this.eot) << 2));
    if (t == UNKNOWN) t = this.computeTransition(s, this.eot, -1); // never interns, so never clears
    return t == MATCH ? len : -1;
  }

  /**
   * For a DFA built with reportAllMatches over a pattern compiled in reverse: reads input[from..to)
   * backwards and sets bit p - from of `starts` for every p in [from, to] where a match of the
   * forward pattern can start. With to == len that is exactly where a match starts; with
   * to < len the scan begins in a state holding every thread (the match may go on past `to` in
   * any way), so it marks a superset: every p from which some match can run through input[p..to).
   * `earliestEnd`: no match starting at or after `from` ends before it. So below it, once no
   * partial match is alive (only the restart thread), no earlier start is possible and the scan
   * stops. Returns whether any bit was set.
   */
  markMatchStarts(input: usize, len: i32, from: i32, to: i32, earliestEnd: i32, starts: StaticArray<u32>): bool {
    const classOf = changetype<usize>(this.classes.classOf);
    // The states holding only the restart thread (one per context flag). A cache clear makes them
    // stale: then the scan just goes on to `from`.
    const clears = this.cacheClears;
    let restart0 = this.startStateFor(0);
    let restartNewline = this.prog.hasAssertions ? this.startStateFor(FLAG_PREV_NEWLINE) : restart0;
    let restartWord = this.prog.hasAssertions ? this.startStateFor(FLAG_PREV_WORD) : restart0;
    // Reading backwards, the scan starts at `to`: the end of the text, or a cut in the middle.
    let s = to == len
      ? this.startStateFor(this.prog.hasAssertions ? FLAG_AT_START | FLAG_PREV_NEWLINE : 0)
      : this.everyThreadState(load<u8>(input + <usize>to));
    if (this.cacheClears != clears) restart0 = restartNewline = restartWord = -1;
    let table = changetype<usize>(this.table);
    let found = false;
    let p = to;
    // A match starting at p shows on the transition over the byte before p (its \b context), or
    // on the end-of-text transition when p == 0.
    while (true) {
      const atEnd = p == 0;
      const byte: i32 = atEnd ? -1 : load<u8>(input + <usize>(p - 1));
      const cls: i32 = atEnd ? this.eot : load<u8>(classOf + <usize>byte);
      let t = load<i32>(table + (<usize>(s + cls) << 2));
      if (t < 0) {
        if (t == UNKNOWN) {
          t = this.computeTransition(s, cls, byte);
          table = changetype<usize>(this.table);
          if (t == UNKNOWN) t = this.lastTransitionMatched ? matchedBefore(this.rebuiltCurrent) : this.rebuiltCurrent;
          if (this.cacheClears != clears) restart0 = restartNewline = restartWord = -1;
        }
        if (t <= matchedBefore(0) || t == MATCH) {
          const bit = <u32>(p - from);
          const word = changetype<usize>(starts) + (<usize>(bit >> 5) << 2);
          store<u32>(word, load<u32>(word) | ((<u32>1) << (bit & 31)));
          found = true;
          t = matchedBefore(t); // the same function decodes
        }
        if (t < 0) return found; // DEAD or the end of the text
      }
      if (p == from) return found;
      s = t;
      p--;
      // Tight loops while no transition needs attention: above earliestEnd without checks, below
      // it stopping where only the restart thread is alive.
      while (p > from && p >= earliestEnd) {
        t = load<i32>(table + (<usize>(s + <i32>load<u8>(classOf + <usize>load<u8>(input + <usize>(p - 1)))) << 2));
        if (t < 0) break;
        s = t;
        p--;
      }
      if (p < earliestEnd && (s == restart0 || s == restartNewline || s == restartWord)) return found;
      while (p > from && p < earliestEnd) {
        t = load<i32>(table + (<usize>(s + <i32>load<u8>(classOf + <usize>load<u8>(input + <usize>(p - 1)))) << 2));
        if (t < 0) break;
        s = t;
        p--;
        if (s == restart0 || s == restartNewline || s == restartWord) return found;
      }
    }
    return found; // unreachable
  }

  /**
   * For an anchored DFA over a pattern compiled in reverse: whether the forward pattern matches
   * some input[p..end), found by reading input[..end) backwards from `end` until a match or a dead
   * state (for a pattern of bounded length, a few bytes). The bytes at and after `end` are context
   * for ^ $ \b, as for the forward pattern.
   */
  matchesEndingAt(input: usize, len: i32, end: i32): bool {
    const classOf = changetype<usize>(this.classes.classOf);
    let flags = 0;
    if (this.prog.hasAssertions) {
      // Read backwards, the end of the text is where the scan starts, and input[end] the byte before.
      if (end == len) flags = FLAG_AT_START | FLAG_PREV_NEWLINE;
      else {
        const next = load<u8>(input + <usize>end);
        if (next == 0x0a) flags |= FLAG_PREV_NEWLINE;
        if (isWordByte(next)) flags |= FLAG_PREV_WORD;
      }
    }
    let s = unchecked(this.startStates[flags]);
    if (s < 0) s = this.startStateFor(flags);
    let table = changetype<usize>(this.table);
    let p = end;
    while (true) {
      const atEnd = p == 0;
      const byte: i32 = atEnd ? -1 : load<u8>(input + <usize>(p - 1));
      const cls: i32 = atEnd ? this.eot : load<u8>(classOf + <usize>byte);
      let t = load<i32>(table + (<usize>(s + cls) << 2));
      if (t == UNKNOWN) {
        t = this.computeTransition(s, cls, byte);
        table = changetype<usize>(this.table);
        if (t == UNKNOWN) t = this.rebuiltCurrent; // the cache was cleared while entering the next state
      }
      if (t == MATCH) return true;
      if (t == DEAD || atEnd) return false;
      s = t;
      p--;
    }
    return false; // unreachable
  }

  /**
   * For a scan inlined elsewhere (the backtracker's lookarounds): writes to out[at..at+4) the
   * transition table's address, the address of the byte classes, the end of text class and the
   * start state, as matchesEndingAt and an anchored earliestMatchEnd read them; the table's
   * address is 0 when the start depends on the bytes around the position (the program has
   * assertions). The table moves when the cache grows, so this holds only until the next
   * transition is computed.
   */
  describeScan(out: StaticArray<i32>, at: i32): void {
    let s = -1;
    if (!this.prog.hasAssertions) {
      s = unchecked(this.startStates[0]);
      if (s < 0) s = this.startStateFor(0);
    }
    unchecked((out[at] = s < 0 ? 0 : <i32>changetype<usize>(this.table)));
    unchecked((out[at + 1] = <i32>changetype<usize>(this.classes.classOf)));
    unchecked((out[at + 2] = this.eot));
    unchecked((out[at + 3] = s));
  }

  private rebuiltCurrent: i32 = 0;
  /** Whether the last computed transition followed a match (kept for when the cache was cleared meanwhile). */
  private lastTransitionMatched: bool = false;

  private startState(input: usize, pos: i32): i32 {
    let flags = 0;
    if (this.prog.hasAssertions) {
      if (pos == 0) flags = FLAG_AT_START | FLAG_PREV_NEWLINE;
      else {
        const prev = load<u8>(input + <usize>(pos - 1));
        if (prev == 0x0a) flags |= FLAG_PREV_NEWLINE;
        if (isWordByte(prev)) flags |= FLAG_PREV_WORD;
      }
    }
    return this.startStateFor(flags);
  }

  /** The state of every byte-consuming thread and the match, after (reading backwards) `next`. */
  private everyThreadState(next: i32): i32 {
    let flags = 0;
    if (this.prog.hasAssertions) {
      if (next == 0x0a) flags |= FLAG_PREV_NEWLINE;
      if (isWordByte(next)) flags |= FLAG_PREV_WORD;
    }
    let s = unchecked(this.everyThreadStates[flags]);
    if (s >= 0) return s;
    const prog = this.prog;
    let n = 0;
    for (let pc = 0; pc < prog.length; pc++) {
      const op = prog.op(pc);
      if (pc == 0 || op == Op.Byte || op == Op.ByteSet || op == Op.Match) unchecked((this.keyBuffer[n++] = pc));
    }
    s = this.intern(this.keyBuffer, n, flags);
    if (s == UNKNOWN) s = this.rebuiltCurrent;
    unchecked((this.everyThreadStates[flags] = s));
    return s;
  }

  private startStateFor(flags: i32): i32 {
    let s = unchecked(this.startStates[flags]);
    if (s >= 0) return s;
    unchecked((this.keyBuffer[0] = 0));
    s = this.intern(this.keyBuffer, 1, flags);
    if (s == UNKNOWN) s = this.rebuiltCurrent; // the cache was cleared and the state re-added
    unchecked((this.startStates[flags] = s));
    return s;
  }

  /** Computes, caches and returns the transition from state s (premultiplied) on class cls (byte or -1 for end of text). */
  private computeTransition(s: i32, cls: i32, byte: i32): i32 {
    const prog = this.prog;
    const id = s / this.stride;
    const flags = unchecked(this.stateFlags[id]);
    const begin = unchecked(this.stateStart[id]);
    const count = unchecked(this.stateLength[id]);
    const seen = this.seen;
    const next = this.nextSet;
    const work = this.work;
    seen.clear();
    next.clear();
    let top = 0;
    for (let i = count - 1; i >= 0; i--) unchecked((work[top++] = this.pool[begin + i]));
    const isEnd = byte < 0;
    const nextIsWord = !isEnd && isWordByte(byte);
    let matched = false;
    while (top > 0) {
      let pc = unchecked(work[--top]);
      while (true) {
        if (seen.has(pc)) break;
        seen.add(pc);
        const op = prog.op(pc);
        if (op == Op.Jump) { pc = prog.a(pc); continue; }
        if (op == Op.Split) { unchecked((work[top++] = prog.b(pc))); pc = prog.a(pc); continue; }
        if (op == Op.Save || op == Op.LoopMark || op == Op.LoopCheck) { pc++; continue; }
        if (op == Op.Assert) {
          if (!holds(prog.a(pc), flags, isEnd, byte, nextIsWord)) break;
          pc++;
          continue;
        }
        if (op == Op.Match) { matched = true; break; }
        if (!isEnd && prog.accepts(pc, byte) && !next.has(pc + 1)) next.add(pc + 1);
        break;
      }
      if (matched && !this.reportAllMatches) break;
    }
    this.lastTransitionMatched = matched;
    let result: i32;
    if (matched && (isEnd || !this.reportAllMatches)) result = MATCH;
    else if (isEnd) result = DEAD;
    else {
      if (!this.anchored && !next.has(0)) next.add(0);
      if (next.size == 0) result = DEAD;
      else {
        // Canonical key: sorted instruction set.
        const key = this.keyBuffer;
        for (let i = 0; i < next.size; i++) unchecked((key[i] = next.dense[i]));
        sortInts(key, next.size);
        let nextFlags = 0;
        if (prog.hasAssertions) {
          if (byte == 0x0a) nextFlags |= FLAG_PREV_NEWLINE;
          if (nextIsWord) nextFlags |= FLAG_PREV_WORD;
        }
        result = this.intern(key, next.size, nextFlags);
        if (result == UNKNOWN) {
          // Cache cleared: the source state is gone; it was re-added as rebuiltCurrent. Retry later.
          return UNKNOWN;
        }
        if (matched) result = matchedBefore(result);
      }
    }
    unchecked((this.table[s + cls] = result));
    return result;
  }

  /** Finds or adds the state (key[0..n), flags); returns it premultiplied, or UNKNOWN if the cache had to be cleared. */
  private intern(key: StaticArray<i32>, n: i32, flags: i32): i32 {
    let h: u32 = 2166136261 ^ <u32>flags;
    for (let i = 0; i < n; i++) h = (h ^ <u32>unchecked(key[i])) * 16777619;
    const mask = this.hashTable.length - 1;
    let slot = <i32>(h & <u32>mask);
    while (true) {
      const entry = unchecked(this.hashTable[slot]);
      if (entry == 0) break;
      const id = entry - 1;
      if (unchecked(this.stateFlags[id]) == flags && unchecked(this.stateLength[id]) == n && this.sameSet(id, key, n)) return id * this.stride;
      slot = (slot + 1) & mask;
    }
    if (this.stateCount >= this.stateCapacity || this.poolUsed + n > this.pool.length) {
      if (!this.grow(n)) {
        this.clearKeeping(key, n, flags);
        return UNKNOWN;
      }
      return this.intern(key, n, flags);
    }
    const id = this.stateCount++;
    unchecked((this.stateStart[id] = this.poolUsed));
    unchecked((this.stateLength[id] = n));
    unchecked((this.stateFlags[id] = flags));
    for (let i = 0; i < n; i++) unchecked((this.pool[this.poolUsed + i] = key[i]));
    this.poolUsed += n;
    unchecked((this.hashTable[slot] = id + 1));
    return id * this.stride;
  }

  private sameSet(id: i32, key: StaticArray<i32>, n: i32): bool {
    const begin = unchecked(this.stateStart[id]);
    for (let i = 0; i < n; i++) if (unchecked(this.pool[begin + i]) != unchecked(key[i])) return false;
    return true;
  }

  /** Doubles the cache if within budget; false when the budget is reached. */
  private grow(needPool: i32): bool {
    let changed = false;
    if (this.stateCount >= this.stateCapacity) {
      const capacity = this.stateCapacity * 2;
      if (capacity * this.stride > MAX_TABLE_ENTRIES) return false;
      const table = new StaticArray<i32>(capacity * this.stride);
      memory.copy(changetype<usize>(table), changetype<usize>(this.table), <usize>(this.stateCapacity * this.stride) << 2);
      for (let i = this.stateCapacity * this.stride; i < capacity * this.stride; i++) unchecked((table[i] = UNKNOWN));
      this.table = table;
      this.stateStart = growInts(this.stateStart, capacity);
      this.stateLength = growInts(this.stateLength, capacity);
      this.stateFlags = growInts(this.stateFlags, capacity);
      this.stateCapacity = capacity;
      this.rehash(capacity * 2);
      changed = true;
    }
    if (this.poolUsed + needPool > this.pool.length) {
      let size = this.pool.length * 2;
      while (size < this.poolUsed + needPool) size *= 2;
      if (size > MAX_POOL_ENTRIES) return false;
      this.pool = growInts(this.pool, size);
      changed = true;
    }
    return changed;
  }

  private rehash(size: i32): void {
    this.hashTable = new StaticArray<i32>(size);
    const mask = size - 1;
    for (let id = 0; id < this.stateCount; id++) {
      let h: u32 = 2166136261 ^ <u32>unchecked(this.stateFlags[id]);
      const begin = unchecked(this.stateStart[id]);
      const n = unchecked(this.stateLength[id]);
      for (let i = 0; i < n; i++) h = (h ^ <u32>unchecked(this.pool[begin + i])) * 16777619;
      let slot = <i32>(h & <u32>mask);
      while (unchecked(this.hashTable[slot]) != 0) slot = (slot + 1) & mask;
      unchecked((this.hashTable[slot] = id + 1));
    }
  }

  private clear(): void {
    this.stateCount = 0;
    this.poolUsed = 0;
    this.table.fill(UNKNOWN);
    this.hashTable.fill(0);
    this.startStates.fill(-1);
    this.everyThreadStates.fill(-1);
  }

  /** Clears the cache, then re-adds the state being entered (as rebuiltCurrent) so the scan can go on from it. */
  private clearKeeping(key: StaticArray<i32>, n: i32, flags: i32): void {
    this.cacheClears++;
    for (let i = 0; i < n; i++) unchecked((this.savedState[i] = key[i]));
    this.clear();
    this.rebuiltCurrent = this.intern(this.savedState, n, flags);
  }
}

function holds(kind: i32, flags: i32, isEnd: bool, byte: i32, nextIsWord: bool): bool {
  switch (kind) {
    case AssertKind.BeginText: return (flags & FLAG_AT_START) != 0;
    case AssertKind.EndText: return isEnd;
    case AssertKind.BeginLine: return (flags & FLAG_PREV_NEWLINE) != 0;
    case AssertKind.EndLine: return isEnd || byte == 0x0a;
    case AssertKind.WordBoundary: return ((flags & FLAG_PREV_WORD) != 0) != nextIsWord;
    case AssertKind.NotWordBoundary: return ((flags & FLAG_PREV_WORD) != 0) == nextIsWord;
  }
  return false; // \Z never reaches the DFA (it needs the backtracker)
}

function growInts(a: StaticArray<i32>, size: i32): StaticArray<i32> {
  const b = new StaticArray<i32>(size);
  memory.copy(changetype<usize>(b), changetype<usize>(a), <usize>a.length << 2);
  return b;
}

function sortInts(a: StaticArray<i32>, n: i32): void {
  for (let i = 1; i < n; i++) {
    const v = unchecked(a[i]);
    let j = i - 1;
    while (j >= 0 && unchecked(a[j]) > v) { unchecked((a[j + 1] = a[j])); j--; }
    unchecked((a[j + 1] = v));
  }
}
