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
// tightLoosen() gives a tighter superset for a pattern Y (G) Z with a backreference to G in Z:
// what \N repeats begins with the character G began with. The ASCII characters G can begin with
// are dealt, up to case, into FIRST_CHAR_BUCKETS sets B (consecutive characters into different
// ones), and the loosened pattern is the alternation, over B, of Y (G beginning in B) Z' where
// every expansion of \N in Z' also begins in B. CRS 942130's \b([\d\w]+)\b...=...\b\1\b so
// loosens to 8 alternatives, and near-misses like "charset=utf" or "a=b" (first characters in
// different sets) are no longer loosened matches: they never reach the backtracker. More sets
// would let fewer through but make the DFAs larger (each alternative is a copy of Z).
import { AssertKind, Node, NodeKind } from "./ast";
import { CharSet, MAX_CODEPOINT } from "./charset";
import { canBeEmpty } from "./compiler";

/** How many sets the first characters are dealt into (the alternatives of tightLoosen()). */
const FIRST_CHAR_BUCKETS: i32 = 8;
/** tightLoosen() gives up when its result would have more nodes than this. */
const MAX_TIGHT_NODES: i32 = 12000;

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

/**
 * The tighter loosened pattern described above, or null when the pattern does not have that
 * shape: a concatenation with a capture group G (so matched once, not repeated), never empty,
 * beginning only with ASCII characters, that a later part of the concatenation refers to.
 */
export function tightLoosen(root: Node, utf8: bool): Node | null {
  const j = tightGroup(root);
  if (j < 0) return null;
  const groups = new Map<i32, Node>();
  collectGroups(root, groups);
  const children = root.children;
  const group = children[j];
  const sets = asciiFirstClasses(firstChars(group.children[0])!)!;
  const plain = new Loosener(groups, utf8);
  const alternatives = new Node(NodeKind.Alternate);
  let size = 0;
  for (let k = 0; k < sets.length; k++) {
    const start = restrictFirst(plain.node(group.children[0], false, 0), sets[k]);
    if (start == null) return null;
    const loosener = new Loosener(groups, utf8);
    loosener.restrictedGroup = group.value;
    loosener.restriction = sets[k];
    const alternative = new Node(NodeKind.Concat);
    alternative.children.push(start);
    for (let i = j + 1; i < children.length; i++) alternative.children.push(loosener.node(children[i], false, 0));
    size += countNodes(alternative);
    if (size > MAX_TIGHT_NODES) return null;
    alternatives.children.push(alternative);
  }
  const out = new Node(NodeKind.Concat);
  for (let i = 0; i < j; i++) out.children.push(plain.node(children[i], false, 0));
  out.children.push(alternatives);
  return out;
}

/** Whether tightLoosen() can tighten root (without building it). */
export function hasTightLoosening(root: Node): bool {
  return tightGroup(root) >= 0;
}

/** The index in root (a concatenation) of the group tightLoosen() splits on, or -1. */
function tightGroup(root: Node): i32 {
  if (root.kind != NodeKind.Concat) return -1;
  const children = root.children;
  for (let j = 0; j < children.length; j++) {
    const group = children[j];
    if (group.kind != NodeKind.Capture) continue;
    let referenced = false;
    for (let i = j + 1; i < children.length; i++) if (refersTo(children[i], group.value)) referenced = true;
    if (!referenced || canBeEmpty(group.children[0])) continue;
    const first = firstChars(group.children[0]);
    if (first == null || asciiFirstClasses(first) == null) continue;
    return j;
  }
  return -1;
}

/** Whether n refers to group g outside lookarounds (inside one, the loosened pattern drops it). */
function refersTo(n: Node, g: i32): bool {
  if (n.kind == NodeKind.Look) return false;
  if (n.kind == NodeKind.Backref) return n.value == g;
  for (let i = 0; i < n.children.length; i++) if (refersTo(n.children[i], g)) return true;
  return false;
}

/** The characters a non-empty match of n can begin with, or null if unknown (a backreference). */
function firstChars(n: Node): CharSet | null {
  switch (n.kind) {
    case NodeKind.Chars: return n.set!;
    case NodeKind.Capture: case NodeKind.Atomic: case NodeKind.Repeat: return firstChars(n.children[0]);
    case NodeKind.Alternate: case NodeKind.Concat: {
      const out = new CharSet();
      for (let i = 0; i < n.children.length; i++) {
        const c = n.children[i];
        const f = firstChars(c);
        if (f == null) return null;
        out.addSet(f);
        if (n.kind == NodeKind.Concat && !canBeEmpty(c)) break;
      }
      return out.normalize();
    }
    case NodeKind.Backref: return null;
  }
  return new CharSet(); // zero-width
}

