// Recursive-descent parser from pattern text (RE2 syntax plus the PCRE constructs CRS uses) to a
// Node tree. Errors are values: the first problem stops parsing and is kept with its offset
// (index into the pattern string).
import { AssertKind, Node, NodeKind } from "./ast";
import {
  CharSet, MAX_CODEPOINT, digitSet, horizontalSpaceSet, posixSet, spaceSet, verticalSpaceSet, wordSet,
} from "./charset";

const MAX_REPEAT: i32 = 1000;
const MAX_NESTING: i32 = 500;

class Flags {
  caseInsensitive: bool = false;
  dotAll: bool = false;
  multiline: bool = false;
  ungreedy: bool = false;
  extended: bool = false;

  copy(): Flags {
    const f = new Flags();
    f.caseInsensitive = this.caseInsensitive;
    f.dotAll = this.dotAll;
    f.multiline = this.multiline;
    f.ungreedy = this.ungreedy;
    f.extended = this.extended;
    return f;
  }
}

export class ParseResult {
  root: Node | null = null;
  error: string | null = null;
  errorOffset: i32 = -1;
  groupCount: i32 = 1; // group 0 is the whole match
  groupNames: Map<string, i32> = new Map<string, i32>();
  /** True when the pattern uses a construct only the backtracking matcher supports. */
  needsBacktracking: bool = false;
}

export class Parser {
  private pos: i32 = 0;
  private flags: Flags = new Flags();
  private depth: i32 = 0;
  private result: ParseResult = new ParseResult();
  private maxBackref: i32 = 0;
  private maxBackrefOffset: i32 = 0;
  private namedBackrefs: Array<string> = new Array<string>();
  private namedBackrefOffsets: Array<i32> = new Array<i32>();

  constructor(private readonly src: string, caseInsensitive: bool, dotAll: bool, multiline: bool, private readonly utf8: bool) {
    this.flags.caseInsensitive = caseInsensitive;
    this.flags.dotAll = dotAll;
    this.flags.multiline = multiline;
  }

  parse(): ParseResult {
    const root = this.parseAlternation();
    if (this.failed()) return this.result;
    if (this.pos < this.src.length) {
      // parseAlternation only stops early at ')'.
      this.fail("unmatched ')'", this.pos);
      return this.result;
    }
    if (this.maxBackref >= this.result.groupCount) {
      this.fail("backreference to group " + this.maxBackref.toString() + ", but the pattern has only " + (this.result.groupCount - 1).toString() + " groups", this.maxBackrefOffset);
      return this.result;
    }
    for (let i = 0; i < this.namedBackrefs.length; i++) {
      if (!this.result.groupNames.has(this.namedBackrefs[i])) {
        this.fail("backreference to unknown group name '" + this.namedBackrefs[i] + "'", this.namedBackrefOffsets[i]);
        return this.result;
      }
    }
    this.resolveNamedBackrefs(root);
    this.result.root = root;
    return this.result;
  }

  // ---- errors -------------------------------------------------------------------------------

  private failed(): bool { return this.result.error != null; }

  private fail(message: string, offset: i32): Node {
    if (this.result.error == null) {
      this.result.error = message;
      this.result.errorOffset = offset;
    }
    return new Node(NodeKind.Empty);
  }

  // ---- structure ----------------------------------------------------------------------------

  private parseAlternation(): Node {
    if (++this.depth > MAX_NESTING) return this.fail("groups nested too deeply (max " + MAX_NESTING.toString() + ")", this.pos);
    const saved = this.flags.copy();
    const alternatives = new Array<Node>();
    alternatives.push(this.parseConcat());
    while (!this.failed() && this.pos < this.src.length && this.peek() == 0x7c /* | */) {
      this.pos++;
      alternatives.push(this.parseConcat());
    }
    this.flags = saved;
    this.depth--;
    if (alternatives.length == 1) return alternatives[0];
    const n = new Node(NodeKind.Alternate);
    n.children = alternatives;
    return n;
  }

