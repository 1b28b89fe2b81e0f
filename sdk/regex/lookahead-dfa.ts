// A lookahead whose body is regular (RE2 instructions only), answered by an anchored lazy DFA over
// the body: one left-to-right scan from the position until a match or a dead state, instead of a
// nested backtracking run (CRS 953120's <\?(?!xml) checked "xml" after every "<?" with a call
// back into the backtracker, about 90 ns each). The DFA runs a copy of the body's instructions
// (relocated, SubEnd turned into Match), made on first use like the DFA itself. As for
// lookbehinds, it answers a negative lookahead, or a positive one without captures.
import { ByteClasses } from "./analysis";
import { AssertKind } from "./ast";
import { LazyDFA } from "./dfa";
import { Op, Program } from "./program";

export class LookaheadDfa {
  private dfa: LazyDFA | null = null;

  /** `pc`: the Look instruction; its body runs from pc + 1 to the SubEnd before prog.b(pc). */
  constructor(private readonly prog: Program, private readonly pc: i32) {}

  /** Whether the body matches some input[pos..e), then what an inlined scan needs (LazyDFA.describeScan). */
  matchesAfterDescribing(input: usize, len: i32, pos: i32, scan: StaticArray<i32>, at: i32): bool {
    let d = this.dfa;
    if (d == null) {
      const body = bodyProgram(this.prog, this.pc);
      d = new LazyDFA(body, new ByteClasses(body), true);
      this.dfa = d;
    }
    const found = d.earliestMatchEnd(input, len, pos, null) >= 0;
    d.describeScan(scan, at);
    return found;
  }
}

/** Whether the lookahead at pc has a body of RE2 instructions only (no lookaround, backreference, atomic group, loop guard or \Z). */
export function isRegularLookahead(prog: Program, pc: i32): bool {
  const end = prog.b(pc) - 1;
  if (prog.op(end) != Op.SubEnd) return false;
  for (let p = pc + 1; p < end; p++) {
    const op = prog.op(p);
    if (op == Op.Byte || op == Op.ByteSet || op == Op.Save) continue;
    if (op == Op.Assert) { if (prog.a(p) == <i32>AssertKind.EndTextOptionalNewline) return false; continue; }
    if (op == Op.Jump) { if (prog.a(p) <= pc || prog.a(p) > end) return false; continue; }
    if (op == Op.Split) { if (prog.a(p) <= pc || prog.a(p) > end || prog.b(p) <= pc || prog.b(p) > end) return false; continue; }
    return false;
  }
  return true;
}

/** Whether the body of the lookahead at pc sets capture groups (their offsets need the backtracker). */
export function lookaheadCaptures(prog: Program, pc: i32): bool {
  for (let p = pc + 1; p < prog.b(pc) - 1; p++) if (prog.op(p) == Op.Save && prog.a(p) >= 2) return true;
  return false;
}

/** The body of the lookahead at pc as a program of its own: relocated to start at 0, its SubEnd a Match. */
function bodyProgram(prog: Program, pc: i32): Program {
  const base = pc + 1;
  const end = prog.b(pc) - 1;
  const code = new Array<i32>();
  let assertions = false;
  for (let p = base; p <= end; p++) {
    let op = prog.op(p);
    let a = prog.a(p), b = prog.b(p);
    if (op == Op.Jump) a -= base;
    else if (op == Op.Split) { a -= base; b -= base; }
    else if (op == Op.SubEnd) op = Op.Match;
    else if (op == Op.Assert) assertions = true;
    code.push(op);
    code.push(a);
    code.push(b);
    code.push(0);
  }
  const body = new Program(code, [], prog.slotCount, 0, assertions, false);
  body.sets = prog.sets;
  return body;
}
