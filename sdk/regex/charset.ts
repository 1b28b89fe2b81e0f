// Sets of code points as sorted, non-overlapping inclusive ranges [lo0, hi0, lo1, hi1, ...].
// Built by the parser for literals, classes and `.`, then turned into byte instructions.

export const MAX_CODEPOINT: i32 = 0x10ffff;

export class CharSet {
  ranges: Array<i32> = new Array<i32>();

  static single(c: i32): CharSet {
    const s = new CharSet();
    s.addRange(c, c);
    return s;
  }

  addRange(lo: i32, hi: i32): void {
    if (lo > hi) return;
    this.ranges.push(lo);
    this.ranges.push(hi);
  }

  addSet(other: CharSet): void {
    const r = other.ranges;
    for (let i = 0; i < r.length; i += 2) this.addRange(r[i], r[i + 1]);
  }

  /** Sorts and merges the ranges; every consumer calls this first. */
  normalize(): CharSet {
    const r = this.ranges;
    const n = r.length >> 1;
    if (n <= 1) return this;
    // Insertion sort of pairs: classes are small.
    for (let i = 1; i < n; i++) {
      const lo = r[2 * i], hi = r[2 * i + 1];
      let j = i - 1;
      while (j >= 0 && r[2 * j] > lo) {
        r[2 * j + 2] = r[2 * j];
        r[2 * j + 3] = r[2 * j + 1];
        j--;
      }
      r[2 * j + 2] = lo;
      r[2 * j + 3] = hi;
    }
    const out = new Array<i32>();
    let curLo = r[0], curHi = r[1];
    for (let i = 1; i < n; i++) {
      const lo = r[2 * i], hi = r[2 * i + 1];
      if (lo <= curHi + 1) {
        if (hi > curHi) curHi = hi;
      } else {
        out.push(curLo);
        out.push(curHi);
        curLo = lo;
        curHi = hi;
      }
    }
    out.push(curLo);
    out.push(curHi);
    this.ranges = out;
    return this;
  }

  /** The complement within [0, maxCode]. */
  negated(maxCode: i32): CharSet {
    this.normalize();
    const out = new CharSet();
    let next = 0;
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] > next) out.addRange(next, min(r[i] - 1, maxCode));
      next = r[i + 1] + 1;
    }
    if (next <= maxCode) out.addRange(next, maxCode);
    return out;
  }

  isEmpty(): bool { return this.ranges.length == 0; }

  /** Adds the other case of every letter in the set (ASCII only when `asciiOnly`). */
  caseFolded(asciiOnly: bool): CharSet {
    this.normalize();
    const out = new CharSet();
    out.addSet(this);
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const lo = r[i], hi = r[i + 1];
      addShifted(out, lo, hi, 0x41, 0x5a, 0x20); // A-Z -> a-z
      addShifted(out, lo, hi, 0x61, 0x7a, -0x20);
      if (asciiOnly) continue;
      addShifted(out, lo, hi, 0xc0, 0xd6, 0x20); // Latin-1 letters (0xd7 is the multiplication sign)
      addShifted(out, lo, hi, 0xd8, 0xde, 0x20);
      addShifted(out, lo, hi, 0xe0, 0xf6, -0x20);
      addShifted(out, lo, hi, 0xf8, 0xfe, -0x20);
      addShifted(out, lo, hi, 0x391, 0x3a1, 0x20); // Greek (0x3a2 is unassigned)
      addShifted(out, lo, hi, 0x3a3, 0x3a9, 0x20);
      addShifted(out, lo, hi, 0x3b1, 0x3c1, -0x20);
      addShifted(out, lo, hi, 0x3c3, 0x3c9, -0x20);
      addShifted(out, lo, hi, 0x410, 0x42f, 0x20); // Cyrillic
      addShifted(out, lo, hi, 0x430, 0x44f, -0x20);
      addShifted(out, lo, hi, 0x400, 0x40f, 0x50);
      addShifted(out, lo, hi, 0x450, 0x45f, -0x50);
    }
    return out.normalize();
  }
}

function addShifted(out: CharSet, lo: i32, hi: i32, blockLo: i32, blockHi: i32, delta: i32): void {
  const a = max(lo, blockLo), b = min(hi, blockHi);
  if (a <= b) out.addRange(a + delta, b + delta);
}

// Perl classes, as PCRE defines them for ASCII (\s includes \v, as PCRE and JavaScript do).
export function digitSet(): CharSet { const s = new CharSet(); s.addRange(0x30, 0x39); return s; }
export function wordSet(): CharSet {
  const s = new CharSet();
  s.addRange(0x30, 0x39); s.addRange(0x41, 0x5a); s.addRange(0x5f, 0x5f); s.addRange(0x61, 0x7a);
  return s;
}
export function spaceSet(): CharSet { const s = new CharSet(); s.addRange(0x09, 0x0d); s.addRange(0x20, 0x20); return s; }
/** PCRE's \h: horizontal white space (ASCII and Latin-1 subset). */
export function horizontalSpaceSet(): CharSet { const s = new CharSet(); s.addRange(0x09, 0x09); s.addRange(0x20, 0x20); s.addRange(0xa0, 0xa0); return s; }
/** PCRE's \v (as a class): vertical white space. */
export function verticalSpaceSet(): CharSet { const s = new CharSet(); s.addRange(0x0a, 0x0d); s.addRange(0x85, 0x85); s.addRange(0x2028, 0x2029); return s; }

/** POSIX bracket classes ([:alpha:] ...), ASCII as RE2 defines them; null for an unknown name. */
export function posixSet(name: string): CharSet | null {
  const s = new CharSet();
  if (name == "alnum") { s.addRange(0x30, 0x39); s.addRange(0x41, 0x5a); s.addRange(0x61, 0x7a); }
  else if (name == "alpha") { s.addRange(0x41, 0x5a); s.addRange(0x61, 0x7a); }
  else if (name == "ascii") { s.addRange(0, 0x7f); }
  else if (name == "blank") { s.addRange(0x09, 0x09); s.addRange(0x20, 0x20); }
  else if (name == "cntrl") { s.addRange(0, 0x1f); s.addRange(0x7f, 0x7f); }
  else if (name == "digit") { s.addRange(0x30, 0x39); }
  else if (name == "graph") { s.addRange(0x21, 0x7e); }
  else if (name == "lower") { s.addRange(0x61, 0x7a); }
  else if (name == "print") { s.addRange(0x20, 0x7e); }
  else if (name == "punct") { s.addRange(0x21, 0x2f); s.addRange(0x3a, 0x40); s.addRange(0x5b, 0x60); s.addRange(0x7b, 0x7e); }
  else if (name == "space") { s.addRange(0x09, 0x0d); s.addRange(0x20, 0x20); }
  else if (name == "upper") { s.addRange(0x41, 0x5a); }
  else if (name == "word") { s.addRange(0x30, 0x39); s.addRange(0x41, 0x5a); s.addRange(0x5f, 0x5f); s.addRange(0x61, 0x7a); }
  else if (name == "xdigit") { s.addRange(0x30, 0x39); s.addRange(0x41, 0x46); s.addRange(0x61, 0x66); }
  else return null;
  return s;
}

@inline export function isWordByte(b: i32): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || b == 0x5f || (b >= 0x61 && b <= 0x7a);
}
