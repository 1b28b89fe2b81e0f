// A compiled pattern. Searches pick the cheapest engine that can answer:
//   test   -> prefilter + lazy DFA (linear, no captures)
//   exec   -> DFA to reject non-matching input, then the Pike VM for capture offsets
//   PCRE-only patterns (lookaround, backreferences, atomic/possessive) -> DFAs over a loosened,
//     regular superset of the pattern, then the bounded backtracker only where a match can start.
import { AssertKind, Node, NodeKind } from "./ast";
import { ByteClasses, firstByteTable } from "./analysis";
import { BacktrackSearch } from "./backtrack-search";
import { LazyDFA } from "./dfa";
import { Match } from "./match";
import { RegexOptions } from "./options";
import { ParseResult } from "./parser";
import { PikeVM } from "./pikevm";
import { Program } from "./program";
import { expandReplacement } from "./replace";
import { maxLength } from "./compiler";
import { Literals, prefixLiterals, requiredLiterals } from "./literals";
import { Prefilter } from "./prefilter";

export class Regex {
  /** Number of capture groups, including group 0 (the whole match). */
  readonly groupCount: i32;
  /** Named groups: name -> group index. */
  readonly groupNames: Map<string, i32>;
  /** True when the pattern needs the backtracking fallback (PCRE-only constructs). */
  readonly usesBacktracking: bool;
  /** Set by every search: true if the backtracking fallback hit its step limit (the result is then "no match"). */
  lastMatchExceededLimit: bool = false;

  private readonly classes: ByteClasses;
  private readonly firstBytes: StaticArray<u8> | null;
  private readonly anchoredStart: bool;
  /** For patterns ending in \z (or $ without (?m)) with a bounded length: the longest match, else -1. */
  private readonly endAnchoredLength: i32;
  private prefilter: Prefilter | null = null;
  /** Every match starts with one of the prefilter's literals (so searching may start there). */
  private prefilterIsPrefix: bool = false;
  private readonly slots: StaticArray<i32>;
  private dfa: LazyDFA | null = null;
  private pike: PikeVM | null = null;
  private backtracking: BacktrackSearch | null = null;

  constructor(readonly pattern: string, private readonly prog: Program, parsed: ParseResult, private readonly options: RegexOptions) {
    this.groupCount = parsed.groupCount;
    this.groupNames = parsed.groupNames;
    this.usesBacktracking = prog.needsBacktracking;
    this.classes = new ByteClasses(prog);
    this.firstBytes = firstByteTable(prog);
    this.slots = new StaticArray<i32>(prog.slotCount);
    const root = parsed.root!;
    this.anchoredStart = startsAnchored(root);
    if (prog.needsBacktracking) {
      this.backtracking = new BacktrackSearch(prog, root, options.utf8, parsed.groupCount, this.firstBytes, options.stepLimit, this.anchoredStart);
    }
    this.endAnchoredLength = endsAnchored(root) ? maxLength(root, options.utf8) : -1;
    if (!this.anchoredStart) {
      const prefix = prefixLiterals(root, options.utf8);
      const required = requiredLiterals(root, options.utf8);
      const prefixLength = prefix != null ? prefix.minLength() : 0;
      const requiredLength = required != null ? required.minLength() : 0;
      if (worthFiltering(prefix) && prefixLength >= min(requiredLength, 4)) {
        this.prefilter = new Prefilter(prefix!);
        this.prefilterIsPrefix = true;
      } else if (worthFiltering(required)) {
        this.prefilter = new Prefilter(required!);
      }
    }
  }

  // ---- bytes (the core; offsets are byte offsets) -----------------------------------------------

  /** Whether the pattern matches anywhere in input[start..]. */
  testBytes(input: Uint8Array, start: i32 = 0): bool {
    return this.testPointer(input.dataStart, input.length, start);
  }

  /** testBytes on raw memory (len bytes at ptr), for buffers that came from the host. */
  testPointer(ptr: usize, len: i32, start: i32 = 0): bool {
    this.lastMatchExceededLimit = false;
    if (start < 0 || start > len) return false;
    const from = this.candidateStart(ptr, len, start);
    if (from < 0) return false;
    if (this.usesBacktracking) return this.backtrack(ptr, len, from, false);
    return this.getDfa().earliestMatchEnd(ptr, len, from, this.anchoredStart ? null : this.firstBytes) >= 0;
  }

  /**
   * Where a match can start at the earliest, or -1 if the prefilter proves there is none:
   * the first occurrence of a prefix literal (or where the prefilter gave up looking for one),
   * or `start` once a required literal may be there.
   */
  private candidateStart(ptr: usize, len: i32, start: i32): i32 {
    let from = start;
    if (this.endAnchoredLength >= 0 && !this.anchoredStart) from = max(from, len - this.endAnchoredLength);
    const pre = this.prefilter;
    if (pre == null) return from;
    const at = pre.find(ptr, len, from);
    if (at < 0) return -1;
    return this.prefilterIsPrefix ? at : from;
  }

