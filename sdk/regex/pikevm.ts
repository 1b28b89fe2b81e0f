// Pike VM: simulates the NFA with one thread per instruction, each carrying its capture slots,
// in priority order, so results equal a backtracker's (leftmost-first) in O(input x program) time.
// All memory is allocated once per pattern; a search allocates nothing.
import { assertionHolds } from "./assertions";
import { Op, Program } from "./program";
import { SparseSet } from "./sparse-set";

const FRAME_EXPLORE: i32 = 0;
const FRAME_RESTORE: i32 = 1;

export class PikeVM {
  private current: SparseSet;
  private next: SparseSet;
  private currentSlots: StaticArray<i32>;
  private nextSlots: StaticArray<i32>;
  private scratch: StaticArray<i32>;
  private stack: StaticArray<i32>;
  private readonly slots: i32;

  constructor(private readonly prog: Program, private readonly firstBytes: StaticArray<u8> | null) {
    const n = prog.length;
    const slots = prog.slotCount;
    this.slots = slots;
    this.current = new SparseSet(n);
    this.next = new SparseSet(n);
    this.currentSlots = new StaticArray<i32>(n * slots);
    this.nextSlots = new StaticArray<i32>(n * slots);
    this.scratch = new StaticArray<i32>(slots);
    this.stack = new StaticArray<i32>(3 * (3 * n + slots + 4));
  }

  /**
   * Leftmost-first search in input[start..len) (bytes before `start` are context for assertions).
   * On a match fills `out` (slotCount entries) and returns true.
   */
  search(input: usize, len: i32, start: i32, anchored: bool, out: StaticArray<i32>): bool {
    const prog = this.prog;
    const slots = this.slots;
    let clist = this.current, nlist = this.next;
    let cslots = this.currentSlots, nslots = this.nextSlots;
    clist.clear();
    nlist.clear();
    let matched = false;
    const first = this.firstBytes;
    let pos = start;
    while (true) {
      if (!matched && (!anchored || pos == start)) {
        if (clist.size == 0 && first != null && !anchored) {
          // No thread alive: skip to the next byte that can start a match.
          while (pos < len && unchecked(first[load<u8>(input + <usize>pos)]) == 0) pos++;
          if (pos >= len) return false;
        }
        for (let s = 0; s < slots; s++) unchecked((this.scratch[s] = -1));
        this.addThread(clist, cslots, 0, input, len, pos, this.scratch);
      }
      if (clist.size == 0) break;
      const byte: i32 = pos < len ? load<u8>(input + <usize>pos) : -1;
      for (let i = 0; i < clist.size; i++) {
        const pc = unchecked(clist.dense[i]);
        const op = prog.op(pc);
        if (op == Op.Match) {
          const row = pc * slots;
          for (let s = 0; s < slots; s++) unchecked((out[s] = cslots[row + s]));
          matched = true;
          break; // lower-priority threads lose
        }
        // The list also holds the empty-transition instructions visited on the way (for dedup): skip them.
        if (byte >= 0 && (op == Op.Byte || op == Op.ByteSet) && prog.accepts(pc, byte)) {
          this.addThreadFromRow(nlist, nslots, pc + 1, input, len, pos + 1, cslots, pc * slots);
        }
      }
      if (pos >= len) break;
      pos++;
      const t = clist; clist = nlist; nlist = t;
      const ts = cslots; cslots = nslots; nslots = ts;
      nlist.clear();
    }
    return matched;
  }

  private addThreadFromRow(list: SparseSet, listSlots: StaticArray<i32>, pc: i32, input: usize, len: i32, pos: i32, from: StaticArray<i32>, row: i32): void {
    const scratch = this.scratch;
    for (let s = 0; s < this.slots; s++) unchecked((scratch[s] = from[row + s]));
    this.addThread(list, listSlots, pc, input, len, pos, scratch);
  }

  /** Follows empty transitions from pc, recording threads at byte and match instructions. Mutates then restores `caps`. */
  private addThread(list: SparseSet, listSlots: StaticArray<i32>, pc0: i32, input: usize, len: i32, pos: i32, caps: StaticArray<i32>): void {
    const prog = this.prog;
    const stack = this.stack;
    let top = 0;
    unchecked((stack[top++] = FRAME_EXPLORE));
    unchecked((stack[top++] = pc0));
    unchecked((stack[top++] = 0));
    while (top > 0) {
      const value = unchecked(stack[--top]);
      let pc = unchecked(stack[--top]);
      const kind = unchecked(stack[--top]);
      if (kind == FRAME_RESTORE) {
        unchecked((caps[pc] = value));
        continue;
      }
      while (true) {
        if (list.has(pc)) break;
        list.add(pc);
        const op = prog.op(pc);
        if (op == Op.Jump) { pc = prog.a(pc); continue; }
        if (op == Op.Split) {
          unchecked((stack[top++] = FRAME_EXPLORE));
          unchecked((stack[top++] = prog.b(pc)));
          unchecked((stack[top++] = 0));
          pc = prog.a(pc);
          continue;
        }
        if (op == Op.Save) {
          const slot = prog.a(pc);
          unchecked((stack[top++] = FRAME_RESTORE));
          unchecked((stack[top++] = slot));
          unchecked((stack[top++] = caps[slot]));
          unchecked((caps[slot] = pos));
          pc++;
          continue;
        }
        if (op == Op.Assert) {
          if (!assertionHolds(prog.a(pc), input, len, pos)) break;
          pc++;
          continue;
        }
        if (op == Op.LoopMark || op == Op.LoopCheck) { pc++; continue; }
        // Byte, ByteSet, Match: a thread waits here.
        const row = pc * this.slots;
        for (let s = 0; s < this.slots; s++) unchecked((listSlots[row + s] = caps[s]));
        break;
      }
    }
  }
}