/**
 * The ASCII characters of `first` with their other case, dealt into at most FIRST_CHAR_BUCKETS
 * sets (c and C always together, consecutive characters into different sets), or null if
 * `first` has non-ASCII characters or fits in one set.
 */
function asciiFirstClasses(first: CharSet): Array<CharSet> | null {
  const r = first.normalize().ranges;
  if (r.length == 0 || r[r.length - 1] > 0x7f) return null;
  const out = new Array<CharSet>();
  let n = 0;
  for (let c = 0; c < 0x80; c++) {
    if (!contains(r, c)) continue;
    const isUpper = c >= 0x41 && c <= 0x5a;
    if (isUpper && contains(r, c + 0x20)) continue; // dealt with its lower case
    if (out.length < FIRST_CHAR_BUCKETS) out.push(new CharSet());
    const set = out[n % FIRST_CHAR_BUCKETS];
    set.addRange(c, c);
    if (isUpper) set.addRange(c + 0x20, c + 0x20);
    else if (c >= 0x61 && c <= 0x7a) set.addRange(c - 0x20, c - 0x20);
    n++;
  }
  if (out.length < 2) return null;
  for (let i = 0; i < out.length; i++) out[i].normalize();
  return out;
}

function contains(ranges: Array<i32>, c: i32): bool {
  for (let i = 0; i < ranges.length; i += 2) if (c >= ranges[i] && c <= ranges[i + 1]) return true;
  return false;
}

/** a ∩ b. */
function intersect(a: CharSet, b: CharSet): CharSet {
  const x = a.normalize().ranges, y = b.normalize().ranges;
  const out = new CharSet();
  for (let i = 0; i < x.length; i += 2) {
    for (let k = 0; k < y.length; k += 2) out.addRange(max(x[i], y[k]), min(x[i + 1], y[k + 1]));
  }
  return out.normalize();
}

/**
 * A loosened (regular) node matching at least the non-empty strings of n that begin with a
 * character of `set`, or null when n's shape is not handled (a part that can be empty first).
 */
function restrictFirst(n: Node, set: CharSet): Node | null {
  switch (n.kind) {
    case NodeKind.Chars: {
      const s = intersect(n.set!, set);
      return s.isEmpty() ? null : Node.chars(s);
    }
    case NodeKind.Concat: {
      const out = new Node(NodeKind.Concat);
      let i = 0;
      // Zero-width parts first stay as they are.
      while (i < n.children.length && (n.children[i].kind == NodeKind.Assert || n.children[i].kind == NodeKind.Empty)) out.children.push(n.children[i++]);
      if (i == n.children.length || canBeEmpty(n.children[i])) return null;
      const head = restrictFirst(n.children[i], set);
      if (head == null) return null;
      out.children.push(head);
      for (i++; i < n.children.length; i++) out.children.push(n.children[i]);
      return out;
    }
    case NodeKind.Alternate: {
      const out = new Node(NodeKind.Alternate);
      for (let i = 0; i < n.children.length; i++) {
        const c = n.children[i];
        const f = firstChars(c);
        if (f != null && intersect(f, set).isEmpty() && !canBeEmpty(c)) continue; // cannot begin so
        const r = restrictFirst(c, set);
        if (r == null) return null;
        out.children.push(r);
      }
      return out.children.length == 0 ? null : out.children.length == 1 ? out.children[0] : out;
    }
    case NodeKind.Repeat: {
      if (n.min < 1 || canBeEmpty(n.children[0])) return null;
      const head = restrictFirst(n.children[0], set);
      if (head == null) return null;
      const rest = new Node(NodeKind.Repeat);
      rest.min = n.min - 1;
      rest.max = n.max < 0 ? -1 : n.max - 1;
      rest.greedy = true;
      rest.children.push(n.children[0]);
      const out = new Node(NodeKind.Concat);
      out.children.push(head);
      if (rest.max != 0) out.children.push(rest);
      return out;
    }
  }
  return null;
}

function countNodes(n: Node): i32 {
  let total = 1;
  for (let i = 0; i < n.children.length; i++) total += countNodes(n.children[i]);
  return total;
}

class Loosener {
  /** With tightLoosen(): the group whose references are expanded beginning only with `restriction`. */
  restrictedGroup: i32 = -1;
  restriction: CharSet | null = null;

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
    const copy = this.node(this.groups.get(n.value), foldCase || n.caseInsensitive, depth + 1);
    if (n.value != this.restrictedGroup) return copy;
    // What the reference repeats began with a character of the restriction (a class closed under
    // ASCII case, so also when the reference ignores case). Unrestricted it is still a superset.
    const restricted = restrictFirst(copy, this.restriction!);
    return restricted != null ? restricted : copy;
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
