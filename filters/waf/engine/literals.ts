// Literal strings one of which every match of an @rx pattern must contain, read off the pattern
// text and lower-cased (they are compared without ASCII case, so flags never matter). One
// multi-pattern scan per value then rules out most @rx rules before any regex runs.
// Soundness first: whatever is not understood counts as "could match anything here", which only
// weakens the answer (or makes it null: no prefilter), never makes it wrong.
import { lowerByte } from "./bytes";

const MAX_STRINGS: i32 = 64;
const MAX_LENGTH: i32 = 64;

/** What a sub-pattern tells about the text it matches. */
class Piece {
  /** Every string it can match (lower-cased) when that set is small, else null. */
  exact: string[] | null = null;
  /** Strings one of which each of its matches contains, or null when none is known. */
  required: string[] | null = null;

  // Pieces are never modified once made, so the common ones are shared (CRS has ~400 long patterns).
  static anything(): Piece { return ANYTHING; }

  static exactly(s: string): Piece {
    if (s.length == 1) {
      const c = s.charCodeAt(0) & 0xff;
      let p = unchecked(SINGLE_BYTES[c]);
      if (p == null) { p = new Piece(); p.exact = [s]; unchecked(SINGLE_BYTES[c] = p); }
      return p!;
    }
    const p = new Piece();
    p.exact = [s];
    return p;
  }

  /** The more selective of what it knows, or null. */
  best(): string[] | null {
    return better(usable(this.exact), usable(this.required));
  }
}

const ANYTHING = new Piece();
const SINGLE_BYTES = new StaticArray<Piece | null>(256);

function minLength(set: string[]): i32 {
  let m = i32.MAX_VALUE;
  for (let i = 0; i < set.length; i++) m = min(m, set[i].length);
  return m;
}

/** A set that can serve as a requirement: non-empty strings only. */
function usable(set: string[] | null): string[] | null {
  if (set == null || set.length == 0 || minLength(set!) == 0) return null;
  return set;
}

/** Longer shortest string wins, then fewer strings. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  if (a == null) return b;
  if (b == null) return a;
  const la = minLength(a!), lb = minLength(b!);
  if (la != lb) return la > lb ? a : b;
  return a!.length <= b!.length ? a : b;
}

const RUN_CHARS = new StaticArray<u16>(4096);

/** The one-string run `run` with RUN_CHARS[base, base + pending) appended. */
function withPending(run: string[], base: i32, pending: i32): string[] {
  if (pending == 0) return run;
  return [run[0] + String.UTF16.decodeUnsafe(changetype<usize>(RUN_CHARS) + (<usize>base << 1), <usize>pending << 1)];
}

/** All concatenations a + b, or null when there would be too many or too long ones. */
function cross(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_STRINGS) return null;
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    for (let k = 0; k < b.length; k++) {
      const s = a[i] + b[k];
      if (s.length > MAX_LENGTH) return null;
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}

function union(a: string[], b: string[]): string[] | null {
  const out = a.slice(0);
  for (let i = 0; i < b.length; i++) if (!out.includes(b[i])) out.push(b[i]);
  return out.length > MAX_STRINGS ? null : out;
}

@inline function isDigit(c: i32): bool { return c >= 48 && c <= 57; }
@inline function isAlnum(c: i32): bool { return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }

