// Searching with a pattern that needs the backtracker, without backtracking where no match can be.
//   1. A lazy DFA over the loosened pattern (a regular superset, see loosen.ts) scans forward:
//      no loosened match means no match (the common case: benign input), in linear time.
//   2. Otherwise a lazy DFA over the loosened pattern compiled in reverse reads the input
//      backwards from the end of that earliest loosened match, as far back as a loosened match
//      can reach, and marks every position where one can start: the only positions before that
//      end where a real match can start.
//   3. The backtracker runs anchored at those positions, left to right, sharing one step budget,
//      so the first success is the leftmost-first match an unanchored backtracking search finds.
//      If none succeeds, steps 1-3 go on from that end. Each byte is read about once forwards and
//      a few times backwards, so the work stays linear in the input.
//   When loosened matches are at most a few bytes long, the DFA only finds the first one: the
//   backtracker starts a few bytes before its end and moves on by itself from there, skipping to
//   bytes that can start a match (with so short a loosened pattern, those are about as few as the
//   loosened matches, and not stopping to run the DFAs again is cheaper).
// A leading X* / X*? of one byte class is left out of the search (see leading-run.ts); exec then
// runs the whole pattern once, at the start that gives.
// If the loosened pattern does not compile (too large once backreferences are expanded), the
// backtracker runs alone, as before.
// A pattern with a backreference to a group may get the tighter loosened pattern of
// loosen.ts/tightLoosen (larger: several copies of the pattern); its DFAs are then built on the
// first search, so that loading many patterns does not pay for them.
import { ByteClasses, firstByteTable } from "./analysis";
import { Node } from "./ast";
import { Backtracker } from "./backtrack";
import { Compiler, maxLength } from "./compiler";
import { LazyDFA } from "./dfa";
import { LeadingRun, splitLeadingRun } from "./leading-run";
import { hasTightLoosening, loosen, tightLoosen } from "./loosen";
import { Program } from "./program";

/**
 * How far past the earliest loosened match a window reaches (it doubles from one window to the
 * next): further means fewer windows but more bytes read twice when the first candidate matches.
 */
const FIRST_LOOKAHEAD: i32 = 32;
const MAX_LOOKAHEAD: i32 = 4096;
/** Loosened matches at most this long take the short path (no reverse scan). */
const MAX_SHORT_MATCH: i32 = 64;

export class BacktrackSearch {
  /** Set by search(): the step limit (or the backtracker's stack cap) was reached. */
  exceededLimit: bool = false;
  /** Runs the searched pattern: the whole one, or Y when it starts with a leading run X*. */
  private readonly backtracker: Backtracker;
  private leadingRun: LeadingRun | null = null;
  /** With a leading run: the whole pattern, for exec's groups. */
  private wholeBacktracker: Backtracker | null = null;
  private forward: LazyDFA | null = null;
  private forwardFirstBytes: StaticArray<u8> | null = null;
  private reverse: LazyDFA | null = null;
  /** The longest loosened match when at most MAX_SHORT_MATCH bytes, else -1. */
  private shortMatch: i32 = -1;
  private starts: StaticArray<u32> = new StaticArray<u32>(32);
  /** The searched pattern while its DFAs are still to be built (see prepare()). */
  private pending: Node | null = null;

  constructor(prog: Program, root: Node, private readonly utf8: bool, private readonly groupCount: i32, firstBytes: StaticArray<u8> | null, private readonly stepLimit: i32, private readonly anchoredStart: bool) {
    let searched = root;
    let searchedProgram = prog;
    const run: LeadingRun | null = anchoredStart ? null : splitLeadingRun(root, utf8);
    if (run != null) {
      const rest: Program | null = new Compiler(utf8, true, groupCount).compile(run.rest).program;
      if (rest != null) {
        searched = run.rest;
        searchedProgram = rest;
        this.leadingRun = run;
        this.wholeBacktracker = new Backtracker(prog, null, stepLimit);
      }
    }
    this.backtracker = new Backtracker(searchedProgram, searchedProgram == prog ? firstBytes : firstByteTable(searchedProgram), stepLimit);
    if (hasTightLoosening(searched)) this.pending = searched;
    else this.prepare(searched);
  }

  /** Builds the DFAs over the loosened pattern (the tighter one when it has that shape and compiles). */
  private prepare(searched: Node): void {
    this.pending = null;
    const utf8 = this.utf8;
    const groupCount = this.groupCount;
    const anchoredStart = this.anchoredStart;
    let forward: Program | null = null;
    let reverse: Program | null = null;
    let loose: Node | null = tightLoosen(searched, utf8);
    if (loose != null) {
      forward = new Compiler(utf8, false, groupCount).compile(loose).program;
      // Anchored, the only candidate is the start: no reverse scan.
      reverse = anchoredStart || forward == null ? null : new Compiler(utf8, false, groupCount, true).compile(loose).program;
      if (forward == null || (!anchoredStart && reverse == null)) loose = null;
    }
    if (loose == null) {
      loose = loosen(searched, utf8);
      forward = new Compiler(utf8, false, groupCount).compile(loose).program;
      reverse = anchoredStart ? null : new Compiler(utf8, false, groupCount, true).compile(loose).program;
    }
    if (forward != null && (anchoredStart || reverse != null)) {
      this.forward = new LazyDFA(forward, new ByteClasses(forward), anchoredStart);
      this.forwardFirstBytes = anchoredStart ? null : firstByteTable(forward);
      if (reverse != null) this.reverse = new LazyDFA(reverse, new ByteClasses(reverse), false, true);
      const longest = maxLength(loose, utf8);
      if (longest <= MAX_SHORT_MATCH) this.shortMatch = longest;
    }
  }

