// Backtracking matcher for the PCRE constructs outside RE2 (lookaround, backreferences, atomic and
// possessive groups). Chosen only for patterns that use them. Every instruction executed costs one
// step; a search that exceeds the step limit (like ModSecurity's SecPcreMatchLimit) stops and
// reports it, so no pattern can hang. The explicit stack is capped too.
import { assertionHolds } from "./assertions";
import { AssertKind } from "./ast";
import { DEAD, MATCH } from "./dfa";
import { isRegularLookahead, LookaheadDfa, lookaheadCaptures } from "./lookahead-dfa";
import { LookbehindDfa } from "./lookbehind-dfa";
import { CHAIN_BOTH_WAYS, CHAIN_ONE_WAY, SplitChains } from "./split-chains";
import { LOOK_BEHIND, LOOK_NEGATE, Op, Program } from "./program";
import { SparseSet } from "./sparse-set";
import { isWordByte } from "./charset";

const FRAME_ALTERNATIVE: i32 = 0;
const FRAME_RESTORE_SLOT: i32 = 1;
const FRAME_RESTORE_REGISTER: i32 = 2;
const MAX_STACK_ENTRIES: i32 = 3 * 1024 * 1024;

/** 1 for the bytes \w matches ([0-9A-Za-z_]), for \b and \B in one load. */
const WORD_BYTES: usize = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);
const FAIL: i32 = -1;
const LIMIT: i32 = -2;

export class Backtracker {
  private stack: StaticArray<i32> = new StaticArray<i32>(3 * 256);
  private top: i32 = 0;
  private caps: StaticArray<i32>;
  private registers: StaticArray<i32>;
  steps: i32 = 0;
  private input: usize = 0;
  private len: i32 = 0;
  /** Set by search(): the step limit (or the stack cap) was reached. */
  exceededLimit: bool = false;

  // For each Split: which bytes each branch can start with, so branches that cannot match the
  // next byte are never pushed (most of the cost of a big alternation). splitIndex[pc] -> k;
  // branchSets[(2k + branch) * 8 ..] is a 256-bit set, or branchAny[2k + branch] if unknown.
  private splitIndex: StaticArray<i32>;
  private branchSets: StaticArray<u32>;
  private branchAny: StaticArray<bool>;
  private chains: SplitChains;
  // For each lookbehind: the bytes its body can start with (lookIndex[pc] -> k, lookSets[k * 8 ..]),
  // so only the positions behind that hold one are tried; lookAny[k] when unknown.
  private lookIndex: StaticArray<i32>;
  private lookSets: StaticArray<u32>;
  private lookAny: StaticArray<bool>;
  /** For each lookbehind (by lookIndex) with a regular body: its reverse DFA, else null. */
  private lookDfas: Array<LookbehindDfa | null> = new Array<LookbehindDfa | null>();
  /** For each lookahead with a regular body (lookIndex[pc] - lookbehinds): its DFA (lookahead-dfa.ts). */
  private aheadDfas: Array<LookaheadDfa> | null = null;
  /** decidedByDfa[pc] != 0: the lookaround at pc is answered by its DFA alone (negative, or no captures), in run(). */
  private decidedByDfa: StaticArray<u8>;
  /**
   * For each lookbehind, then each regular lookahead (by lookIndex), what run() needs to scan its
   * DFA in place (no call) while the transitions are cached: table address (0: call), classes
   * address, end class, start state. Refreshed after every call into the DFA, the only place its
   * table can move.
   */
  private lookScans: StaticArray<i32>;

