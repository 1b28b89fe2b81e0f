// Compiles the Node tree to a Program. Repetitions {n,m} are expanded; the instruction count is
// capped so that memory per pattern stays bounded.
import { AssertKind, Node, NodeKind } from "./ast";
import { CharSet } from "./charset";
import { isRegularBody } from "./lookbehind-dfa";
import { INST_WORDS, LOOK_BEHIND, LOOK_NEGATE, Op, Program } from "./program";
import { utf8Sequences } from "./utf8-ranges";

export const MAX_INSTRUCTIONS: i32 = 200000;

export class CompileOutput {
  program: Program | null = null;
  error: string | null = null;
  errorOffset: i32 = 0;
}

export class Compiler {
  private code: Array<i32> = new Array<i32>();
  private sets: Array<u32> = new Array<u32>();
  private loopRegisters: i32 = 0;
  private hasAssertions: bool = false;
  private reversedLookbehinds: Map<i32, Program> | null = null;
  private error: string | null = null;
  private errorOffset: i32 = 0;

  /**
   * `reverse`: compile the pattern to match its input backwards (concatenations and UTF-8 byte
   * sequences reversed, ^ and $ swapped) for a DFA that scans from the end; RE2 constructs only.
   */
  constructor(private readonly utf8: bool, private readonly backtracking: bool, private readonly groupCount: i32, private readonly reverse: bool = false) {}

  compile(root: Node): CompileOutput {
    this.emit(Op.Save, 0, 0, 0);
    this.node(root);
    this.emit(Op.Save, 1, 0, 0);
    this.emit(Op.Match, 0, 0, 0);
    const out = new CompileOutput();
    if (this.error != null) {
      out.error = this.error;
      out.errorOffset = this.errorOffset;
      return out;
    }
    out.program = new Program(this.code, this.sets, this.groupCount * 2, this.loopRegisters, this.hasAssertions, this.backtracking);
    out.program!.reversedLookbehinds = this.reversedLookbehinds;
    return out;
  }

  private get pc(): i32 { return this.code.length / INST_WORDS; }

  private emit(op: Op, a: i32, b: i32, c: i32): i32 {
    const pc = this.pc;
    if (pc >= MAX_INSTRUCTIONS) {
      if (this.error == null) {
        this.error = "pattern too large: more than " + MAX_INSTRUCTIONS.toString() + " instructions after expanding repetitions";
        this.errorOffset = 0;
      }
      return pc;
    }
    this.code.push(<i32>op);
    this.code.push(a);
    this.code.push(b);
    this.code.push(c);
    return pc;
  }

  private patchA(pc: i32, v: i32): void { if (pc < this.pc) this.code[pc * INST_WORDS + 1] = v; }
  private patchB(pc: i32, v: i32): void { if (pc < this.pc) this.code[pc * INST_WORDS + 2] = v; }

  private node(n: Node): void {
    if (this.error != null) return;
    switch (n.kind) {
      case NodeKind.Empty: return;
      case NodeKind.Chars: this.chars(n.set!); return;
      case NodeKind.Assert:
        this.hasAssertions = true;
        this.emit(Op.Assert, this.reverse ? mirrored(n.value) : n.value, 0, 0);
        return;
      case NodeKind.Capture:
        this.emit(Op.Save, 2 * n.value, 0, 0);
        this.node(n.children[0]);
        this.emit(Op.Save, 2 * n.value + 1, 0, 0);
        return;
      case NodeKind.Concat:
        if (this.reverse) for (let i = n.children.length - 1; i >= 0; i--) this.node(n.children[i]);
        else for (let i = 0; i < n.children.length; i++) this.node(n.children[i]);
        return;
      case NodeKind.Alternate: this.alternate(n.children); return;
      case NodeKind.Repeat: this.repeat(n); return;
      case NodeKind.Look: this.look(n); return;
      case NodeKind.Atomic: this.atomic(n.children[0]); return;
      case NodeKind.Backref:
        this.emit(Op.Backref, n.value, n.caseInsensitive ? 1 : 0, 0);
        return;
    }
  }

  private alternate(alternatives: Array<Node>): void {
    const jumps = new Array<i32>();
    for (let i = 0; i < alternatives.length; i++) {
      const last = i == alternatives.length - 1;
      let split = -1;
      if (!last) split = this.emit(Op.Split, this.pc + 1, 0, 0);
      this.node(alternatives[i]);
      if (!last) {
        jumps.push(this.emit(Op.Jump, 0, 0, 0));
        this.patchB(split, this.pc);
      }
    }
    for (let i = 0; i < jumps.length; i++) this.patchA(jumps[i], this.pc);
  }

