// A compiled pattern. Searches pick the cheapest engine that can answer:
//   test   -> prefilter + lazy DFA (linear, no captures)
//   exec   -> DFA to reject non-matching input, then the Pike VM for capture offsets
//   PCRE-only patterns (lookaround, backreferences, atomic/possessive) -> bounded backtracker.
import { AssertKind, Node, NodeKind } from "./ast";
import { ByteClasses, firstByteTable } from "./analysis";
import { Backtracker } from "./backtrack";
import { LazyDFA } from "./dfa";
import { Match } from "./match";
import { RegexOptions } from "./options";
import { ParseResult } from "./parser";
import { PikeVM } from "./pikevm";
import { Program } from "./program";
import { expandReplacement } from "./replace";

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
  private readonly slots: StaticArray<i32>;
  private dfa: LazyDFA | null = null;
  private pike: PikeVM | null = null;
  private backtracker: Backtracker | null = null;

  constructor(readonly pattern: string, private readonly prog: Program, parsed: ParseResult, private readonly options: RegexOptions) {
    this.groupCount = parsed.groupCount;
    this.groupNames = parsed.groupNames;
    this.usesBacktracking = prog.needsBacktracking;
    this.classes = new ByteClasses(prog);
    this.firstBytes = firstByteTable(prog);
    this.anchoredStart = startsAnchored(parsed.root!);
    this.slots = new StaticArray<i32>(prog.slotCount);
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
    if (this.usesBacktracking) return this.backtrack(ptr, len, start);
    return this.getDfa().earliestMatchEnd(ptr, len, start, this.anchoredStart ? null : this.firstBytes) >= 0;
  }

  /** The leftmost-first match in input[start..] with its groups, or null. */
  execBytes(input: Uint8Array, start: i32 = 0): Match | null {
    this.lastMatchExceededLimit = false;
    const len = input.length;
    if (start < 0 || start > len) return null;
    const ptr = input.dataStart;
    if (this.usesBacktracking) {
      if (!this.backtrack(ptr, len, start)) return null;
    } else {
      if (this.getDfa().earliestMatchEnd(ptr, len, start, this.anchoredStart ? null : this.firstBytes) < 0) return null;
      if (!this.getPike().search(ptr, len, start, this.anchoredStart, this.slots)) return null;
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

  private backtrack(ptr: usize, len: i32, start: i32): bool {
    let bt = this.backtracker;
    if (bt == null) {
      bt = new Backtracker(this.prog, this.firstBytes, this.options.stepLimit);
      this.backtracker = bt;
    }
    const found = bt.search(ptr, len, start, this.anchoredStart, this.slots);
    this.lastMatchExceededLimit = bt.exceededLimit;
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