  constructor(private readonly prog: Program, private readonly firstBytes: StaticArray<u8> | null, private readonly stepLimit: i32) {
    this.caps = new StaticArray<i32>(prog.slotCount);
    this.registers = new StaticArray<i32>(max(prog.loopRegisterCount, 1));
    const splitIndex = new StaticArray<i32>(prog.length);
    let splits = 0;
    for (let pc = 0; pc < prog.length; pc++) if (prog.op(pc) == Op.Split) splitIndex[pc] = splits++;
    this.splitIndex = splitIndex;
    const branchSets = new StaticArray<u32>(max(splits, 1) * 16);
    const branchAny = new StaticArray<bool>(max(splits, 1) * 2);
    this.branchSets = branchSets;
    this.branchAny = branchAny;
    this.chains = new SplitChains(prog, splits, splitIndex, branchSets, branchAny); // reads the sets filled below
    const seen = new SparseSet(prog.length);
    const work = new Array<i32>();
    const lookIndex = new StaticArray<i32>(prog.length);
    let looks = 0;
    for (let pc = 0; pc < prog.length; pc++) if (prog.op(pc) == Op.Look && (prog.a(pc) & LOOK_BEHIND) != 0) lookIndex[pc] = looks++;
    this.lookIndex = lookIndex;
    this.lookSets = new StaticArray<u32>(max(looks, 1) * 8);
    this.lookAny = new StaticArray<bool>(max(looks, 1));
    const decidedByDfa = new StaticArray<u8>(prog.length);
    this.decidedByDfa = decidedByDfa;
    let aheads = 0;
    let aheadDfas: Array<LookaheadDfa> | null = null;
    for (let pc = 0; pc < prog.length; pc++) {
      if (prog.op(pc) != Op.Look || (prog.a(pc) & LOOK_BEHIND) != 0 || !isRegularLookahead(prog, pc)) continue;
      if ((prog.a(pc) & LOOK_NEGATE) == 0 && lookaheadCaptures(prog, pc)) continue;
      if (aheadDfas == null) aheadDfas = new Array<LookaheadDfa>();
      aheadDfas.push(new LookaheadDfa(prog, pc));
      lookIndex[pc] = looks + aheads++;
      decidedByDfa[pc] = 1;
    }
    this.lookScans = new StaticArray<i32>(max(looks + aheads, 1) * 4);
    this.aheadDfas = aheadDfas;
    for (let pc = 0; pc < prog.length; pc++) {
      if (prog.op(pc) != Op.Look || (prog.a(pc) & LOOK_BEHIND) == 0) continue;
      const k = lookIndex[pc];
      this.lookAny[k] = !firstBytesFrom(prog, pc + 1, this.lookSets, k * 8, seen, work);
      const reversed = prog.reversedLookbehinds;
      const dfa: LookbehindDfa | null = reversed != null && reversed.has(pc) ? new LookbehindDfa(reversed.get(pc)) : null;
      this.lookDfas.push(dfa);
      if (dfa != null && ((prog.a(pc) & LOOK_NEGATE) != 0 || !dfa.capturing)) this.decidedByDfa[pc] = 1;
    }
    for (let pc = 0; pc < prog.length; pc++) {
      if (prog.op(pc) != Op.Split) continue;
      const k = splitIndex[pc];
      this.branchAny[2 * k] = !firstBytesFrom(prog, prog.a(pc), this.branchSets, (2 * k) * 8, seen, work);
      this.branchAny[2 * k + 1] = !firstBytesFrom(prog, prog.b(pc), this.branchSets, (2 * k + 1) * 8, seen, work);
    }
    // A Split that closes a greedy X+ of one byte set (X at pc - 1, Split back to it or on) is
    // run by the ByteSet case of run(), right after X took a byte; when nothing else leads to it,
    // that byte is known to be in X, so a \b or \B on the way out of the loop already rules out
    // some of the bytes after it (CRS 942130's ([\d\w]+)\b leaves only before a non-word byte).
    const entered = enteredOtherwise(prog);
    for (let pc = 1; pc < prog.length; pc++) {
      if (prog.op(pc) != Op.Split || prog.a(pc) != pc - 1 || prog.op(pc - 1) != Op.ByteSet) continue;
      const k = splitIndex[pc];
      if (!this.branchAny[2 * k + 1] && entered[pc] == 0) narrowByBoundaries(prog, pc - 1, prog.b(pc), this.branchSets, (2 * k + 1) * 8);
      unchecked((prog.code[((pc - 1) << 2) + 3] = 1));
    }
    for (let pc = 0; pc < prog.length; pc++) if (prog.op(pc) == Op.Split) unchecked((prog.code[(pc << 2) + 3] = splitIndex[pc]));
  }

