// Searching with a pattern that needs the backtracker, without backtracking where no match can be.
//   1. A lazy DFA over the loosened pattern (a regular superset, see loosen.ts) scans forward:
//      no loosened match means no match (the common case: benign input), in linear time.
//   2. Otherwise a lazy DFA over the loosened pattern compiled in reverse reads a window of the
//      input backwards, from just past that loosened match, and marks every position in the
//      window where a loosened match can start: the only positions where a real match can start.
//   3. The backtracker runs anchored at those positions, left to right, sharing one step budget,
//      so the first success is the leftmost-first match an unanchored backtracking search finds.
//      If none succeeds, steps 1-3 go on after the window (windows grow, so the work stays linear
//      in the input whether the match is near the start, far away, or absent).
// If the loosened pattern does not compile (too large once backreferences are expanded), the
// backtracker runs alone, as before.
import { ByteClasses, firstByteTable } from "./analysis";
import { Node } from "./ast";
import { Backtracker } from "./backtrack";
import { Compiler } from "./compiler";
import { LazyDFA } from "./dfa";
import { loosen } from "./loosen";
import { Program } from "./program";

/** The first window reaches this far past the end of the first loosened match; each next one is twice as long. */
const FIRST_WINDOW: i32 = 256;
const MAX_WINDOW: i32 = 64 * 1024;

export class BacktrackSearch {
  /** Set by search(): the step limit (or the backtracker's stack cap) was reached. */
  exceededLimit: bool = false;
  private readonly backtracker: Backtracker;
  private forward: LazyDFA | null = null;
  private forwardFirstBytes: StaticArray<u8> | null = null;
  private reverse: LazyDFA | null = null;
  private starts: StaticArray<u32> = new StaticArray<u32>(32);

  constructor(prog: Program, root: Node, utf8: bool, groupCount: i32, firstBytes: StaticArray<u8> | null, private readonly stepLimit: i32, private readonly anchoredStart: bool) {
    this.backtracker = new Backtracker(prog, firstBytes, stepLimit);
    const loose = loosen(root, utf8);
    const forward: Program | null = new Compiler(utf8, false, groupCount).compile(loose).program;
    // Anchored, the only candidate is the start: no reverse scan.
    const reverse: Program | null = anchoredStart ? null : new Compiler(utf8, false, groupCount, true).compile(loose).program;
    if (forward != null && (anchoredStart || reverse != null)) {
      this.forward = new LazyDFA(forward, new ByteClasses(forward), anchoredStart);
      this.forwardFirstBytes = anchoredStart ? null : firstByteTable(forward);
      if (reverse != null) this.reverse = new LazyDFA(reverse, new ByteClasses(reverse), false, true);
    }
  }

  /** Leftmost-first match in input[from..len), groups into `out`; false if none or the step limit was hit. */
  search(input: usize, len: i32, from: i32, out: StaticArray<i32>): bool {
    this.exceededLimit = false;
    const bt = this.backtracker;
    const forward = this.forward;
    if (forward == null) return this.finish(bt.search(input, len, from, this.anchoredStart, out));
    if (this.reverse == null) {
      if (forward.earliestMatchEnd(input, len, from, this.forwardFirstBytes) < 0) return false;
      return this.finish(bt.search(input, len, from, true, out));
    }
    let budget = this.stepLimit;
    let windowStart = from;
    let window = FIRST_WINDOW;
    while (true) {
      // No loosened match starting in [windowStart, len): no match at all.
      const end = forward.earliestMatchEnd(input, len, windowStart, this.forwardFirstBytes);
      if (end < 0) return false;
      const windowEnd = min(len, end + window);
      const found = this.searchWindow(input, len, windowStart, windowEnd, out, budget);
      if (found || bt.exceededLimit) return this.finish(found);
      budget = this.budgetLeft;
      if (windowEnd >= len) return false;
      windowStart = windowEnd;
      window = min(window << 1, MAX_WINDOW);
    }
    return false; // unreachable
  }

  private budgetLeft: i32 = 0;

  /** Runs the backtracker at the possible match starts in [from, to) (and at `to` itself when it is the end). */
  private searchWindow(input: usize, len: i32, from: i32, to: i32, out: StaticArray<i32>, budget: i32): bool {
    const words = ((to - from) >> 5) + 1;
    let starts = this.starts;
    if (starts.length < words) {
      starts = new StaticArray<u32>(words);
      this.starts = starts;
    } else {
      memory.fill(changetype<usize>(starts), 0, <usize>words << 2);
    }
    this.budgetLeft = budget;
    if (!this.reverse!.markMatchStarts(input, len, from, to, starts)) return false;
    const last = to == len ? to : to - 1;
    const bt = this.backtracker;
    for (let i = 0; i < words; i++) {
      let word = unchecked(starts[i]);
      while (word != 0) {
        const p = from + (i << 5) + <i32>ctz(word);
        if (p > last) return false;
        const found = bt.search(input, len, p, true, out, budget);
        if (found || bt.exceededLimit) return found;
        budget -= bt.steps;
        this.budgetLeft = budget;
        word &= word - 1;
      }
    }
    return false;
  }

  private finish(found: bool): bool {
    this.exceededLimit = this.backtracker.exceededLimit;
    return found;
  }
}