  private parseConcat(): Node {
    const items = new Array<Node>();
    while (!this.failed() && this.pos < this.src.length) {
      if (this.quoting) {
        // \Q...\E: every character is literal; a repetition right after \E applies to the last one (PCRE).
        if (this.atQuoteEnd()) { this.pos += 2; this.quoting = false; continue; }
        const quotedStart = this.pos;
        const lit = this.textLiteral(this.nextCodePoint());
        if (this.atQuoteEnd()) { this.pos += 2; this.quoting = false; items.push(this.parseRepeats(lit, quotedStart)); }
        else items.push(lit);
        continue;
      }
      const c = this.peek();
      if (c == 0x7c || c == 0x29) break; // | )
      if (this.flags.extended && this.skipExtendedSpace()) continue;
      if (c == 0x2a || c == 0x2b || c == 0x3f) return this.fail("missing argument to repetition operator '" + String.fromCharCode(c) + "'", this.pos);
      if (c == 0x7b && this.looksLikeRepeat(this.pos)) return this.fail("missing argument to repetition operator '{'", this.pos);
      const atomStart = this.pos;
      const atom = this.parseAtom();
      if (this.failed()) break;
      if (atom == null) continue; // a flag group like (?i) or a comment
      items.push(this.parseRepeats(atom, atomStart));
    }
    if (items.length == 0) return new Node(NodeKind.Empty);
    if (items.length == 1) return items[0];
    const n = new Node(NodeKind.Concat);
    n.children = items;
    return n;
  }

  private parseRepeats(atom: Node, atomStart: i32): Node {
    let node = atom;
    let sawRepeat = false;
    while (!this.failed() && this.pos < this.src.length) {
      if (this.flags.extended && this.skipExtendedSpace()) continue;
      const c = this.peek();
      const opStart = this.pos;
      let min = 0, max = 0;
      if (c == 0x2a) { min = 0; max = -1; this.pos++; }
      else if (c == 0x2b) { min = 1; max = -1; this.pos++; }
      else if (c == 0x3f) { min = 0; max = 1; this.pos++; }
      else if (c == 0x7b && this.looksLikeRepeat(this.pos)) {
        this.pos++;
        min = this.parseInt();
        max = min;
        if (this.peek() == 0x2c) {
          this.pos++;
          max = this.peek() == 0x7d ? -1 : this.parseInt();
        }
        this.pos++; // }
        if (min > MAX_REPEAT || max > MAX_REPEAT) return this.fail("repeat count too large in '" + this.src.slice(opStart, this.pos) + "' (max " + MAX_REPEAT.toString() + ")", opStart);
        if (max >= 0 && max < min) return this.fail("invalid repeat range '" + this.src.slice(opStart, this.pos) + "': max is less than min", opStart);
      } else break;
      if (sawRepeat) return this.fail("repetition operator '" + this.src.slice(opStart, this.pos) + "' follows another repetition (bad repetition operator)", opStart);
      sawRepeat = true;
      let greedy = !this.flags.ungreedy, possessive = false;
      if (this.pos < this.src.length && this.peek() == 0x3f) { greedy = !greedy; this.pos++; }
      else if (this.pos < this.src.length && this.peek() == 0x2b) { possessive = true; this.pos++; this.result.needsBacktracking = true; }
      const rep = Node.wrap(NodeKind.Repeat, node);
      rep.min = min;
      rep.max = max;
      rep.greedy = greedy;
      rep.possessive = possessive;
      node = rep;
    }
    return node;
  }