  /**
   * Leftmost search from `start` (only at `start` when anchored); on a match copies the capture
   * slots to `out` and returns true. At most `budget` steps (default: the step limit); `steps`
   * tells how many were taken.
   */
  search(input: usize, len: i32, start: i32, anchored: bool, out: StaticArray<i32>, budget: i32 = -1): bool {
    this.candidates = 0;
    return this.start(input, len, start, anchored, out, budget);
  }

  /**
   * Leftmost search trying only the starts whose bit is set in `bits` (bit i: position first + i),
   * up to position `last`; otherwise as search(). Moving to the next start costs no call.
   */
  searchCandidates(input: usize, len: i32, bits: StaticArray<u32>, first: i32, last: i32, out: StaticArray<i32>, budget: i32): bool {
    this.candidates = changetype<usize>(bits);
    this.candidatesFirst = first;
    this.candidatesLast = last;
    const found = this.start(input, len, first, false, out, budget);
    this.candidates = 0;
    return found;
  }

  private candidates: usize = 0;
  private candidatesFirst: i32 = 0;
  private candidatesLast: i32 = 0;

  private start(input: usize, len: i32, start: i32, anchored: bool, out: StaticArray<i32>, budget: i32): bool {
    this.budget = budget >= 0 ? budget : this.stepLimit;
    this.input = input;
    this.len = len;
    this.steps = 0;
    this.exceededLimit = false;
    this.caps.fill(-1);
    this.registers.fill(-1);
    this.top = 0;
    this.anchored = anchored;
    // run() itself moves on to the next start position when one fails (no call per position).
    const pos = anchored ? start : this.nextStart(start);
    if (pos < 0) return false;
    const r = this.run(0, pos, -1);
    this.top = 0;
    if (r == LIMIT) { this.exceededLimit = true; return false; }
    if (r < 0) return false;
    for (let i = 0; i < this.caps.length; i++) unchecked((out[i] = this.caps[i]));
    return true;
  }

  private anchored: bool = false;
  private budget: i32 = 0;

  /** The first position >= pos where a match can start (a candidate, or by its first byte), or -1. */
  private nextStart(pos: i32): i32 {
    const bits = this.candidates;
    if (bits != 0) {
      const lastIndex = this.candidatesLast - this.candidatesFirst;
      let i = pos - this.candidatesFirst;
      while (i <= lastIndex) {
        const word = load<u32>(bits + (<usize>(i >> 5) << 2)) >> (<u32>i & 31);
        if (word != 0) {
          i += <i32>ctz(word);
          return i <= lastIndex ? this.candidatesFirst + i : -1;
        }
        i = (i | 31) + 1;
      }
      return -1;
    }
    const first = this.firstBytes;
    if (first == null) return pos <= this.len ? pos : -1;
    while (pos < this.len && unchecked(first[load<u8>(this.input + <usize>pos)]) == 0) pos++;
    return pos < this.len ? pos : -1;
  }

