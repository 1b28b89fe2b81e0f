// Facts about a Program computed once at compile time: byte equivalence classes (the DFA's
// alphabet) and the set of bytes that can start a match (the prefilter's skip table).
import { isWordByte } from "./charset";
import { LOOK_BEHIND, Op, Program } from "./program";
import { SparseSet } from "./sparse-set";

export class ByteClasses {
  /** classOf[byte]: the class of each byte; bytes in one class are never told apart by the program. */
  classOf: StaticArray<u8> = new StaticArray<u8>(256);
  /** A byte of each class. */
  representative: StaticArray<i32> = new StaticArray<i32>(0);
  count: i32 = 0;

  constructor(prog: Program) {
    const boundary = new StaticArray<bool>(257);
    for (let pc = 0; pc < prog.length; pc++) {
      const op = prog.op(pc);
      if (op == Op.Byte) {
        boundary[prog.a(pc)] = true;
        boundary[prog.b(pc) + 1] = true;
      } else if (op == Op.ByteSet) {
        for (let b = 1; b < 256; b++) if (prog.accepts(pc, b) != prog.accepts(pc, b - 1)) boundary[b] = true;
      }
    }
    if (prog.hasAssertions) {
      for (let b = 1; b < 256; b++) if (isWordByte(b) != isWordByte(b - 1)) boundary[b] = true;
      boundary[0x0a] = true;
      boundary[0x0b] = true;
    }
    let cls = 0;
    const reps = new Array<i32>();
    reps.push(0);
    for (let b = 0; b < 256; b++) {
      if (b > 0 && boundary[b]) { cls++; reps.push(b); }
      this.classOf[b] = <u8>cls;
    }
    this.count = cls + 1;
    this.representative = StaticArray.fromArray<i32>(reps);
  }
}

/**
 * Bytes that can be the first byte of a match (1 = can), or null when the pattern can match the
 * empty string or when nearly every byte qualifies (then skipping would not pay).
 */
export function firstByteTable(prog: Program): StaticArray<u8> | null {
  const table = new StaticArray<u8>(256);
  const seen = new SparseSet(prog.length);
  const work = new Array<i32>();
  work.push(0);
  while (work.length > 0) {
    const pc = work.pop();
    if (seen.has(pc)) continue;
    seen.add(pc);
    const op = prog.op(pc);
    switch (op) {
      case Op.Match: return null;
      case Op.Byte: case Op.ByteSet:
        for (let b = 0; b < 256; b++) if (prog.accepts(pc, b)) table[b] = 1;
        break;
      case Op.Jump: work.push(prog.a(pc)); break;
      case Op.Split: work.push(prog.a(pc)); work.push(prog.b(pc)); break;
      case Op.Look: case Op.Atomic:
        // Lookarounds are zero-width: continue after them, and (conservatively) into a lookahead's
        // body too. A lookbehind's body reads bytes before the match: they say nothing about its first.
        if (op == Op.Look) work.push(prog.b(pc));
        if (op == Op.Atomic || (prog.a(pc) & LOOK_BEHIND) == 0) work.push(pc + 1);
        break;
      case Op.SubEnd: return null; // an atomic group that can be empty: give up on skipping
      case Op.Backref: return null; // may match empty
      default: work.push(pc + 1); // Save, Assert, loop guards
    }
  }
  let count = 0;
  for (let b = 0; b < 256; b++) count += table[b];
  return count >= 200 ? null : table;
}