  /** The leftmost-first match in input[start..] with its groups, or null. */
  execBytes(input: Uint8Array, start: i32 = 0): Match | null {
    this.lastMatchExceededLimit = false;
    const len = input.length;
    if (start < 0 || start > len) return null;
    const ptr = input.dataStart;
    const from = this.candidateStart(ptr, len, start);
    if (from < 0) return null;
    if (this.usesBacktracking) {
      if (!this.backtrack(ptr, len, from, true)) return null;
    } else {
      if (this.getDfa().earliestMatchEnd(ptr, len, from, this.anchoredStart ? null : this.firstBytes) < 0) return null;
      if (!this.getPike().search(ptr, len, from, this.anchoredStart, this.slots)) return null;
    }
    const spans = new StaticArray<i32>(this.slots.length);
    for (let i = 0; i < spans.length; i++) unchecked((spans[i] = this.slots[i]));
    return new Match(input, spans, this.groupNames);
  }

  /** Every non-overlapping match, left to right (after an empty match the search moves on one character, as JavaScript does). */
  findAllBytes(input: Uint8Array): Array<Match> {
    const out = new Array<Match>();
    let pos = 0;
    while (pos <= input.length) {
      const m = this.execBytes(input, pos);
      if (m == null) break;
      out.push(m);
      pos = m.end > m.start ? m.end : m.end + charLength(input, m.end);
    }
    return out;
  }

  /** Replaces the first (all = false) or every match; the replacement may use $1, ${1}, ${name}, $<name>, $& and $$. */
  replaceBytes(input: Uint8Array, replacement: string, all: bool = true): Uint8Array {
    const out = new Array<u8>();
    let copied = 0;
    let pos = 0;
    while (pos <= input.length) {
      const m = this.execBytes(input, pos);
      if (m == null) break;
      for (let i = copied; i < m.start; i++) out.push(input[i]);
      expandReplacement(replacement, m, out);
      copied = m.end;
      if (!all) break;
      pos = m.end > m.start ? m.end : m.end + charLength(input, m.end);
    }
    for (let i = copied; i < input.length; i++) out.push(input[i]);
    const bytes = new Uint8Array(out.length);
    for (let i = 0; i < out.length; i++) unchecked((bytes[i] = out[i]));
    return bytes;
  }

  // ---- strings (converted to UTF-8; offsets in Match are still byte offsets) --------------------

  test(input: string): bool { return this.testBytes(utf8(input)); }
  exec(input: string): Match | null { return this.execBytes(utf8(input)); }
  findAll(input: string): Array<Match> { return this.findAllBytes(utf8(input)); }
  replace(input: string, replacement: string, all: bool = true): string {
    const bytes = this.replaceBytes(utf8(input), replacement, all);
    return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length);
  }

  // ---- engines ----------------------------------------------------------------------------------

  /** `exact`: the match's offsets and groups are wanted, not only whether there is one. */
  private backtrack(ptr: usize, len: i32, start: i32, exact: bool): bool {
    const search = this.backtracking!;
    const found = search.search(ptr, len, start, this.slots, exact);
    this.lastMatchExceededLimit = search.exceededLimit;
    return found;
  }

  private getDfa(): LazyDFA {
    let d = this.dfa;
    if (d == null) {
      d = new LazyDFA(this.prog, this.classes, this.anchoredStart);
      this.dfa = d;
    }
    return d;
  }

  private getPike(): PikeVM {
    let p = this.pike;
    if (p == null) {
      p = new PikeVM(this.prog, this.firstBytes);
      this.pike = p;
    }
    return p;
  }
}

function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

/** Length of the UTF-8 character starting at pos (1 for invalid bytes and at the end). */
function charLength(input: Uint8Array, pos: i32): i32 {
  if (pos >= input.length) return 1;
  const b = input[pos];
  const n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return pos + n <= input.length ? n : 1;
}

/** Whether every match must begin at the start of the text (\A or ^ without (?m) first). */
function startsAnchored(n: Node): bool {
  if (n.kind == NodeKind.Assert) return n.value == <i32>AssertKind.BeginText;
  if (n.kind == NodeKind.Concat) return n.children.length > 0 && startsAnchored(n.children[0]);
  if (n.kind == NodeKind.Capture || n.kind == NodeKind.Atomic) return startsAnchored(n.children[0]);
  if (n.kind == NodeKind.Alternate) {
    for (let i = 0; i < n.children.length; i++) if (!startsAnchored(n.children[i])) return false;
    return true;
  }
  return false;
}

/** Whether every match must end at the end of the text (\z, or $ without (?m), last). */
function endsAnchored(n: Node): bool {
  if (n.kind == NodeKind.Assert) return n.value == <i32>AssertKind.EndText;
  if (n.kind == NodeKind.Concat) {
    let i = n.children.length - 1;
    while (i >= 0 && n.children[i].kind == NodeKind.Empty) i--;
    return i >= 0 && endsAnchored(n.children[i]);
  }
  if (n.kind == NodeKind.Capture || n.kind == NodeKind.Atomic) return endsAnchored(n.children[0]);
  if (n.kind == NodeKind.Alternate) {
    for (let i = 0; i < n.children.length; i++) if (!endsAnchored(n.children[i])) return false;
    return true;
  }
  return false;
}

/** Short literals, or many of them, skip too little to beat the DFA. */
function worthFiltering(literals: Literals | null): bool {
  if (literals == null) return false;
  const m = literals.minLength();
  const n = literals.list.length;
  return (m >= 2 && n <= 2) || (m >= 3 && n <= 8) || (m >= 4 && n <= 32);
}