  /** Runs from pc until Match / SubEnd (returning the position), FAIL or LIMIT. `target` >= 0 requires SubEnd there (lookbehind). */
  private run(pc0: i32, pos0: i32, target: i32): i32 {
    // Raw addresses in locals: AssemblyScript spills managed references to its shadow stack on
    // every use, which would cost more than a step. The arrays cannot move while we run (no
    // compaction; only push() replaces the stack, and it updates `stack` below).
    const prog = this.prog;
    const code = changetype<usize>(prog.code);
    const sets = changetype<usize>(prog.sets);
    const caps = changetype<usize>(this.caps);
    const registers = changetype<usize>(this.registers);
    const decidedByDfa = changetype<usize>(this.decidedByDfa);
    const lookIndex = changetype<usize>(this.lookIndex);
    const lookScans = changetype<usize>(this.lookScans);
    const branchSets = changetype<usize>(this.branchSets);
    const branchAny = changetype<usize>(this.branchAny);
    const candidates = this.candidates;
    const candidatesFirst = this.candidatesFirst;
    const candidatesLastIndex = this.candidatesLast - candidatesFirst;
    const chains = this.chains;
    const chainTable = chains.tableAddress();
    const chainWidth = <usize>chains.width;
    const classOf = changetype<usize>(chains.classes.classOf);
    const endClass = chains.endClass;
    const first = this.candidates == 0 && this.firstBytes != null ? changetype<usize>(this.firstBytes) : 0;
    const input = this.input;
    const len = this.len;
    const limit = this.budget;
    let stack = changetype<usize>(this.stack);
    let capacity = this.stack.length;
    let top = this.top;
    let steps = this.steps;
    const base = top;
    // The outermost run (base 0, not anchored) is the whole search: on failure it restarts at the next position.
    const restart = base == 0 && target < 0 && pc0 == 0 && !this.anchored;
    let startPos = pos0;
    let pc = pc0, pos = pos0;
    while (true) {
      if (++steps > limit) { this.steps = steps; this.top = top; return LIMIT; }
      let inst = code + (<usize>pc << 4);
      const op = load<i32>(inst);
      let ok = false;
      if (op == Op.Byte) {
        if (pos < len) {
          const b = <i32>load<u8>(input + <usize>pos);
          if (b >= load<i32>(inst, 4) && b <= load<i32>(inst, 8)) { pc++; pos++; continue; }
        }
      } else if (op == Op.ByteSet) {
        if (pos < len) {
          const b = <u32>load<u8>(input + <usize>pos);
          const word = load<u32>(sets + ((<usize>load<i32>(inst, 4) << 5) + (<usize>(b >> 5) << 2)));
          if (((word >> (b & 31)) & 1) != 0) {
            pc++;
            pos++;
            if (load<i32>(inst, 12) == 0) continue;
            const loop = code + (<usize>pc << 4);
            // A greedy X+ of one byte set (X, then a Split back to X or on): looped here, counting
            // two steps a byte as before, an alternative pushed only where the next byte can go on.
            const set = sets + (<usize>load<i32>(inst, 4) << 5);
            const exit = load<i32>(loop, 8);
            const k = <usize>load<i32>(loop, 12);
            const exitAny = load<u8>(branchAny + 2 * k + 1) != 0;
            const exitSet = branchSets + ((2 * k + 1) << 5);
            let canExit = false;
            while (true) {
              const c: i32 = pos < len ? <i32>load<u8>(input + <usize>pos) : -1;
              canExit = exitAny || (c >= 0 && ((load<u32>(exitSet + (<usize>(c >> 5) << 2)) >> (<u32>c & 31)) & 1) != 0);
              if (c < 0 || ((load<u32>(set + (<usize>(c >> 5) << 2)) >> (<u32>c & 31)) & 1) == 0) break;
              steps += 2;
              if (steps > limit) { this.steps = steps; this.top = top; return LIMIT; }
              if (canExit) {
                if (top + 3 > capacity) {
                  this.top = top;
                  if (!this.grow()) { this.steps = steps; return LIMIT; }
                  stack = changetype<usize>(this.stack);
                  capacity = this.stack.length;
                }
                const f = stack + (<usize>top << 2);
                store<i32>(f, FRAME_ALTERNATIVE);
                store<i32>(f, exit, 4);
                store<i32>(f, pos, 8);
                top += 3;
              }
              pos++;
            }
            steps++; // the Split that leaves the loop
            if (canExit) { pc = exit; continue; }
          }
        }
      } else if (op == Op.Split) {
        // Where the Splits and Jumps from here lead for this byte (see split-chains.ts): on to one
        // instruction, or to a Split whose both branches are open (push the second), or nowhere.
        const k = <usize>load<i32>(inst, 12);
        const cls: i32 = pos < len ? <i32>load<u8>(classOf + <usize>load<u8>(input + <usize>pos)) : endClass;
        let to = load<i32>(chainTable + ((k * chainWidth + <usize>cls) << 2));
        if (to < 0) to = chains.resolve(pc, cls, pos < len ? <i32>load<u8>(input + <usize>pos) : -1);
        const way = to & 3;
        pc = to >> 2;
        if (way == CHAIN_ONE_WAY) continue;
        if (way == CHAIN_BOTH_WAYS) {
          if (top + 3 > capacity) {
            this.top = top;
            if (!this.grow()) { this.steps = steps; return LIMIT; }
            stack = changetype<usize>(this.stack);
            capacity = this.stack.length;
          }
          const split = code + (<usize>pc << 4);
          const f = stack + (<usize>top << 2);
          store<i32>(f, FRAME_ALTERNATIVE);
          store<i32>(f, load<i32>(split, 8), 4);
          store<i32>(f, pos, 8);
          top += 3;
          pc = load<i32>(split, 4);
          continue;
        }
        // CHAIN_NO_WAY: fail
      } else if (op == Op.Jump) {
        pc = load<i32>(inst, 4);
        continue;
      } else if (op == Op.Save || op == Op.LoopMark) {
        const slot = <usize>load<i32>(inst, 4);
        const array = op == Op.Save ? caps : registers;
        if (top + 3 > capacity) {
          this.top = top;
          if (!this.grow()) { this.steps = steps; return LIMIT; }
          stack = changetype<usize>(this.stack);
          capacity = this.stack.length;
        }
        const f = stack + (<usize>top << 2);
        store<i32>(f, op == Op.Save ? FRAME_RESTORE_SLOT : FRAME_RESTORE_REGISTER);
        store<i32>(f, <i32>slot, 4);
        store<i32>(f, load<i32>(array + (slot << 2)), 8);
        top += 3;
        store<i32>(array + (slot << 2), pos);
        pc++;
        continue;
      } else if (op == Op.Assert) {
        // \b and \B in-loop (the common ones: no call); the rest through assertionHolds.
        const kind = load<i32>(inst, 4);
        if (kind == AssertKind.WordBoundary || kind == AssertKind.NotWordBoundary) {
          const wordBefore = pos > 0 && load<u8>(WORD_BYTES + <usize>load<u8>(input + <usize>(pos - 1))) != 0;
          const wordAt = pos < len && load<u8>(WORD_BYTES + <usize>load<u8>(input + <usize>pos)) != 0;
          if ((wordBefore != wordAt) == (kind == AssertKind.WordBoundary)) { pc++; continue; }
        } else if (assertionHolds(kind, input, len, pos)) { pc++; continue; }
      } else if (op == Op.Backref) {
        // As in PCRE, a reference to a group that has not matched fails.
        const group = <usize>load<i32>(inst, 4);
        const from = load<i32>(caps + (group << 3));
        const n = load<i32>(caps + (group << 3) + 4) - from;
        if (from >= 0 && n >= 0 && pos + n <= len && sameBytes(input, from, pos, n, load<i32>(inst, 8) != 0)) { pos += n; pc++; continue; }
      } else if (op == Op.Match) {
        this.steps = steps;
        this.top = top;
        return pos;
      } else if (op == Op.SubEnd) {
        if (target < 0 || pos == target) { this.steps = steps; this.top = top; return pos; }
      } else if (op == Op.LoopCheck) {
        if (pos != load<i32>(registers + (<usize>load<i32>(inst, 4) << 2))) { pc++; continue; }
      } else if (op == Op.Look && load<u8>(decidedByDfa + <usize>pc) != 0) {
        // A regular lookaround: one DFA scan (right to left from pos for a lookbehind, as
        // LazyDFA.matchesEndingAt reads it; left to right for a lookahead, as an anchored
        // earliestMatchEnd does), no backtracking into its body; here while its transitions are
        // cached, else a call.
        const scan = lookScans + (<usize>load<i32>(lookIndex + (<usize>pc << 2)) << 4);
        const table = <usize>load<i32>(scan);
        let t = 0;
        if (table != 0) {
          const classes = <usize>load<i32>(scan, 4);
          const endClass = load<i32>(scan, 8);
          let s = load<i32>(scan, 12);
          let p = pos;
          // At the end of the text the transition is never a state, so the loops stop there.
          if ((load<i32>(inst, 4) & LOOK_BEHIND) != 0) {
            while (true) {
              const c: i32 = p > 0 ? <i32>load<u8>(classes + <usize>load<u8>(input + <usize>(p - 1))) : endClass;
              t = load<i32>(table + (<usize>(s + c) << 2));
              if (t < 0) break;
              s = t;
              p--;
            }
          } else {
            while (true) {
              const c: i32 = p < len ? <i32>load<u8>(classes + <usize>load<u8>(input + <usize>p)) : endClass;
              t = load<i32>(table + (<usize>(s + c) << 2));
              if (t < 0) break;
              s = t;
              p++;
            }
          }
        }
        const matched = t == MATCH || t == DEAD ? t == MATCH : this.lookaroundMatches(pc, pos); // t is 0 without a table
        if (matched != ((load<i32>(inst, 4) & LOOK_NEGATE) != 0)) { pc = load<i32>(inst, 8); continue; }
      } else {
        // Look, Atomic: rarer; they call back into run().
        this.steps = steps;
        this.top = top;
        const next = this.subMatch(op, pc, pos);
        steps = this.steps;
        top = this.top;
        stack = changetype<usize>(this.stack);
        capacity = this.stack.length;
        if (next == LIMIT) return LIMIT;
        if (next >= 0) {
          // Atomic moves pos; lookarounds keep it.
          if (op != Op.Look) pos = next;
          pc = load<i32>(inst, 8);
          continue;
        }
      }
      if (ok) continue;
      // Failure: undo to the most recent alternative of this run.
      let resumed = false;
      while (top > base) {
        top -= 3;
        const f = stack + (<usize>top << 2);
        const kind = load<i32>(f);
        const a = load<i32>(f, 4);
        const b = load<i32>(f, 8);
        if (kind == FRAME_ALTERNATIVE) { pc = a; pos = b; resumed = true; break; }
        store<i32>((kind == FRAME_RESTORE_SLOT ? caps : registers) + (<usize>a << 2), b);
      }
      if (!resumed) {
        if (restart) {
          // Every capture and register write was undone; try the next start position.
          let next = startPos + 1;
          if (first != 0) {
            // nextStart() inline for the common case: skip to a byte that can begin a match.
            while (next < len && load<u8>(first + <usize>load<u8>(input + <usize>next)) == 0) next++;
            if (next >= len) next = -1;
          } else if (candidates != 0) {
            // nextStart() inline for candidate bits: the next set bit at or after `next`.
            let i = next - candidatesFirst;
            next = -1;
            while (i <= candidatesLastIndex) {
              const word = load<u32>(candidates + (<usize>(i >> 5) << 2)) >> (<u32>i & 31);
              if (word != 0) {
                i += <i32>ctz(word);
                if (i <= candidatesLastIndex) next = candidatesFirst + i;
                break;
              }
              i = (i | 31) + 1;
            }
          } else next = this.nextStart(next);
          if (next >= 0) {
            // Instruction 0 is Save 0: done here, with no undo record (a failed start leaves nothing to undo).
            startPos = next;
            store<i32>(caps, next);
            pc = 1;
            pos = next;
            continue;
          }
        }
        this.steps = steps;
        this.top = top;
        return FAIL;
      }
    }
    return FAIL; // unreachable: the loop only exits by returning
  }

