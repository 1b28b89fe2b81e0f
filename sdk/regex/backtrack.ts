// Backtracking matcher for the PCRE constructs outside RE2 (lookaround, backreferences, atomic and
// possessive groups). Chosen only for patterns that use them. Every instruction executed costs one
// step; a search that exceeds the step limit (like ModSecurity's SecPcreMatchLimit) stops and
// reports it, so no pattern can hang. The explicit stack is capped too.
import { assertionHolds } from "./assertions";
import { LOOK_BEHIND, LOOK_NEGATE, Op, Program } from "./program";

const FRAME_ALTERNATIVE: i32 = 0;
const FRAME_RESTORE_SLOT: i32 = 1;
const FRAME_RESTORE_REGISTER: i32 = 2;
const MAX_STACK_ENTRIES: i32 = 3 * 1024 * 1024;

const FAIL: i32 = -1;
const LIMIT: i32 = -2;

export class Backtracker {
  private stack: StaticArray<i32> = new StaticArray<i32>(3 * 256);
  private top: i32 = 0;
  private caps: StaticArray<i32>;
  private registers: StaticArray<i32>;
  private steps: i32 = 0;
  private input: usize = 0;
  private len: i32 = 0;
  /** Set by search(): the step limit (or the stack cap) was reached. */
  exceededLimit: bool = false;

  constructor(private readonly prog: Program, private readonly firstBytes: StaticArray<u8> | null, private readonly stepLimit: i32) {
    this.caps = new StaticArray<i32>(prog.slotCount);
    this.registers = new StaticArray<i32>(max(prog.loopRegisterCount, 1));
  }

  /** Leftmost search from `start`; on a match copies the capture slots to `out` and returns true. */
  search(input: usize, len: i32, start: i32, anchored: bool, out: StaticArray<i32>): bool {
    this.input = input;
    this.len = len;
    this.steps = 0;
    this.exceededLimit = false;
    const first = this.firstBytes;
    for (let pos = start; pos <= len; pos++) {
      if (first != null && !anchored) {
        while (pos < len && unchecked(first[load<u8>(input + <usize>pos)]) == 0) pos++;
        if (pos >= len) return false;
      }
      this.caps.fill(-1);
      this.registers.fill(-1);
      this.top = 0;
      const r = this.run(0, pos, -1);
      if (r == LIMIT) { this.exceededLimit = true; this.top = 0; return false; }
      if (r >= 0) {
        for (let i = 0; i < this.caps.length; i++) unchecked((out[i] = this.caps[i]));
        this.top = 0;
        return true;
      }
      if (anchored) break;
    }
    return false;
  }