function hexValue(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

class LiteralParser {
  pos: i32 = 0;
  failed: bool = false;
  /** First free slot of RUN_CHARS (sequence). */
  charTop: i32 = 0;

  constructor(private readonly p: string) {}

  private get atEnd(): bool { return this.pos >= this.p.length; }
  private peek(offset: i32 = 0): i32 { return this.pos + offset < this.p.length ? this.p.charCodeAt(this.pos + offset) : -1; }

  private fail(): Piece {
    this.failed = true;
    return Piece.anything();
  }

  alternation(): Piece {
    const first = this.sequence();
    if (this.peek() != 124) return first;
    let exact: string[] | null = first.exact;
    let required: string[] | null = first.best();
    while (!this.failed && this.peek() == 124) {
      this.pos++;
      const next = this.sequence();
      exact = exact != null && next.exact != null ? union(exact!, next.exact!) : null;
      const nextBest = next.best();
      required = required != null && nextBest != null ? union(required!, nextBest!) : null;
    }
    const out = new Piece();
    out.exact = exact;
    out.required = usable(required);
    return out;
  }

  private sequence(): Piece {
    let run: string[] = [""];
    // Single characters appended to a one-string run wait in RUN_CHARS from `base` on (groups
    // inside this sequence stack theirs above): concatenating per character made a string and
    // an array per pattern byte, most of the load's garbage here.
    const base = this.charTop;
    let pending = 0;
    let allExact = true;
    let best: string[] | null = null;
    while (!this.failed && !this.atEnd) {
      const c = this.peek();
      if (c == 124 || c == 41) break;
      this.charTop = base + pending;
      const piece = this.quantified(this.atom());
      this.charTop = base;
      if (this.failed) break;
      if (piece.exact != null) {
        const exact = piece.exact!;
        if (run.length == 1 && exact.length == 1 && exact[0].length == 1 && run[0].length + pending < MAX_LENGTH &&
            base + pending < RUN_CHARS.length) {
          unchecked(RUN_CHARS[base + pending++] = <u16>exact[0].charCodeAt(0));
          continue;
        }
        run = withPending(run, base, pending);
        pending = 0;
        const joined = cross(run, exact);
        if (joined != null) { run = joined; continue; }
        best = better(best, usable(run));
        run = exact;
        allExact = false;
        continue;
      }
      run = withPending(run, base, pending);
      pending = 0;
      best = better(best, usable(run));
      best = better(best, usable(piece.required));
      run = [""];
      allExact = false;
    }
    run = withPending(run, base, pending);
    const out = new Piece();
    out.exact = allExact ? run : null;
    out.required = better(best, usable(run));
    return out;
  }

  private quantified(atom: Piece): Piece {
    const c = this.peek();
    let minCount = -1;
    if (c == 42 || c == 63) { this.pos++; minCount = 0; }
    else if (c == 43) { this.pos++; minCount = 1; }
    else if (c == 123) {
      // {n}, {n,}, {n,m}; anything else is a literal '{' read as the next atom.
      let i = this.pos + 1;
      let n = 0;
      let digits = 0;
      while (isDigit(this.peek(i - this.pos))) { n = min(n * 10 + this.p.charCodeAt(i) - 48, 100000); i++; digits++; }
      if (digits == 0) return atom;
      if (this.peek(i - this.pos) == 44) {
        i++;
        while (isDigit(this.peek(i - this.pos))) i++;
      }
      if (this.peek(i - this.pos) != 125) return atom;
      this.pos = i + 1;
      minCount = n;
    } else {
      return atom;
    }
    const m = this.peek();
    if (m == 63 || m == 43) this.pos++; // lazy or possessive
    if (minCount == 0) return Piece.anything();
    const out = new Piece();
    out.required = atom.best();
    return out;
  }

  private atom(): Piece {
    const c = this.peek();
    if (c == 40) return this.group();
    if (c == 91) return this.charClass();
    if (c == 92) return this.escape();
    this.pos++;
    if (c == 46) return Piece.anything();
    if (c == 94 || c == 36) return Piece.exactly("");
    if (c == 41) return this.fail();
    return Piece.exactly(String.fromCharCode(lowerByte(c)));
  }

  private group(): Piece {
    this.pos++;
    if (this.peek() == 63) {
      const k = this.peek(1);
      if (k == 58 || k == 62 || k == 124) { this.pos += 2; return this.closeGroup(this.alternation(), false); }
      if (k == 61 || k == 33) { this.pos += 2; return this.closeGroup(this.alternation(), true); }
      if (k == 60 && (this.peek(2) == 61 || this.peek(2) == 33)) { this.pos += 3; return this.closeGroup(this.alternation(), true); }
      if (k == 35) {
        const end = this.p.indexOf(")", this.pos);
        if (end < 0) return this.fail();
        this.pos = end + 1;
        return Piece.exactly("");
      }
      if (k == 60 || k == 39 || (k == 80 && this.peek(2) == 60)) {
        const close = k == 39 ? "'" : ">";
        const end = this.p.indexOf(close, this.pos + 2);
        if (end < 0) return this.fail();
        this.pos = end + 1;
        return this.closeGroup(this.alternation(), false);
      }
      // Inline flags (?i) (?s-m) (?i:...): case never matters here; extended mode (x) changes
      // what the text means, so such patterns get no literals.
      let i = this.pos + 1;
      let negative = false;
      while (i < this.p.length) {
        const f = this.p.charCodeAt(i);
        if (f == 45) { negative = true; i++; continue; }
        if (f == 120 && !negative) return this.fail();
        // i m n s x J U; anything else ((?R), (?C)...) is not a flag.
        if (f == 105 || f == 109 || f == 110 || f == 115 || f == 120 || f == 74 || f == 85) { i++; continue; }
        break;
      }
      if (i == this.pos + 1 || i >= this.p.length) return this.fail();
      const end = this.p.charCodeAt(i);
      if (end == 41) { this.pos = i + 1; return Piece.exactly(""); }
      if (end == 58) { this.pos = i + 1; return this.closeGroup(this.alternation(), false); }
      return this.fail();
    }
    return this.closeGroup(this.alternation(), false);
  }

  /** Expects ')'; a lookaround matches no text of its own. */
  private closeGroup(inner: Piece, zeroWidth: bool): Piece {
    if (this.failed || this.peek() != 41) return this.fail();
    this.pos++;
    return zeroWidth ? Piece.exactly("") : inner;
  }

  private charClass(): Piece {
    let i = this.pos + 1;
    const len = this.p.length;
    if (i < len && this.p.charCodeAt(i) == 94) i++;
    if (i < len && this.p.charCodeAt(i) == 93) i++;
    while (i < len) {
      const c = this.p.charCodeAt(i);
      if (c == 93) { this.pos = i + 1; return Piece.anything(); }
      if (c == 92) {
        const n = i + 1 < len ? this.p.charCodeAt(i + 1) : -1;
        if ((n == 120 || n == 112 || n == 80 || n == 111) && i + 2 < len && this.p.charCodeAt(i + 2) == 123) {
          const end = this.p.indexOf("}", i + 3);
          if (end < 0) break;
          i = end + 1;
        } else {
          i += 2;
        }
        continue;
      }
      if (c == 91 && i + 1 < len && this.p.charCodeAt(i + 1) == 58) {
        const end = this.p.indexOf(":]", i + 2);
        if (end < 0) break;
        i = end + 2;
        continue;
      }
      i++;
    }
    return this.fail();
  }

  private escape(): Piece {
    const c = this.peek(1);
    if (c < 0) return this.fail();
    this.pos += 2;
    switch (c) {
      case 81: { // \Q...\E
        const end = this.p.indexOf("\\E", this.pos);
        const text = end < 0 ? this.p.substring(this.pos) : this.p.substring(this.pos, end);
        this.pos = end < 0 ? this.p.length : end + 2;
        let lowered = "";
        for (let i = 0; i < text.length; i++) lowered += String.fromCharCode(lowerByte(text.charCodeAt(i)));
        return text.length > MAX_LENGTH ? Piece.anything() : Piece.exactly(lowered);
      }
      case 69: case 98: case 66: case 65: case 122: case 90: case 71: case 75:
        return Piece.exactly(""); // \E stray, \b \B \A \z \Z \G \K: zero-width
      case 110: return Piece.exactly("\n");
      case 116: return Piece.exactly("\t");
      case 114: return Piece.exactly("\r");
      case 102: return Piece.exactly("\x0c");
      case 101: return Piece.exactly("\x1b");
      case 97: return Piece.exactly("\x07");
      case 120: { // \xHH, \x{H...}
        if (this.peek() == 123) {
          const end = this.p.indexOf("}", this.pos);
          if (end < 0) return this.fail();
          let v = 0;
          for (let i = this.pos + 1; i < end; i++) {
            const h = hexValue(this.p.charCodeAt(i));
            if (h < 0) return this.fail();
            v = min(v * 16 + h, 0x110000);
          }
          this.pos = end + 1;
          return v <= 255 ? Piece.exactly(String.fromCharCode(lowerByte(v))) : Piece.anything();
        }
        let v = 0;
        let n = 0;
        while (n < 2 && hexValue(this.peek()) >= 0) { v = v * 16 + hexValue(this.peek()); this.pos++; n++; }
        return n == 0 ? Piece.anything() : Piece.exactly(String.fromCharCode(lowerByte(v)));
      }
      case 100: case 68: case 119: case 87: case 115: case 83: case 104: case 72: case 118: case 86:
      case 78: case 82: case 88: case 67: case 49: case 50: case 51: case 52: case 53: case 54: case 55:
      case 56: case 57: case 48:
        // Classes, backreferences (which may match nothing) and octal escapes: any text.
        while (c >= 48 && c <= 57 && isDigit(this.peek())) this.pos++;
        return Piece.anything();
      case 112: case 80: case 103: case 107: case 111: case 99: {
        // \p{..} \P{..} \g{..} \k<..> \o{..} \cX: skip the argument, any text.
        const open = this.peek();
        const close = open == 123 ? "}" : open == 60 ? ">" : open == 39 ? "'" : "";
        if (close.length > 0) {
          const end = this.p.indexOf(close, this.pos + 1);
          if (end < 0) return this.fail();
          this.pos = end + 1;
        } else if (c == 103) {
          if (this.peek() == 45) this.pos++;
          while (isDigit(this.peek())) this.pos++;
        } else {
          this.pos++;
        }
        return Piece.anything();
      }
    }
    if (isAlnum(c)) return this.fail();
    return Piece.exactly(String.fromCharCode(lowerByte(c)));
  }
}

/** Lower-cased strings one of which every match of `pattern` contains, or null if none can be named. */
export function requiredLiterals(pattern: string): string[] | null {
  const parser = new LiteralParser(pattern);
  const piece = parser.alternation();
  if (parser.failed || parser.pos != pattern.length) return null;
  return piece.best();
}