  /** Look or Atomic at pc: the position to continue from (pos itself for lookarounds), FAIL or LIMIT. */
  private subMatch(op: i32, pc: i32, pos: i32): i32 {
    const prog = this.prog;
    const mark = this.top;
    if (op == Op.Atomic) {
      const r = this.run(pc + 1, pos, -1);
      if (r >= 0) this.dropAlternatives(mark);
      return r;
    }
    const flags = prog.a(pc);
    let r = FAIL;
    if ((flags & LOOK_BEHIND) == 0) r = this.run(pc + 1, pos, -1);
    else {
      const k = unchecked(this.lookIndex[pc]);
      const dfa = unchecked(this.lookDfas[k]);
      // A positive lookbehind with captures (others with a DFA are answered in run()): the DFA
      // rules out a match, the backtracker finds the captures of one.
      if (dfa != null && !dfa.matchesBefore(this.input, this.len, pos)) return FAIL;
      const lowest = max(0, pos - prog.c(pc));
      const any = unchecked(this.lookAny[k]);
      const set = changetype<usize>(this.lookSets) + (<usize>k << 5);
      for (let from = pos; from >= lowest; from--) {
        if (!any) {
          // The body consumes at least one byte (else "any"): it must start with one it can start with.
          if (from >= pos) continue;
          const b = <u32>load<u8>(this.input + <usize>from);
          if (((load<u32>(set + (<usize>(b >> 5) << 2)) >> (b & 31)) & 1) == 0) continue;
        }
        r = this.run(pc + 1, from, pos);
        if (r != FAIL) break;
      }
    }
    if (r == LIMIT) return LIMIT;
    const negate = (flags & LOOK_NEGATE) != 0;
    if (r >= 0) {
      if (negate) { this.unwindTo(mark); return FAIL; }
      this.dropAlternatives(mark);
      return pos;
    }
    return negate ? pos : FAIL;
  }

