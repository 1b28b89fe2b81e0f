// The compiled form every matcher runs: a byte-level NFA as flat instructions (4 x i32 each).
// DFA and Pike VM use the RE2 subset; the backtracker also runs the PCRE-only instructions.

export const enum Op {
  /** Consume one byte in [a, b]. */
  Byte,
  /** Consume one byte in byte set a (a 256-bit map in Program.sets). */
  ByteSet,
  /** Try a first, then b. */
  Split,
  Jump,
  /** Record the position in capture slot a. */
  Save,
  /** Zero-width assertion, a = AssertKind. */
  Assert,
  Match,
  // Backtracking-only instructions. The body of Look/Atomic starts at pc+1 and ends with SubEnd.
  /** Lookaround: a = LOOK_BEHIND | LOOK_NEGATE bits, b = pc after the body, c = max bytes looked behind. */
  Look,
  /** Atomic group: b = pc after the body. */
  Atomic,
  SubEnd,
  /** Backreference: a = group, b = 1 if case-insensitive (ASCII). */
  Backref,
  /** Loop guards against endless empty iterations: LoopMark saves pos in register a, LoopCheck fails if pos did not move. */
  LoopMark,
  LoopCheck,
}

export const LOOK_BEHIND: i32 = 1;
export const LOOK_NEGATE: i32 = 2;
export const INST_WORDS: i32 = 4;

export class Program {
  /**
   * Instructions, INST_WORDS i32 each: op, a, b, c. The c of a Split or a ByteSet is free for the
   * backtracker, which writes there (the same values for every backtracker of the program): a
   * Split's index among the Splits, and 1 on a ByteSet that is the X of a greedy X+.
   */
  code: StaticArray<i32>;
  /** Byte sets: 8 x u32 (256 bits) each. */
  sets: StaticArray<u32>;
  length: i32;
  slotCount: i32;
  loopRegisterCount: i32;
  hasAssertions: bool;
  needsBacktracking: bool;
  /** Lookbehinds with a regular body: Look pc -> the body compiled in reverse (see lookbehind-dfa.ts). */
  reversedLookbehinds: Map<i32, Program> | null = null;

  constructor(code: Array<i32>, sets: Array<u32>, slotCount: i32, loopRegisterCount: i32, hasAssertions: bool, needsBacktracking: bool) {
    this.code = StaticArray.fromArray<i32>(code);
    this.sets = StaticArray.fromArray<u32>(sets.length > 0 ? sets : [0]);
    this.length = code.length / INST_WORDS;
    this.slotCount = slotCount;
    this.loopRegisterCount = loopRegisterCount;
    this.hasAssertions = hasAssertions;
    this.needsBacktracking = needsBacktracking;
  }

  @inline op(pc: i32): i32 { return unchecked(this.code[pc << 2]); }
  @inline a(pc: i32): i32 { return unchecked(this.code[(pc << 2) + 1]); }
  @inline b(pc: i32): i32 { return unchecked(this.code[(pc << 2) + 2]); }
  @inline c(pc: i32): i32 { return unchecked(this.code[(pc << 2) + 3]); }

  /** Whether byte-consuming instruction pc accepts byte `byte`. */
  @inline accepts(pc: i32, byte: i32): bool {
    const op = this.op(pc);
    if (op == Op.Byte) return byte >= this.a(pc) && byte <= this.b(pc);
    const word = unchecked(this.sets[(this.a(pc) << 3) + (byte >> 5)]);
    return ((word >> (<u32>byte & 31)) & 1) != 0;
  }
}
