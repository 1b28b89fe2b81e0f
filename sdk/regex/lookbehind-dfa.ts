// A lookbehind whose body is regular (RE2 constructs only), answered by a lazy DFA over the body
// compiled in reverse: it reads the bytes before the position right to left once, until a match
// or a dead state, instead of backtracking the body from every position it could start at.
// (CRS 920120 checks an eight-way (?<!&(?:[aAoOuUyY]uml)|&(?:...)|...) before every ';', and
// every alternative begins with '&', so the backtracker tried them one by one.)
// The DFA gives only "does the body match some input[p..pos)": enough for a negative lookbehind
// and a positive one without captures; a positive one with captures still backtracks for their
// offsets, and only when the DFA found a match.
import { ByteClasses } from "./analysis";
import { AssertKind, Node, NodeKind } from "./ast";
import { LazyDFA } from "./dfa";
import { Op, Program } from "./program";

export class LookbehindDfa {
  /** The body sets capture groups (their offsets need the backtracker). */
  readonly capturing: bool;
  private dfa: LazyDFA | null = null;

  /** `reversed`: the body alone, compiled in reverse. */
  constructor(private readonly reversed: Program) {
    let capturing = false;
    for (let pc = 0; pc < reversed.length; pc++) if (reversed.op(pc) == Op.Save && reversed.a(pc) >= 2) capturing = true;
    this.capturing = capturing;
  }

  /** Whether the body matches some input[p..pos). The DFA is built on first use. */
  @inline matchesBefore(input: usize, len: i32, pos: i32): bool {
    return this.getDfa().matchesEndingAt(input, len, pos);
  }

  /**
   * matchesBefore, then what a scan inlined in the backtracker needs to answer the next ones
   * itself while every transition it takes is cached (see LazyDFA.describeScan).
   */
  matchesBeforeDescribing(input: usize, len: i32, pos: i32, scan: StaticArray<i32>, at: i32): bool {
    const d = this.getDfa();
    const found = d.matchesEndingAt(input, len, pos);
    d.describeScan(scan, at);
    return found;
  }

  private getDfa(): LazyDFA {
    let d = this.dfa;
    if (d == null) {
      d = new LazyDFA(this.reversed, new ByteClasses(this.reversed), true);
      this.dfa = d;
    }
    return d;
  }
}

/** Whether the lookbehind body uses only what the DFA runs (no lookaround, backreference, atomic or possessive group, \Z). */
export function isRegularBody(n: Node): bool {
  switch (n.kind) {
    case NodeKind.Look: case NodeKind.Atomic: case NodeKind.Backref: return false;
    case NodeKind.Assert: return n.value != <i32>AssertKind.EndTextOptionalNewline;
    case NodeKind.Repeat: if (n.possessive) return false; break;
  }
  for (let i = 0; i < n.children.length; i++) if (!isRegularBody(n.children[i])) return false;
  return true;
}