  /** Whether the body of the regular lookbehind (lookahead) at pc matches some input[p..pos) (input[pos..p)). */
  private lookaroundMatches(pc: i32, pos: i32): bool {
    const k = unchecked(this.lookIndex[pc]);
    const looks = this.lookDfas.length;
    if (k < looks) return unchecked(this.lookDfas[k])!.matchesBeforeDescribing(this.input, this.len, pos, this.lookScans, k * 4);
    return unchecked(this.aheadDfas![k - looks]).matchesAfterDescribing(this.input, this.len, pos, this.lookScans, k * 4);
  }

  /** Doubles the backtrack stack (keeping `top` entries); false at the cap. */
  private grow(): bool {
    const size = this.stack.length * 2;
    if (size > MAX_STACK_ENTRIES) return false;
    const grown = new StaticArray<i32>(size);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.stack), <usize>this.top << 2);
    this.stack = grown;
    return true;
  }

  /** Pops everything above mark, restoring captures and registers (a lookaround that must not leave traces). */
  private unwindTo(mark: i32): void {
    while (this.top > mark) {
      this.top -= 3;
      const kind = unchecked(this.stack[this.top]);
      if (kind == FRAME_RESTORE_SLOT) unchecked((this.caps[this.stack[this.top + 1]] = this.stack[this.top + 2]));
      else if (kind == FRAME_RESTORE_REGISTER) unchecked((this.registers[this.stack[this.top + 1]] = this.stack[this.top + 2]));
    }
  }

  /** Removes the alternatives above mark (the group is atomic now) but keeps the undo records. */
  private dropAlternatives(mark: i32): void {
    let write = mark;
    for (let read = mark; read < this.top; read += 3) {
      if (unchecked(this.stack[read]) == FRAME_ALTERNATIVE) continue;
      if (write != read) {
        unchecked((this.stack[write] = this.stack[read]));
        unchecked((this.stack[write + 1] = this.stack[read + 1]));
        unchecked((this.stack[write + 2] = this.stack[read + 2]));
      }
      write += 3;
    }
    this.top = write;
  }
}