  /** Runs from pc until Match / SubEnd (returning the position), FAIL or LIMIT. `target` >= 0 requires SubEnd there (lookbehind). */
  private run(pc0: i32, pos0: i32, target: i32): i32 {
    const prog = this.prog;
    const base = this.top;
    let pc = pc0, pos = pos0;
    while (true) {
      if (++this.steps > this.stepLimit) return LIMIT;
      const op = prog.op(pc);
      let ok = false;
      switch (op) {
        case Op.Byte: case Op.ByteSet:
          if (pos < this.len && prog.accepts(pc, load<u8>(this.input + <usize>pos))) { pc++; pos++; ok = true; }
          break;
        case Op.Split:
          if (!this.push(FRAME_ALTERNATIVE, prog.b(pc), pos)) return LIMIT;
          pc = prog.a(pc);
          ok = true;
          break;
        case Op.Jump: pc = prog.a(pc); ok = true; break;
        case Op.Save: {
          const slot = prog.a(pc);
          if (!this.push(FRAME_RESTORE_SLOT, slot, unchecked(this.caps[slot]))) return LIMIT;
          unchecked((this.caps[slot] = pos));
          pc++;
          ok = true;
          break;
        }
        case Op.Assert:
          if (assertionHolds(prog.a(pc), this.input, this.len, pos)) { pc++; ok = true; }
          break;
        case Op.Match: return pos;
        case Op.SubEnd:
          if (target < 0 || pos == target) return pos;
          break;
        case Op.Look: {
          const flags = prog.a(pc);
          const mark = this.top;
          let r = FAIL;
          if ((flags & LOOK_BEHIND) == 0) r = this.run(pc + 1, pos, -1);
          else {
            const lowest = max(0, pos - prog.c(pc));
            for (let from = pos; from >= lowest; from--) {
              r = this.run(pc + 1, from, pos);
              if (r != FAIL) break;
            }
          }
          if (r == LIMIT) return LIMIT;
          const negate = (flags & LOOK_NEGATE) != 0;
          if (r >= 0) {
            if (negate) this.unwindTo(mark);
            else { this.dropAlternatives(mark); pc = prog.b(pc); ok = true; }
          } else if (negate) { pc = prog.b(pc); ok = true; }
          break;
        }
        case Op.Atomic: {
          const mark = this.top;
          const r = this.run(pc + 1, pos, -1);
          if (r == LIMIT) return LIMIT;
          if (r >= 0) { this.dropAlternatives(mark); pos = r; pc = prog.b(pc); ok = true; }
          break;
        }
        case Op.Backref: {
          const group = prog.a(pc);
          const s = unchecked(this.caps[2 * group]), e = unchecked(this.caps[2 * group + 1]);
          // As in PCRE, a reference to a group that has not matched fails.
          if (s >= 0 && e >= s && this.sameBytes(s, e - s, pos, prog.b(pc) != 0)) { pos += e - s; pc++; ok = true; }
          break;
        }
        case Op.LoopMark: {
          const reg = prog.a(pc);
          if (!this.push(FRAME_RESTORE_REGISTER, reg, unchecked(this.registers[reg]))) return LIMIT;
          unchecked((this.registers[reg] = pos));
          pc++;
          ok = true;
          break;
        }
        case Op.LoopCheck:
          if (pos != unchecked(this.registers[prog.a(pc)])) { pc++; ok = true; }
          break;
      }
      if (ok) continue;
      // Failure: undo to the most recent alternative of this run.
      let resumed = false;
      while (this.top > base) {
        this.top -= 3;
        const kind = unchecked(this.stack[this.top]);
        const a = unchecked(this.stack[this.top + 1]);
        const b = unchecked(this.stack[this.top + 2]);
        if (kind == FRAME_ALTERNATIVE) { pc = a; pos = b; resumed = true; break; }
        if (kind == FRAME_RESTORE_SLOT) unchecked((this.caps[a] = b));
        else unchecked((this.registers[a] = b));
      }
      if (!resumed) return FAIL;
    }
    return FAIL; // unreachable: the loop only exits by returning
  }

  private sameBytes(from: i32, n: i32, at: i32, caseInsensitive: bool): bool {
    if (at + n > this.len) return false;
    for (let i = 0; i < n; i++) {
      let x: i32 = load<u8>(this.input + <usize>(from + i));
      let y: i32 = load<u8>(this.input + <usize>(at + i));
      if (caseInsensitive) {
        if (x >= 0x41 && x <= 0x5a) x += 0x20;
        if (y >= 0x41 && y <= 0x5a) y += 0x20;
      }
      if (x != y) return false;
    }
    return true;
  }

  private push(kind: i32, a: i32, b: i32): bool {
    if (this.top + 3 > this.stack.length) {
      const size = this.stack.length * 2;
      if (size > MAX_STACK_ENTRIES) return false;
      const grown = new StaticArray<i32>(size);
      memory.copy(changetype<usize>(grown), changetype<usize>(this.stack), <usize>this.top << 2);
      this.stack = grown;
    }
    unchecked((this.stack[this.top] = kind));
    unchecked((this.stack[this.top + 1] = a));
    unchecked((this.stack[this.top + 2] = b));
    this.top += 3;
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