  /**
   * Whether there is a match in input[from..len); with `exact`, the leftmost-first one with its
   * groups in `out`. False if none or the step limit was hit.
   */
  search(input: usize, len: i32, from: i32, out: StaticArray<i32>, exact: bool): bool {
    if (!this.searchStart(input, len, from, out)) return false;
    const run = this.leadingRun;
    if (!exact || run == null) return true;
    // The whole pattern's leftmost match starts at the beginning of the run of X bytes before Y's.
    let start = this.matchStart;
    const bytes = changetype<usize>(run.bytes);
    while (start > from && load<u8>(bytes + <usize>load<u8>(input + <usize>(start - 1))) != 0) start--;
    const whole = this.wholeBacktracker!;
    const found = whole.search(input, len, start, true, out, this.budgetLeft);
    this.exceededLimit = whole.exceededLimit;
    return found;
  }

  /** Where the match found by searchStart begins. */
  private matchStart: i32 = 0;

  /** The leftmost-first match of the searched pattern, its start in matchStart. */
  private searchStart(input: usize, len: i32, from: i32, out: StaticArray<i32>): bool {
    const pending = this.pending;
    if (pending != null) this.prepare(pending);
    this.exceededLimit = false;
    this.budgetLeft = this.stepLimit;
    const bt = this.backtracker;
    const forward = this.forward;
    if (forward == null) {
      // Without the DFAs the backtracker searches on its own.
      const found = bt.search(input, len, from, this.anchoredStart, out);
      this.matchStart = unchecked(out[0]);
      this.budgetLeft = max(0, this.stepLimit - bt.steps);
      return this.finish(found);
    }
    if (this.reverse == null) {
      if (forward.earliestMatchEnd(input, len, from, this.forwardFirstBytes) < 0) return false;
      this.matchStart = from;
      const found = bt.search(input, len, from, true, out);
      this.budgetLeft = max(0, this.stepLimit - bt.steps);
      return this.finish(found);
    }
    if (this.shortMatch >= 0) return this.searchShort(input, len, from, out);
    let budget = this.budgetLeft;
    let windowStart = from;
    let lookahead = FIRST_LOOKAHEAD;
    while (true) {
      // No loosened match starting in [windowStart, len): no match at all.
      const end = forward.earliestMatchEnd(input, len, windowStart, this.forwardFirstBytes);
      if (end < 0) return false;
      const windowEnd = min(len, max(end, windowStart + 1) + lookahead);
      const found = this.searchWindow(input, len, windowStart, windowEnd, end, out, budget);
      if (found || bt.exceededLimit) return this.finish(found);
      budget = this.budgetLeft;
      if (windowEnd >= len) return false;
      windowStart = windowEnd;
      lookahead = min(lookahead << 1, MAX_LOOKAHEAD);
    }
    return false; // unreachable
  }

  private budgetLeft: i32 = 0;

  /**
   * Loosened matches are at most shortMatch bytes long, so no match starts more than that before
   * the end of the earliest one: search unanchored from there.
   */
  private searchShort(input: usize, len: i32, from: i32, out: StaticArray<i32>): bool {
    const end = this.forward!.earliestMatchEnd(input, len, from, this.forwardFirstBytes);
    if (end < 0) return false;
    const bt = this.backtracker;
    const found = bt.search(input, len, max(from, end - this.shortMatch), false, out, this.budgetLeft);
    this.budgetLeft = max(0, this.budgetLeft - bt.steps);
    this.matchStart = unchecked(out[0]);
    return this.finish(found);
  }

  /** Runs the backtracker at the possible match starts in [from, to) (and at `to` itself when it is the end). */
  private searchWindow(input: usize, len: i32, from: i32, to: i32, earliestEnd: i32, out: StaticArray<i32>, budget: i32): bool {
    const words = ((to - from) >> 5) + 1;
    let starts = this.starts;
    if (starts.length < words) {
      starts = new StaticArray<u32>(words);
      this.starts = starts;
    } else {
      memory.fill(changetype<usize>(starts), 0, <usize>words << 2);
    }
    this.budgetLeft = budget;
    if (!this.reverse!.markMatchStarts(input, len, from, to, earliestEnd, starts)) return false;
    const last = to == len ? to : to - 1;
    const bt = this.backtracker;
    const found = bt.searchCandidates(input, len, starts, from, last, out, budget);
    this.budgetLeft = max(0, budget - bt.steps);
    if (found) this.matchStart = unchecked(out[0]);
    return found;
  }

  private finish(found: bool): bool {
    const bt = this.backtracker;
    this.exceededLimit = bt.exceededLimit;
    return found;
  }
}