/** Whether input[at..at+n) repeats input[from..from+n) (ASCII letters of either case when caseInsensitive). */
@inline function sameBytes(input: usize, from: i32, at: i32, n: i32, caseInsensitive: bool): bool {
  for (let i = 0; i < n; i++) {
    let x: i32 = load<u8>(input + <usize>(from + i));
    let y: i32 = load<u8>(input + <usize>(at + i));
    if (caseInsensitive) {
      if (x >= 0x41 && x <= 0x5a) x += 0x20;
      if (y >= 0x41 && y <= 0x5a) y += 0x20;
    }
    if (x != y) return false;
  }
  return true;
}

/** entered[pc] != 0: some instruction other than pc - 1 falling through leads to pc (a jump, a branch, a group's end, the start). */
function enteredOtherwise(prog: Program): StaticArray<u8> {
  const entered = new StaticArray<u8>(prog.length + 1);
  entered[0] = 1;
  for (let pc = 0; pc < prog.length; pc++) {
    const op = prog.op(pc);
    if (op == Op.Jump) entered[prog.a(pc)] = 1;
    else if (op == Op.Split) { entered[prog.a(pc)] = 1; entered[prog.b(pc)] = 1; }
    else if (op == Op.Look || op == Op.Atomic) entered[prog.b(pc)] = 1;
  }
  return entered;
}

