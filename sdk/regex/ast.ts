// The parsed pattern: a tree of Nodes, one shape for every kind (AS has no sum types).
import { CharSet } from "./charset";

export const enum NodeKind {
  Empty,
  /** Matches one character from `set`. */
  Chars,
  /** Zero-width assertion, `value` is an AssertKind. */
  Assert,
  /** Capture group number `value` around children[0]. */
  Capture,
  Concat,
  Alternate,
  /** children[0] repeated min..max times (max -1 = unbounded); `greedy`, `possessive`. */
  Repeat,
  /** Lookaround on children[0]: `behind`, `negate`. */
  Look,
  /** Atomic group (?>...): children[0] matched once, never backtracked into. */
  Atomic,
  /** Backreference to group `value`, `caseInsensitive`. */
  Backref,
}

export const enum AssertKind {
  BeginText, // \A, ^ without (?m)
  EndText, // \z, $ without (?m)
  BeginLine, // ^ with (?m)
  EndLine, // $ with (?m)
  WordBoundary, // \b
  NotWordBoundary, // \B
  EndTextOptionalNewline, // \Z (PCRE): end, or before a final \n
}

export class Node {
  children: Array<Node> = new Array<Node>();
  set: CharSet | null = null;
  value: i32 = 0;
  min: i32 = 0;
  max: i32 = 0;
  greedy: bool = true;
  possessive: bool = false;
  behind: bool = false;
  negate: bool = false;
  caseInsensitive: bool = false;
  /** For a Chars node made from one literal character (prefilters use it): the code point, else -1. */
  literal: i32 = -1;
  /** Offset in the pattern where this node starts (set for groups; used in error messages). */
  offset: i32 = 0;

  constructor(public kind: NodeKind) {}

  static chars(set: CharSet, literal: i32 = -1): Node {
    const n = new Node(NodeKind.Chars);
    n.set = set;
    n.literal = literal;
    return n;
  }

  static assert(kind: AssertKind): Node {
    const n = new Node(NodeKind.Assert);
    n.value = <i32>kind;
    return n;
  }

  static wrap(kind: NodeKind, child: Node): Node {
    const n = new Node(kind);
    n.children.push(child);
    return n;
  }
}