  private repeat(n: Node): void {
    if (n.possessive) {
      // x*+ is (?>x*)
      const plain = Node.wrap(NodeKind.Repeat, n.children[0]);
      plain.min = n.min;
      plain.max = n.max;
      plain.greedy = true;
      this.atomic(plain);
      return;
    }
    const child = n.children[0];
    for (let i = 0; i < n.min; i++) {
      if (this.error != null) return;
      if (n.max < 0 && i == n.min - 1 && !(this.backtracking && canBeEmpty(child))) {
        this.plus(child, n.greedy);
        return;
      }
      this.node(child);
    }
    if (n.max < 0) { this.star(child, n.greedy); return; }
    // (x(x(x)?)?)? for the optional part of {n,m}
    const splits = new Array<i32>();
    for (let i = n.min; i < n.max; i++) {
      if (this.error != null) return;
      splits.push(this.emit(Op.Split, 0, 0, 0));
      const body = this.pc;
      const sp = splits[splits.length - 1];
      if (n.greedy) this.patchA(sp, body); else this.patchB(sp, body);
      this.node(child);
    }
    for (let i = 0; i < splits.length; i++) {
      if (n.greedy) this.patchB(splits[i], this.pc); else this.patchA(splits[i], this.pc);
    }
  }

  private star(child: Node, greedy: bool): void {
    const loop = this.emit(Op.Split, 0, 0, 0);
    const body = this.pc;
    const guard = this.backtracking && canBeEmpty(child);
    const register = guard ? this.loopRegisters++ : 0;
    if (guard) this.emit(Op.LoopMark, register, 0, 0);
    this.node(child);
    if (guard) this.emit(Op.LoopCheck, register, 0, 0);
    this.emit(Op.Jump, loop, 0, 0);
    if (greedy) { this.patchA(loop, body); this.patchB(loop, this.pc); }
    else { this.patchA(loop, this.pc); this.patchB(loop, body); }
  }

  private plus(child: Node, greedy: bool): void {
    const body = this.pc;
    this.node(child);
    if (greedy) this.emit(Op.Split, body, this.pc + 1, 0);
    else this.emit(Op.Split, this.pc + 1, body, 0);
  }

  private look(n: Node): void {
    let maxBehind = 0;
    if (n.behind) {
      maxBehind = maxLength(n.children[0], this.utf8);
      if (maxBehind < 0) {
        if (this.error == null) {
          this.error = "lookbehind assertion must have a bounded length";
          this.errorOffset = n.offset;
        }
        return;
      }
    }
    const flags = (n.behind ? LOOK_BEHIND : 0) | (n.negate ? LOOK_NEGATE : 0);
    const head = this.emit(Op.Look, flags, 0, maxBehind);
    if (n.behind && this.backtracking && isRegularBody(n.children[0])) this.reverseLookbehind(head, n.children[0]);
    this.node(n.children[0]);
    this.emit(Op.SubEnd, 0, 0, 0);
    this.patchB(head, this.pc);
  }

  /** Compiles a regular lookbehind body in reverse too, for the backtracker's DFA (lookbehind-dfa.ts). */
  private reverseLookbehind(head: i32, body: Node): void {
    const reversed = new Compiler(this.utf8, false, this.groupCount, true).compile(body).program;
    if (reversed == null) return; // too large: the backtracker runs the body
    let map = this.reversedLookbehinds;
    if (map == null) {
      map = new Map<i32, Program>();
      this.reversedLookbehinds = map;
    }
    map.set(head, reversed);
  }

  private atomic(child: Node): void {
    const head = this.emit(Op.Atomic, 0, 0, 0);
    this.node(child);
    this.emit(Op.SubEnd, 0, 0, 0);
    this.patchB(head, this.pc);
  }

  // ---- characters -------------------------------------------------------------------------------