/**
 * For a loop on the byte set at `setPc` left at `exit`: when every byte of the set is a word byte
 * (or none is), a \b or \B met before anything else but captures and jumps on the way out says
 * whether the next byte must be a word byte; removes from sets[offset..offset+8) the others.
 */
function narrowByBoundaries(prog: Program, setPc: i32, exit: i32, sets: StaticArray<u32>, offset: i32): void {
  let words = 0;
  let count = 0;
  for (let b = 0; b < 256; b++) {
    if (!prog.accepts(setPc, b)) continue;
    count++;
    if (isWordByte(b)) words++;
  }
  if (count == 0 || (words != 0 && words != count)) return;
  const beforeIsWord = words != 0;
  let pc = exit;
  for (let guard = 0; guard < prog.length; guard++) {
    const op = prog.op(pc);
    if (op == Op.Jump) { pc = prog.a(pc); continue; }
    if (op == Op.Save || op == Op.LoopMark) { pc++; continue; }
    if (op != Op.Assert) return;
    const kind = prog.a(pc);
    if (kind == AssertKind.WordBoundary || kind == AssertKind.NotWordBoundary) {
      // \b: the next byte differs from the one before in being a word byte; \B: it does not.
      const nextIsWord = (kind == AssertKind.WordBoundary) != beforeIsWord;
      for (let b = 0; b < 256; b++) {
        if (isWordByte(b) != nextIsWord) sets[offset + (b >> 5)] &= ~((<u32>1) << (<u32>b & 31));
      }
    }
    pc++;
  }
}

/**
 * Collects into sets[offset..offset+8) the bytes a match attempt from pc can consume first.
 * Returns false (unknown: any byte, or the end) when pc can finish or hit a construct that
 * needs no byte (match, lookaround, backreference) or the search gets too wide.
 */
function firstBytesFrom(prog: Program, pc0: i32, sets: StaticArray<u32>, offset: i32, seen: SparseSet, work: Array<i32>): bool {
  seen.clear();
  work.length = 0;
  work.push(pc0);
  while (work.length > 0) {
    const pc = work.pop();
    if (seen.has(pc)) continue;
    if (seen.size >= 256) return false;
    seen.add(pc);
    const op = prog.op(pc);
    if (op == Op.Byte || op == Op.ByteSet) {
      for (let b = 0; b < 256; b++) if (prog.accepts(pc, b)) sets[offset + (b >> 5)] |= (<u32>1) << (<u32>b & 31);
    } else if (op == Op.Jump) work.push(prog.a(pc));
    else if (op == Op.Split) { work.push(prog.a(pc)); work.push(prog.b(pc)); }
    else if (op == Op.Save || op == Op.Assert || op == Op.LoopMark || op == Op.LoopCheck) work.push(pc + 1);
    else return false; // Match, SubEnd, Look, Atomic, Backref
  }
  return true;
}
