// The loosened pattern: an RE2-only (regular) superset of a pattern that needs the backtracker.
// Whatever the real pattern matches, the loosened one matches too (at the same start and end), so
// an automaton built from it can prove "no match here" without backtracking:
//   lookaround           -> dropped (a dropped condition only admits more)
//   atomic, possessive   -> plain group, greedy repeat (they only remove ways to match)
//   \Z                   -> dropped
//   backreference \N     -> a copy of group N's sub-pattern, loosened, with its assertions dropped
//                           (they held where the group matched, not necessarily here) and ASCII
//                           letters of either case when the reference ignores case; any string
//                           when group N is missing or the copies nest too deep.
import { AssertKind, Node, NodeKind } from "./ast";
import { CharSet, MAX_CODEPOINT } from "./charset";

/** How many backreferences may be expanded inside one another before falling back to "any string". */
const MAX_EXPANSION_DEPTH: i32 = 4;

export function loosen(root: Node, utf8: bool): Node {
  const groups = new Map<i32, Node>();
  collectGroups(root, groups);
  return new Loosener(groups, utf8).node(root, false, 0);
}

function collectGroups(n: Node, groups: Map<i32, Node>): void {
  if (n.kind == NodeKind.Capture) groups.set(n.value, n.children[0]);
  for (let i = 0; i < n.children.length; i++) collectGroups(n.children[i], groups);
}

class Loosener {
  constructor(private readonly groups: Map<i32, Node>, private readonly utf8: bool) {}

  /** `foldCase`: under a backreference that ignores case; `depth`: backreference expansions around n (inside one, assertions are dropped). */
  node(n: Node, foldCase: bool, depth: i32): Node {
    switch (n.kind) {
      case NodeKind.Chars:
        return foldCase ? Node.chars(n.set!.caseFolded(true)) : n;
      case NodeKind.Assert:
        return depth > 0 || n.value == <i32>AssertKind.EndTextOptionalNewline ? new Node(NodeKind.Empty) : n;
      case NodeKind.Look:
        return new Node(NodeKind.Empty);
      case NodeKind.Capture: case NodeKind.Atomic:
        return this.node(n.children[0], foldCase, depth);
      case NodeKind.Backref:
        return this.backref(n, foldCase, depth);
      case NodeKind.Concat: case NodeKind.Alternate: case NodeKind.Repeat: {
        const out = new Node(n.kind);
        out.min = n.min;
        out.max = n.max;
        out.greedy = true;
        out.possessive = false;
        for (let i = 0; i < n.children.length; i++) out.children.push(this.node(n.children[i], foldCase, depth));
        return out;
      }
    }
    return n; // Empty
  }

  private backref(n: Node, foldCase: bool, depth: i32): Node {
    if (!this.groups.has(n.value) || depth >= MAX_EXPANSION_DEPTH) return this.anyString();
    return this.node(this.groups.get(n.value), foldCase || n.caseInsensitive, depth + 1);
  }

  /** Any sequence of characters (in UTF-8 mode a group can only have captured whole characters). */
  private anyString(): Node {
    const any = new CharSet();
    any.addRange(0, this.utf8 ? MAX_CODEPOINT : 0xff);
    const star = Node.wrap(NodeKind.Repeat, Node.chars(any));
    star.min = 0;
    star.max = -1;
    return star;
  }
}
