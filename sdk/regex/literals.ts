// Literal strings a match must contain (or start with), read off the Node tree. They feed the
// prefilter, which can reject an input or skip to a candidate far faster than any automaton.
import { Node, NodeKind } from "./ast";
import { utf8Bytes } from "./parser";

const MAX_LITERALS: i32 = 32;

export class Literals {
  list: Array<Array<u8>> = new Array<Array<u8>>();
  /** Compare ASCII letters without case (the literals are stored in lower case). */
  caseless: bool = false;

  minLength(): i32 {
    let m = i32.MAX_VALUE;
    for (let i = 0; i < this.list.length; i++) m = min(m, this.list[i].length);
    return this.list.length == 0 ? 0 : m;
  }

  /** Better = longer shortest literal, then fewer literals. */
  betterThan(other: Literals | null): bool {
    if (other == null) return true;
    const a = this.minLength(), b = other.minLength();
    if (a != b) return a > b;
    return this.list.length < other.list.length;
  }
}

/** Literals of which at least one occurs in every match, or null when none can be named. */
export function requiredLiterals(n: Node, utf8: bool): Literals | null {
  switch (n.kind) {
    case NodeKind.Chars: return single(n, utf8);
    case NodeKind.Capture: case NodeKind.Atomic: return requiredLiterals(n.children[0], utf8);
    case NodeKind.Repeat: return n.min >= 1 ? requiredLiterals(n.children[0], utf8) : null;
    case NodeKind.Alternate: return union(n, utf8, false);
    case NodeKind.Concat: {
      let best: Literals | null = null;
      let run = new Literals();
      run.list.push(new Array<u8>());
      for (let i = 0; i < n.children.length; i++) {
        const child = n.children[i];
        if (appendChar(run, child, utf8)) continue;
        if (run.list[0].length > 0 && run.betterThan(best)) best = run;
        run = new Literals();
        run.list.push(new Array<u8>());
        if (child.kind == NodeKind.Assert || child.kind == NodeKind.Empty) continue;
        const inner = requiredLiterals(child, utf8);
        if (inner != null && inner.betterThan(best)) best = inner;
      }
      if (run.list[0].length > 0 && run.betterThan(best)) best = run;
      return best;
    }
  }
  return null;
}

/** Literals one of which every match starts with, or null. */
export function prefixLiterals(n: Node, utf8: bool): Literals | null {
  switch (n.kind) {
    case NodeKind.Chars: return single(n, utf8);
    case NodeKind.Capture: case NodeKind.Atomic: return prefixLiterals(n.children[0], utf8);
    case NodeKind.Repeat: return n.min >= 1 ? prefixLiterals(n.children[0], utf8) : null;
    case NodeKind.Alternate: return union(n, utf8, true);
    case NodeKind.Concat: {
      let i = 0;
      // Zero-width assertions and empty nodes consume nothing: the match still starts with what follows.
      while (i < n.children.length && (n.children[i].kind == NodeKind.Assert || n.children[i].kind == NodeKind.Empty)) i++;
      if (i >= n.children.length) return null;
      const run = new Literals();
      run.list.push(new Array<u8>());
      while (i < n.children.length && appendChar(run, n.children[i], utf8)) i++;
      if (run.list[0].length > 0) return run;
      return prefixLiterals(n.children[i], utf8);
    }
  }
  return null;
}

function union(n: Node, utf8: bool, prefix: bool): Literals | null {
  const out = new Literals();
  for (let i = 0; i < n.children.length; i++) {
    const part = prefix ? prefixLiterals(n.children[i], utf8) : requiredLiterals(n.children[i], utf8);
    if (part == null) return null;
    for (let k = 0; k < part.list.length; k++) out.list.push(part.list[k]);
    if (part.caseless) out.caseless = true;
    if (out.list.length > MAX_LITERALS) return null;
  }
  if (out.caseless) {
    // Caseless comparison folds the input to lower case: every literal must be in lower case too.
    for (let i = 0; i < out.list.length; i++) {
      const lit = out.list[i];
      for (let k = 0; k < lit.length; k++) if (lit[k] >= 0x41 && lit[k] <= 0x5a) lit[k] += 0x20;
    }
  }
  return out;
}

function single(n: Node, utf8: bool): Literals | null {
  const run = new Literals();
  run.list.push(new Array<u8>());
  return appendChar(run, n, utf8) ? run : null;
}

/** Appends the node's character to the (single) literal in `run` if the node is one literal character. */
function appendChar(run: Literals, n: Node, utf8: bool): bool {
  if (n.kind != NodeKind.Chars) return false;
  const r = n.set!.normalize().ranges;
  let bytes: Array<i32>;
  if (r.length == 2 && r[0] == r[1]) {
    const c = r[0];
    bytes = utf8 ? utf8Bytes(c) : [c];
    // A lone letter is compared exactly unless the set is caseless: keep it in lower case then.
    if (run.caseless && c >= 0x41 && c <= 0x5a) bytes = [c + 0x20];
  } else if (r.length == 4 && r[0] == r[1] && r[2] == r[3] && r[0] >= 0x41 && r[0] <= 0x5a && r[2] == r[0] + 0x20) {
    bytes = [r[2]]; // {X, x}: an ASCII letter without case
    if (!run.caseless) {
      run.caseless = true;
      const lit = run.list[0];
      for (let i = 0; i < lit.length; i++) if (lit[i] >= 0x41 && lit[i] <= 0x5a) lit[i] += 0x20;
    }
  } else return false;
  const lit = run.list[0];
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i];
    if (run.caseless && b >= 0x41 && b <= 0x5a) b += 0x20;
    lit.push(<u8>b);
  }
  return true;
}