  private chars(set: CharSet): void {
    set.normalize();
    const r = set.ranges;
    if (r.length == 0) {
      // An empty class matches nothing: a byte range that cannot match.
      this.emit(Op.ByteSet, this.byteSet(new CharSet()), 0, 0);
      return;
    }
    if (!this.utf8 || r[r.length - 1] < 0x80) {
      this.singleByte(set);
      return;
    }
    // UTF-8: one branch for the ASCII part, one per multi-byte sequence.
    const ascii = new CharSet();
    const seqs = new Array<i32>();
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] < 0x80) ascii.addRange(r[i], min(r[i + 1], 0x7f));
      if (r[i + 1] >= 0x80) utf8Sequences(max(r[i], 0x80), r[i + 1], seqs);
    }
    let branches = 0;
    for (let i = 0; i < seqs.length; i += 1 + 2 * seqs[i]) branches++;
    if (!ascii.isEmpty()) branches++;
    const jumps = new Array<i32>();
    let b = 0;
    let split = -1;
    if (!ascii.isEmpty()) {
      if (b < branches - 1) split = this.emit(Op.Split, this.pc + 1, 0, 0);
      this.singleByte(ascii);
      if (b < branches - 1) { jumps.push(this.emit(Op.Jump, 0, 0, 0)); this.patchB(split, this.pc); }
      b++;
    }
    for (let i = 0; i < seqs.length; i += 1 + 2 * seqs[i]) {
      if (b < branches - 1) split = this.emit(Op.Split, this.pc + 1, 0, 0);
      const n = seqs[i];
      for (let j = 0; j < n; j++) {
        const k = this.reverse ? n - 1 - j : j;
        this.emit(Op.Byte, seqs[i + 1 + 2 * k], seqs[i + 2 + 2 * k], 0);
      }
      if (b < branches - 1) { jumps.push(this.emit(Op.Jump, 0, 0, 0)); this.patchB(split, this.pc); }
      b++;
    }
    for (let i = 0; i < jumps.length; i++) this.patchA(jumps[i], this.pc);
  }

  /** A set of bytes (all values <= 0xff) as one instruction. */
  private singleByte(set: CharSet): void {
    const r = set.ranges;
    if (r.length == 2) { this.emit(Op.Byte, r[0], min(r[1], 0xff), 0); return; }
    this.emit(Op.ByteSet, this.byteSet(set), 0, 0);
  }

  private byteSet(set: CharSet): i32 {
    const index = this.sets.length >> 3;
    const words = new StaticArray<u32>(8);
    const r = set.ranges;
    for (let i = 0; i < r.length; i += 2) {
      for (let c = r[i]; c <= min(r[i + 1], 0xff); c++) words[c >> 5] |= (<u32>1) << (<u32>c & 31);
    }
    for (let i = 0; i < 8; i++) this.sets.push(words[i]);
    return index;
  }
}

/** The assertion that holds at the same place when the input is read backwards. */
function mirrored(kind: i32): i32 {
  switch (kind) {
    case AssertKind.BeginText: return AssertKind.EndText;
    case AssertKind.EndText: return AssertKind.BeginText;
    case AssertKind.BeginLine: return AssertKind.EndLine;
    case AssertKind.EndLine: return AssertKind.BeginLine;
  }
  return kind; // \b and \B look at both sides alike
}

/** Whether the node can match the empty string (conservative: true when unsure). */
export function canBeEmpty(n: Node): bool {
  switch (n.kind) {
    case NodeKind.Chars: return false;
    case NodeKind.Concat:
      for (let i = 0; i < n.children.length; i++) if (!canBeEmpty(n.children[i])) return false;
      return true;
    case NodeKind.Alternate:
      for (let i = 0; i < n.children.length; i++) if (canBeEmpty(n.children[i])) return true;
      return false;
    case NodeKind.Repeat: return n.min == 0 || canBeEmpty(n.children[0]);
    case NodeKind.Capture: case NodeKind.Atomic: return canBeEmpty(n.children[0]);
    default: return true;
  }
}

/** Maximum length in bytes of what the node matches; -1 if unbounded. */
export function maxLength(n: Node, utf8: bool): i32 {
  switch (n.kind) {
    case NodeKind.Chars: {
      const r = n.set!.normalize().ranges;
      if (r.length == 0) return 0;
      const top = r[r.length - 1];
      if (!utf8) return 1;
      return top < 0x80 ? 1 : top < 0x800 ? 2 : top < 0x10000 ? 3 : 4;
    }
    case NodeKind.Concat: {
      let total = 0;
      for (let i = 0; i < n.children.length; i++) {
        const m = maxLength(n.children[i], utf8);
        if (m < 0) return -1;
        total += m;
      }
      return total;
    }
    case NodeKind.Alternate: {
      let best = 0;
      for (let i = 0; i < n.children.length; i++) {
        const m = maxLength(n.children[i], utf8);
        if (m < 0) return -1;
        if (m > best) best = m;
      }
      return best;
    }
    case NodeKind.Repeat: {
      if (n.max < 0) return -1;
      const m = maxLength(n.children[0], utf8);
      return m < 0 ? -1 : m * n.max;
    }
    case NodeKind.Capture: case NodeKind.Atomic: return maxLength(n.children[0], utf8);
    case NodeKind.Backref: return -1;
    default: return 0;
  }
}

export { AssertKind };