  /** At '{': is this a well-formed {n}, {n,} or {n,m}? (Otherwise '{' is a literal, as in RE2 and PCRE.) */
  private looksLikeRepeat(at: i32): bool {
    let i = at + 1;
    const s = this.src;
    let digits = 0;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) { i++; digits++; }
    if (digits == 0) return false;
    if (i < s.length && s.charCodeAt(i) == 0x2c) {
      i++;
      while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    }
    return i < s.length && s.charCodeAt(i) == 0x7d;
  }

  private parseInt(): i32 {
    let v = 0;
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      if (v > 100000) v = 100000; // clamp; reported as too large
      this.pos++;
    }
    return v;
  }

  /** One atom, or null for constructs that match nothing themselves (flag groups, comments). */
  private parseAtom(): Node | null {
    const start = this.pos;
    const c = this.nextCodePoint();
    if (c == 0x28) return this.parseGroup(start);
    if (c == 0x5b) return this.parseClass(start);
    if (c == 0x5c) return this.parseEscape(start);
    if (c == 0x2e) {
      const set = new CharSet();
      if (this.flags.dotAll) set.addRange(0, this.maxCode());
      else { set.addRange(0, 0x09); set.addRange(0x0b, this.maxCode()); }
      return Node.chars(set);
    }
    if (c == 0x5e) return Node.assert(this.flags.multiline ? AssertKind.BeginLine : AssertKind.BeginText);
    if (c == 0x24) return Node.assert(this.flags.multiline ? AssertKind.EndLine : AssertKind.EndText);
    return this.textLiteral(c);
  }

  private parseGroup(start: i32): Node | null {
    if (this.pos < this.src.length && this.peek() == 0x3f) { // (?
      this.pos++;
      if (this.pos >= this.src.length) return this.fail("missing closing ) for group", start);
      const c = this.peek();
      if (c == 0x23) { // (?# comment )
        while (this.pos < this.src.length && this.peek() != 0x29) this.pos++;
        if (this.pos >= this.src.length) return this.fail("missing ) after comment", start);
        this.pos++;
        return null;
      }
      if (c == 0x3a) { this.pos++; return this.groupBody(start, new Node(NodeKind.Empty), 0); }
      if (c == 0x3d || c == 0x21) { // (?= (?!
        this.pos++;
        this.result.needsBacktracking = true;
        const look = new Node(NodeKind.Look);
        look.negate = c == 0x21;
        return this.groupBody(start, look, 0);
      }
      if (c == 0x3e) { // (?>
        this.pos++;
        this.result.needsBacktracking = true;
        return this.groupBody(start, new Node(NodeKind.Atomic), 0);
      }
      if (c == 0x3c && this.pos + 1 < this.src.length && (this.src.charCodeAt(this.pos + 1) == 0x3d || this.src.charCodeAt(this.pos + 1) == 0x21)) {
        const negate = this.src.charCodeAt(this.pos + 1) == 0x21;
        this.pos += 2;
        this.result.needsBacktracking = true;
        const look = new Node(NodeKind.Look);
        look.behind = true;
        look.negate = negate;
        return this.groupBody(start, look, 0);
      }
      if (c == 0x50 && this.pos + 1 < this.src.length && this.src.charCodeAt(this.pos + 1) == 0x3c) { // (?P<name>
        this.pos += 2;
        return this.namedGroup(start, 0x3e);
      }
      if (c == 0x3c) { this.pos++; return this.namedGroup(start, 0x3e); } // (?<name>
      if (c == 0x27) { this.pos++; return this.namedGroup(start, 0x27); } // (?'name'
      return this.parseFlags(start);
    }
    return this.captureGroup(start, null);
  }

  private namedGroup(start: i32, close: i32): Node | null {
    const nameStart = this.pos;
    while (this.pos < this.src.length && this.peek() != close && this.peek() != 0x29) this.pos++;
    if (this.pos >= this.src.length || this.peek() != close) return this.fail("missing closing '" + String.fromCharCode(close) + "' after group name", nameStart);
    const name = this.src.slice(nameStart, this.pos);
    this.pos++;
    if (!isValidName(name)) return this.fail("invalid group name '" + name + "' (letters, digits and _, not starting with a digit)", nameStart);
    if (this.result.groupNames.has(name)) return this.fail("duplicate group name '" + name + "'", nameStart);
    return this.captureGroup(start, name);
  }

  private captureGroup(start: i32, name: string | null): Node | null {
    const cap = new Node(NodeKind.Capture);
    cap.value = this.result.groupCount++;
    if (name != null) this.result.groupNames.set(name, cap.value);
    return this.groupBody(start, cap, 0);
  }

  /** Parses the inside of a group up to ')' and puts it into `container` (Empty = non-capturing). */
  private groupBody(start: i32, container: Node, _unused: i32): Node {
    const inner = this.parseAlternation();
    if (this.failed()) return inner;
    if (this.pos >= this.src.length || this.peek() != 0x29) return this.fail("missing closing ) for group opened at offset " + start.toString(), start);
    this.pos++;
    if (container.kind == NodeKind.Empty) return inner;
    container.offset = start;
    container.children.push(inner);
    return container;
  }

  /** (?flags) or (?flags:...) with flags among i s m U x, optionally negated after '-'. */
  private parseFlags(start: i32): Node | null {
    const saved = this.flags.copy();
    const f = this.flags.copy();
    let negate = false, sawFlag = false;
    while (this.pos < this.src.length) {
      const c = this.peek();
      this.pos++;
      if (c == 0x2d) { // -
        if (negate) return this.fail("invalid flag group: two '-'", start);
        negate = true;
        continue;
      }
      if (c == 0x29 || c == 0x3a) {
        if (negate && !sawFlag) return this.fail("invalid flag group: '-' without a flag", start);
        if (c == 0x29) { this.flags = f; return null; } // applies to the rest of the enclosing group
        this.flags = f;
        const inner = this.parseAlternation();
        this.flags = saved;
        if (this.failed()) return inner;
        if (this.pos >= this.src.length || this.peek() != 0x29) return this.fail("missing closing ) for group opened at offset " + start.toString(), start);
        this.pos++;
        return inner;
      }
      const on = !negate;
      if (c == 0x69) f.caseInsensitive = on;
      else if (c == 0x73) f.dotAll = on;
      else if (c == 0x6d) f.multiline = on;
      else if (c == 0x55) f.ungreedy = on;
      else if (c == 0x78) f.extended = on;
      else return this.fail("unknown or unsupported group syntax '(?" + String.fromCharCode(c) + "'", start);
      sawFlag = true;
    }
    return this.fail("missing closing ) for flag group", start);
  }

  // ---- escapes --------------------------------------------------------------------------------

  private parseEscape(start: i32): Node | null {
    if (this.pos >= this.src.length) return this.fail("trailing backslash at end of pattern", start);
    const c = this.peek();
    // Assertions and constructs that only exist outside classes.
    if (c == 0x62) { this.pos++; return Node.assert(AssertKind.WordBoundary); } // \b
    if (c == 0x42) { this.pos++; return Node.assert(AssertKind.NotWordBoundary); } // \B
    if (c == 0x41) { this.pos++; return Node.assert(AssertKind.BeginText); } // \A
    if (c == 0x7a) { this.pos++; return Node.assert(AssertKind.EndText); } // \z
    if (c == 0x5a) { this.pos++; this.result.needsBacktracking = true; return Node.assert(AssertKind.EndTextOptionalNewline); } // \Z
    if (c == 0x51) return this.quoted(start); // \Q...\E
    if (c == 0x45) { this.pos++; return null; } // stray \E is ignored, as in PCRE
    if (c >= 0x31 && c <= 0x39) return this.numericBackref(start);
    if (c == 0x6b || c == 0x67) return this.namedOrBracedBackref(start);
    const set = this.escapeInClass(start, false);
    if (this.failed()) return new Node(NodeKind.Empty);
    if (set.literal >= 0) return this.literal(set.literal);
    return Node.chars(this.maybeFold(set.set!));
  }

  private quoting: bool = false;

  /** \Q starts literal text; parseConcat reads it character by character until \E. */
  private quoted(start: i32): Node | null {
    this.pos++; // Q
    this.quoting = true;
    return null;
  }

  private atQuoteEnd(): bool {
    return this.peek() == 0x5c && this.pos + 1 < this.src.length && this.src.charCodeAt(this.pos + 1) == 0x45;
  }

  private numericBackref(start: i32): Node {
    let n = 0;
    while (this.pos < this.src.length && this.peek() >= 0x30 && this.peek() <= 0x39 && n < 10) {
      n = n * 10 + (this.peek() - 0x30);
      this.pos++;
    }
    return this.backref(n, start);
  }

  private namedOrBracedBackref(start: i32): Node {
    const kind = this.peek();
    this.pos++;
    if (this.pos >= this.src.length) return this.fail("incomplete backreference \\" + String.fromCharCode(kind), start);
    const open = this.peek();
    const close = open == 0x3c ? 0x3e : open == 0x7b ? 0x7d : open == 0x27 ? 0x27 : -1;
    if (close < 0) return this.fail("invalid backreference \\" + String.fromCharCode(kind) + ": expected <name>, {name} or 'name'", start);
    this.pos++;
    const nameStart = this.pos;
    while (this.pos < this.src.length && this.peek() != close) this.pos++;
    if (this.pos >= this.src.length) return this.fail("unterminated backreference name", start);
    const name = this.src.slice(nameStart, this.pos);
    this.pos++;
    if (name.length > 0 && isAllDigits(name)) return this.backref(I32.parseInt(name), start);
    if (!isValidName(name)) return this.fail("invalid group name '" + name + "' in backreference", nameStart);
    this.result.needsBacktracking = true;
    this.namedBackrefs.push(name);
    this.namedBackrefOffsets.push(start);
    const n = new Node(NodeKind.Backref);
    n.value = -1 - (this.namedBackrefs.length - 1); // resolved after parsing
    n.caseInsensitive = this.flags.caseInsensitive;
    return n;
  }

  private backref(group: i32, start: i32): Node {
    if (group == 0) return this.fail("backreference to group 0 is not allowed", start);
    this.result.needsBacktracking = true;
    if (group > this.maxBackref) { this.maxBackref = group; this.maxBackrefOffset = start; }
    const n = new Node(NodeKind.Backref);
    n.value = group;
    n.caseInsensitive = this.flags.caseInsensitive;
    return n;
  }

  private resolveNamedBackrefs(node: Node): void {
    if (node.kind == NodeKind.Backref && node.value < 0) node.value = this.result.groupNames.get(this.namedBackrefs[-1 - node.value]);
    for (let i = 0; i < node.children.length; i++) this.resolveNamedBackrefs(node.children[i]);
  }

  /**
   * An escape that denotes characters (valid inside and outside classes). Returns either one
   * literal code point or a set. `inClass` changes \b to backspace.
   */
  private escapeInClass(start: i32, inClass: bool): EscapeValue {
    const v = new EscapeValue();
    if (this.pos >= this.src.length) { this.fail("trailing backslash at end of pattern", start); return v; }
    const c = this.nextCodePoint();
    switch (c) {
      case 0x64: v.set = digitSet(); return v; // \d
      case 0x44: v.set = digitSet().negated(this.maxCode()); return v;
      case 0x77: v.set = wordSet(); return v; // \w
      case 0x57: v.set = wordSet().negated(this.maxCode()); return v;
      case 0x73: v.set = spaceSet(); return v; // \s
      case 0x53: v.set = spaceSet().negated(this.maxCode()); return v;
      case 0x68: v.set = horizontalSpaceSet(); return v; // \h (PCRE)
      case 0x48: v.set = horizontalSpaceSet().negated(this.maxCode()); return v;
      case 0x56: v.set = verticalSpaceSet().negated(this.maxCode()); return v; // \V (PCRE); \v is the VT character as in RE2
      case 0x52: { // \R (PCRE newline sequence) approximated as one vertical-space character
        v.set = verticalSpaceSet(); return v;
      }
      case 0x61: v.literal = 0x07; return v; // \a
      case 0x66: v.literal = 0x0c; return v; // \f
      case 0x74: v.literal = 0x09; return v; // \t
      case 0x6e: v.literal = 0x0a; return v; // \n
      case 0x72: v.literal = 0x0d; return v; // \r
      case 0x76: v.literal = 0x0b; return v; // \v
      case 0x65: v.literal = 0x1b; return v; // \e (PCRE)
      case 0x30: { // \0 and up to two more octal digits
        let n = 0, k = 0;
        while (k < 2 && this.pos < this.src.length && this.peek() >= 0x30 && this.peek() <= 0x37) { n = n * 8 + (this.peek() - 0x30); this.pos++; k++; }
        v.literal = n;
        return v;
      }
      case 0x78: { v.literal = this.hexEscape(start); return v; } // \x
      case 0x63: { // \cX control character (PCRE)
        if (this.pos >= this.src.length) { this.fail("\\c at end of pattern", start); return v; }
        v.literal = (this.nextCodePoint() & ~0x20) ^ 0x40;
        return v;
      }
      case 0x70: case 0x50: // \p \P
        this.fail("Unicode property classes (\\p, \\P) are not supported", start);
        return v;
      case 0x62:
        if (inClass) { v.literal = 0x08; return v; }
        break;
      case 0x43:
        this.fail("\\C (any byte) is not supported", start);
        return v;
    }
    if (c < 0x80 && !isAlnum(c)) { v.literal = c; return v; } // escaped punctuation
    if (c >= 0x80) { v.literal = c; return v; } // PCRE accepts an escaped non-ASCII character as itself
    this.fail("invalid escape sequence '\\" + String.fromCodePoint(c) + "'", start);
    return v;
  }

  private hexEscape(start: i32): i32 {
    if (this.pos < this.src.length && this.peek() == 0x7b) {
      this.pos++;
      let n = 0, digits = 0;
      while (this.pos < this.src.length && this.peek() != 0x7d) {
        const d = hexValue(this.peek());
        if (d < 0) { this.fail("invalid hex digit in \\x{...}", this.pos); return 0; }
        n = n * 16 + d;
        if (n > MAX_CODEPOINT) { this.fail("character value in \\x{...} is too large (max 10FFFF)", start); return 0; }
        digits++;
        this.pos++;
      }
      if (this.pos >= this.src.length) { this.fail("missing } in \\x{...}", start); return 0; }
      this.pos++;
      if (digits == 0) { this.fail("empty \\x{}", start); return 0; }
      if (!this.utf8 && n > 0xff) { this.fail("character value in \\x{...} is too large for byte mode (max FF)", start); return 0; }
      return n;
    }
    // \xHH: up to two hex digits (RE2 requires two; PCRE accepts fewer).
    let n = 0, digits = 0;
    while (digits < 2 && this.pos < this.src.length && hexValue(this.peek()) >= 0) {
      n = n * 16 + hexValue(this.peek());
      this.pos++;
      digits++;
    }
    if (digits == 0) { this.fail("invalid escape '\\x': expected hex digits", start); return 0; }
    return n;
  }

  // ---- classes --------------------------------------------------------------------------------

  private parseClass(start: i32): Node {
    const set = new CharSet();
    let negate = false;
    if (this.pos < this.src.length && this.peek() == 0x5e) { negate = true; this.pos++; }
    let first = true;
    while (true) {
      if (this.pos >= this.src.length) return this.fail("missing closing ] for character class opened at offset " + start.toString(), start);
      const c = this.peek();
      if (c == 0x5d && !first) { this.pos++; break; }
      first = false;
      // POSIX class [:name:] or [:^name:]
      if (c == 0x5b && this.pos + 1 < this.src.length && this.src.charCodeAt(this.pos + 1) == 0x3a) {
        const close = this.src.indexOf(":]", this.pos + 2);
        if (close > 0) {
          let name = this.src.slice(this.pos + 2, close);
          let neg = false;
          if (name.startsWith("^")) { neg = true; name = name.slice(1); }
          const posix = posixSet(name);
          if (posix == null) return this.fail("unknown POSIX class name '[:" + name + ":]'", this.pos);
          set.addSet(neg ? posix.negated(this.maxCode()) : posix);
          this.pos = close + 2;
          continue;
        }
      }
      const itemStart = this.pos;
      let lo: i32;
      if (c == 0x5c) {
        this.pos++;
        const e = this.escapeInClass(itemStart, true);
        if (this.failed()) return new Node(NodeKind.Empty);
        if (e.literal < 0) { set.addSet(e.set!); continue; }
        lo = e.literal;
      } else {
        lo = this.nextCodePoint();
        if (!this.utf8 && lo > 0x7f && !(this.peek() == 0x2d)) { this.addLiteralToSet(set, lo); continue; }
      }
      // A range lo-hi, unless '-' is the last character before ']'.
      if (this.pos + 1 < this.src.length && this.peek() == 0x2d && this.src.charCodeAt(this.pos + 1) != 0x5d) {
        this.pos++;
        const hiStart = this.pos;
        let hi: i32;
        if (this.peek() == 0x5c) {
          this.pos++;
          const e = this.escapeInClass(hiStart, true);
          if (this.failed()) return new Node(NodeKind.Empty);
          if (e.literal < 0) {
            // PCRE treats [a-\d] as a, -, \d.
            this.addLiteralToSet(set, lo);
            set.addRange(0x2d, 0x2d);
            set.addSet(e.set!);
            continue;
          }
          hi = e.literal;
        } else {
          hi = this.nextCodePoint();
        }
        if (hi < lo) return this.fail("invalid character class range '" + this.src.slice(itemStart, this.pos) + "': end before start", itemStart);
        if (!this.utf8 && hi > 0xff) return this.fail("character class range beyond \\xff in byte mode", itemStart);
        set.addRange(lo, hi);
        continue;
      }
      this.addLiteralToSet(set, lo);
    }
    let result = this.maybeFold(set.normalize());
    if (negate) result = result.negated(this.maxCode());
    return Node.chars(result);
  }

  private addLiteralToSet(set: CharSet, c: i32): void {
    if (!this.utf8 && c > 0xff) {
      // Byte mode: a non-ASCII pattern character stands for its UTF-8 bytes, as PCRE without UTF reads it.
      const bytes = utf8Bytes(c);
      for (let i = 0; i < bytes.length; i++) set.addRange(bytes[i], bytes[i]);
    } else set.addRange(c, c);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A character written as itself in the pattern text (in byte mode, non-ASCII means its UTF-8 bytes). */
  private textLiteral(c: i32): Node {
    if (!this.utf8 && c > 0x7f) {
      const bytes = utf8Bytes(c);
      const n = new Node(NodeKind.Concat);
      for (let i = 0; i < bytes.length; i++) n.children.push(this.literal(bytes[i]));
      return n;
    }
    return this.literal(c);
  }

  /** One character (a byte in byte mode), case-folded under (?i). */
  private literal(c: i32): Node {
    const set = this.maybeFold(CharSet.single(c));
    return Node.chars(set, set.ranges.length == 2 && set.ranges[0] == set.ranges[1] ? c : -1);
  }

  private maybeFold(set: CharSet): CharSet {
    return this.flags.caseInsensitive ? set.caseFolded(!this.utf8) : set;
  }

  private maxCode(): i32 { return this.utf8 ? MAX_CODEPOINT : 0xff; }

  @inline private peek(): i32 { return this.src.charCodeAt(this.pos); }

  private nextCodePoint(): i32 {
    const c = this.src.codePointAt(this.pos);
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  /** In (?x) mode: skips white space and # comments; true if anything was skipped. */
  private skipExtendedSpace(): bool {
    const c = this.peek();
    if (c == 0x20 || (c >= 0x09 && c <= 0x0d)) { this.pos++; return true; }
    if (c == 0x23) {
      while (this.pos < this.src.length && this.peek() != 0x0a) this.pos++;
      return true;
    }
    return false;
  }
}

class EscapeValue {
  literal: i32 = -1;
  set: CharSet | null = null;
}

function isAlnum(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isAllDigits(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x30 || s.charCodeAt(i) > 0x39) return false;
  return true;
}

function isValidName(name: string): bool {
  if (name.length == 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!(isAlnum(c) || c == 0x5f)) return false;
    if (i == 0 && c >= 0x30 && c <= 0x39) return false;
  }
  return true;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export function utf8Bytes(c: i32): Array<i32> {
  const out = new Array<i32>();
  if (c < 0x80) out.push(c);
  else if (c < 0x800) { out.push(0xc0 | (c >> 6)); out.push(0x80 | (c & 0x3f)); }
  else if (c < 0x10000) { out.push(0xe0 | (c >> 12)); out.push(0x80 | ((c >> 6) & 0x3f)); out.push(0x80 | (c & 0x3f)); }
  else { out.push(0xf0 | (c >> 18)); out.push(0x80 | ((c >> 12) & 0x3f)); out.push(0x80 | ((c >> 6) & 0x3f)); out.push(0x80 | (c & 0x3f)); }
  return out;
}
