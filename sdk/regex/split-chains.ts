// Where a chain of Splits and Jumps leads for a given next byte, so that the backtracker takes
// it in one step. An alternation of n branches compiles to n - 1 Splits in a row; when the next
// byte can start only one branch of a Split (the backtracker's branch sets), nothing is pushed
// and the search just moves on, Split after Split (CRS 942130 walks five of them to reach '='
// at every "word=" candidate). The chain's end depends only on the next byte's class, so it is
// worked out once per (Split, class), on first use, and cached.
import { ByteClasses } from "./analysis";
import { Op, Program } from "./program";

const UNKNOWN: i32 = -1;
/** How a chain ends, in the low two bits of a cached entry (the pc is above them). */
export const CHAIN_ONE_WAY: i32 = 0; // at an instruction that is not a Split: go on there
export const CHAIN_BOTH_WAYS: i32 = 1; // at a Split whose branches can both start with the byte
export const CHAIN_NO_WAY: i32 = 2; // at a Split where neither can: fail

export class SplitChains {
  /** classOf[byte], and the class index used at the end of the input. */
  readonly classes: ByteClasses;
  readonly endClass: i32;
  private readonly stride: i32;
  /** (split index * stride + class) -> the pc the chain leads to; allocated on first search. */
  private table: StaticArray<i32> | null = null;

  constructor(
    private readonly prog: Program,
    private readonly splitCount: i32,
    private readonly splitIndex: StaticArray<i32>,
    private readonly branchSets: StaticArray<u32>,
    private readonly branchAny: StaticArray<bool>,
  ) {
    this.classes = new ByteClasses(prog);
    this.endClass = this.classes.count;
    this.stride = this.classes.count + 1;
  }

  /** The cache's address (for the backtracker's loop), allocating it on first use. */
  tableAddress(): usize {
    let t = this.table;
    if (t == null) {
      t = new StaticArray<i32>(max(this.splitCount, 1) * this.stride);
      t.fill(UNKNOWN);
      this.table = t;
    }
    return changetype<usize>(t);
  }

  /** Entries per Split in the cache. */
  @inline get width(): i32 { return this.stride; }

  /**
   * From the Split at pc, with `byte` next (-1 at the end of the input; `cls` its class): follows
   * every Split with only one branch that can start with it, and every Jump. Returns the first
   * other instruction, or a Split where both branches (or neither) can; caches it.
   */
  resolve(pc: i32, cls: i32, byte: i32): i32 {
    const prog = this.prog;
    let p = pc;
    let way = CHAIN_ONE_WAY;
    for (let guard = 0; guard < prog.length; guard++) {
      const op = prog.op(p);
      if (op == Op.Jump) { p = prog.a(p); continue; }
      if (op != Op.Split) break;
      const k = unchecked(this.splitIndex[p]);
      const a = this.viable(2 * k, byte);
      const b = this.viable(2 * k + 1, byte);
      if (a && b) { way = CHAIN_BOTH_WAYS; break; }
      if (!a && !b) { way = CHAIN_NO_WAY; break; }
      p = a ? prog.a(p) : prog.b(p);
    }
    // A cycle of Jumps and Splits open one way (the guard ran out) ends where it stopped: one more step.
    if (way == CHAIN_ONE_WAY && prog.op(p) == Op.Split) way = CHAIN_BOTH_WAYS;
    const entry = (p << 2) | way;
    const table = this.table!;
    unchecked((table[unchecked(this.splitIndex[pc]) * this.stride + cls] = entry));
    return entry;
  }

  private viable(branch: i32, byte: i32): bool {
    if (unchecked(this.branchAny[branch])) return true;
    if (byte < 0) return false;
    return ((unchecked(this.branchSets[branch * 8 + (byte >> 5)]) >> (<u32>byte & 31)) & 1) != 0;
  }
}
