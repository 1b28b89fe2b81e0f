// A pattern X*Y or X*?Y whose X is one byte class (no captures), searched unanchored: it matches
// somewhere exactly when Y does (if it matches at p with X taking k bytes, Y matches at p + k;
// conversely X can take nothing). So a search can look for Y alone and try far fewer starts; in
// runs of X bytes, every start would otherwise re-scan the rest of the run (quadratic work, e.g.
// CRS 942130's leading [\s'"`()]*? on a long run of spaces). The leftmost match of the whole
// pattern then starts where the run of X bytes before Y's leftmost match begins.
import { Node, NodeKind } from "./ast";

export class LeadingRun {
  constructor(
    /** bytes[b] != 0: b is in X. */
    readonly bytes: StaticArray<u8>,
    /** Y: the pattern after the leading X* / X*?. */
    readonly rest: Node,
  ) {}
}

/** The split of root into X* and Y, or null when root does not have that shape. */
export function splitLeadingRun(root: Node, utf8: bool): LeadingRun | null {
  if (root.kind != NodeKind.Concat || root.children.length < 2) return null;
  const head = root.children[0];
  // Possessive X*+ always takes the whole run, so Y alone would admit more starts: not this shape.
  if (head.kind != NodeKind.Repeat || head.min != 0 || head.max != -1 || head.possessive) return null;
  const x = head.children[0];
  if (x.kind != NodeKind.Chars) return null;
  const ranges = x.set!.normalize().ranges;
  if (ranges.length == 0) return null;
  // Multi-byte characters would make "the run of X bytes" a run of characters: keep to bytes.
  if (utf8 && ranges[ranges.length - 1] >= 0x80) return null;
  const bytes = new StaticArray<u8>(256);
  for (let i = 0; i < ranges.length; i += 2) {
    for (let b = ranges[i]; b <= min(ranges[i + 1], 0xff); b++) bytes[b] = 1;
  }
  const rest = new Node(NodeKind.Concat);
  for (let i = 1; i < root.children.length; i++) rest.children.push(root.children[i]);
  return new LeadingRun(bytes, rest);
}
