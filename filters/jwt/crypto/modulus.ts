// Arithmetic modulo an odd number with Montgomery multiplication (32-bit limbs, 64-bit products).
// One implementation serves RSA moduli (64–256 limbs), the NIST curve fields and orders, and
// Ed25519's field and group order. Numbers are StaticArray<u32>, little-endian limbs, exactly
// `limbs` long; "Montgomery form" of x is x·R mod m with R = 2^(32·limbs).

import { modAdd12, modAdd8, modSub12, modSub8, montMul12, montMul8 } from "./unrolled";

@inline function limbAt(p: usize, i: i32): u64 {
  return <u64>load<u32>(p + (<usize>i << 2));
}

@inline function setLimb(p: usize, i: i32, v: u64): void {
  store<u32>(p + (<usize>i << 2), <u32>v);
}

/** a < b over n limbs (raw pointers). */
function lessThanRaw(a: usize, b: usize, n: i32): bool {
  for (let i = n - 1; i >= 0; i--) {
    const x = load<u32>(a + (<usize>i << 2));
    const y = load<u32>(b + (<usize>i << 2));
    if (x != y) return x < y;
  }
  return false;
}

/** a -= b over n limbs; returns the borrow. */
function subInPlaceRaw(a: usize, b: usize, n: i32): u32 {
  let borrow: i64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <i64>limbAt(a, i) - <i64>limbAt(b, i) + borrow;
    setLimb(a, i, <u64>d);
    borrow = d >> 32;
  }
  return <u32>(borrow & 1);
}

/** a += b over n limbs; returns the carry. */
function addInPlaceRaw(a: usize, b: usize, n: i32): u32 {
  let carry: u64 = 0;
  for (let i = 0; i < n; i++) {
    const s = limbAt(a, i) + limbAt(b, i) + carry;
    setLimb(a, i, s);
    carry = s >> 32;
  }
  return <u32>carry;
}

export function newLimbs(n: i32): StaticArray<u32> {
  return new StaticArray<u32>(n);
}

/** Big-endian bytes to `n` limbs; null when the value needs more than n limbs. */
export function limbsFromBytes(bytes: Uint8Array, n: i32): StaticArray<u32> | null {
  const out = new StaticArray<u32>(n);
  const len = bytes.length;
  for (let i = 0; i < len; i++) {
    const b = <u32>unchecked(bytes[len - 1 - i]);
    if (b == 0) continue;
    const limb = i >> 2;
    if (limb >= n) return null;
    unchecked(out[limb] |= b << (<u32>(i & 3) << 3));
  }
  return out;
}

/** Little-endian bytes to `n` limbs; null when the value needs more than n limbs. */
export function limbsFromBytesLE(bytes: Uint8Array, n: i32): StaticArray<u32> | null {
  const out = new StaticArray<u32>(n);
  for (let i = 0; i < bytes.length; i++) {
    const b = <u32>unchecked(bytes[i]);
    if (b == 0) continue;
    const limb = i >> 2;
    if (limb >= n) return null;
    unchecked(out[limb] |= b << (<u32>(i & 3) << 3));
  }
  return out;
}

/** Limbs to big-endian bytes of exactly `len` (higher limbs must be zero). */
export function limbsToBytes(a: StaticArray<u32>, len: i32): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const limb = i >> 2;
    if (limb < a.length) out[len - 1 - i] = <u8>(unchecked(a[limb]) >>> (<u32>(i & 3) << 3));
  }
  return out;
}

/** Limbs to little-endian bytes of exactly `len`. */
export function limbsToBytesLE(a: StaticArray<u32>, len: i32): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const limb = i >> 2;
    if (limb < a.length) out[i] = <u8>(unchecked(a[limb]) >>> (<u32>(i & 3) << 3));
  }
  return out;
}

export function limbsFromHex(hex: string, n: i32): StaticArray<u32> {
  const out = new StaticArray<u32>(n);
  let bit = 0;
  for (let i = hex.length - 1; i >= 0; i--) {
    const c = hex.charCodeAt(i);
    const v: u32 = c <= 57 ? c - 48 : (c | 32) - 87;
    unchecked(out[bit >> 5] |= v << (<u32>(bit & 31)));
    bit += 4;
  }
  return out;
}

export function limbsIsZero(a: StaticArray<u32>): bool {
  let acc: u32 = 0;
  for (let i = 0; i < a.length; i++) acc |= unchecked(a[i]);
  return acc == 0;
}

export function limbsEqual(a: StaticArray<u32>, b: StaticArray<u32>): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (unchecked(a[i]) != unchecked(b[i])) return false;
  return true;
}

export function limbsLess(a: StaticArray<u32>, b: StaticArray<u32>): bool {
  return lessThanRaw(changetype<usize>(a), changetype<usize>(b), a.length);
}

export function limbsCopy(dst: StaticArray<u32>, src: StaticArray<u32>): void {
  memory.copy(changetype<usize>(dst), changetype<usize>(src), <usize>dst.length << 2);
}

/** Number of significant bits. */
export function limbsBitLength(a: StaticArray<u32>): i32 {
  for (let i = a.length - 1; i >= 0; i--) {
    const v = unchecked(a[i]);
    if (v != 0) return (i << 5) + 32 - <i32>clz<u32>(v);
  }
  return 0;
}

@inline export function limbsBit(a: StaticArray<u32>, bit: i32): u32 {
  return (unchecked(a[bit >> 5]) >>> (<u32>(bit & 31))) & 1;
}

export class Modulus {
  readonly limbs: i32;
  readonly m: StaticArray<u32>;
  readonly bits: i32;
  /** -m^-1 mod 2^32 */
  readonly mInv: u32;
  /** R^2 mod m: multiplying by it converts into Montgomery form. */
  readonly r2: StaticArray<u32>;
  /** R mod m: the Montgomery form of 1. */
  readonly one: StaticArray<u32>;
  /** The plain number 1, for converting out of Montgomery form. */
  private readonly plainOne: StaticArray<u32>;
  private readonly zero: StaticArray<u32>;
  private readonly t: StaticArray<u32>;
  /** Double-width scratch for squaring. */
  private readonly w: StaticArray<u32>;

  /** `m` must be odd and its top limb non-zero. */
  constructor(m: StaticArray<u32>) {
    const n = m.length;
    this.limbs = n;
    this.m = m;
    this.bits = limbsBitLength(m);
    let inv: u32 = 1;
    const m0 = unchecked(m[0]);
    for (let i = 0; i < 5; i++) inv *= 2 - m0 * inv;
    this.mInv = 0 - inv;
    this.t = new StaticArray<u32>(n + 2);
    this.w = new StaticArray<u32>(2 * n + 1);
    this.zero = new StaticArray<u32>(n);
    this.plainOne = new StaticArray<u32>(n);
    this.r2 = new StaticArray<u32>(n);
    this.one = new StaticArray<u32>(n);
    unchecked(this.plainOne[0] = 1);
    // R·2^j0 by doubling, then squarings double the exponent of 2 until it reaches R·R.
    const totalBits = n << 5;
    const squarings = <i32>ctz<i32>(totalBits);
    const j0 = totalBits >> squarings;
    const x = new StaticArray<u32>(n);
    unchecked(x[0] = 1);
    for (let i = 0; i < totalBits + j0; i++) this.addTo(x, x, x);
    // R mod m by doubling too (cheap, once per modulus).
    const one = this.one;
    unchecked(one[0] = 1);
    for (let i = 0; i < totalBits; i++) this.addTo(one, one, one);
    for (let i = 0; i < squarings; i++) this.mul(x, x, x);
    limbsCopy(this.r2, x);
  }

  newValue(): StaticArray<u32> {
    return new StaticArray<u32>(this.limbs);
  }

  /** out = a·b·R^-1 mod m. Inputs need a·b < m·R (true for anything below m, or one side below m). */
  @inline mul(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    // The curve sizes have unrolled versions that keep every limb in a local; inlining this
    // dispatch spares the point formulas a call level per field operation.
    const n = this.limbs;
    if (n == 8) montMul8(changetype<usize>(out), changetype<usize>(a), changetype<usize>(b), changetype<usize>(this.m), <u64>this.mInv);
    else if (n == 12) montMul12(changetype<usize>(out), changetype<usize>(a), changetype<usize>(b), changetype<usize>(this.m), <u64>this.mInv);
    else this.mulGeneric(out, a, b);
  }

  private mulGeneric(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    const n = this.limbs;
    const t = changetype<usize>(this.t);
    const mp = changetype<usize>(this.m);
    const ap = changetype<usize>(a);
    const bp = changetype<usize>(b);
    const mInv = <u64>this.mInv;
    memory.fill(t, 0, <usize>(n + 1) << 2);
    const b0 = limbAt(bp, 0);
    const m0 = limbAt(mp, 0);
    for (let i = 0; i < n; i++) {
      const ai = limbAt(ap, i);
      let p = limbAt(t, 0) + ai * b0;
      let carryA = p >> 32;
      const q = ((p & 0xffffffff) * mInv) & 0xffffffff;
      let r = (p & 0xffffffff) + q * m0;
      let carryM = r >> 32;
      let j = 1;
      // Four limbs per trip: the loop overhead otherwise rivals the multiplications.
      for (; j + 3 < n; j += 4) {
        p = limbAt(t, j) + ai * limbAt(bp, j) + carryA;
        carryA = p >> 32;
        r = (p & 0xffffffff) + q * limbAt(mp, j) + carryM;
        carryM = r >> 32;
        setLimb(t, j - 1, r);
        p = limbAt(t, j + 1) + ai * limbAt(bp, j + 1) + carryA;
        carryA = p >> 32;
        r = (p & 0xffffffff) + q * limbAt(mp, j + 1) + carryM;
        carryM = r >> 32;
        setLimb(t, j, r);
        p = limbAt(t, j + 2) + ai * limbAt(bp, j + 2) + carryA;
        carryA = p >> 32;
        r = (p & 0xffffffff) + q * limbAt(mp, j + 2) + carryM;
        carryM = r >> 32;
        setLimb(t, j + 1, r);
        p = limbAt(t, j + 3) + ai * limbAt(bp, j + 3) + carryA;
        carryA = p >> 32;
        r = (p & 0xffffffff) + q * limbAt(mp, j + 3) + carryM;
        carryM = r >> 32;
        setLimb(t, j + 2, r);
      }
      for (; j < n; j++) {
        p = limbAt(t, j) + ai * limbAt(bp, j) + carryA;
        carryA = p >> 32;
        r = (p & 0xffffffff) + q * limbAt(mp, j) + carryM;
        carryM = r >> 32;
        setLimb(t, j - 1, r);
      }
      p = limbAt(t, n) + carryA + carryM;
      setLimb(t, n - 1, p);
      setLimb(t, n, p >> 32);
    }
    if (load<u32>(t + (<usize>n << 2)) != 0 || !lessThanRaw(t, mp, n)) subInPlaceRaw(t, mp, n);
    memory.copy(changetype<usize>(out), t, <usize>n << 2);
  }

  /**
   * out = a²·R^-1 mod m. Large moduli (RSA) square with half the word products and reduce
   * separately; the unrolled curve sizes are faster through mul.
   */
  @inline sqr(out: StaticArray<u32>, a: StaticArray<u32>): void {
    if (this.limbs <= 12) this.mul(out, a, a);
    else this.sqrGeneric(out, a);
  }

  private sqrGeneric(out: StaticArray<u32>, a: StaticArray<u32>): void {
    const n = this.limbs;
    const w = changetype<usize>(this.w);
    const ap = changetype<usize>(a);
    const mp = changetype<usize>(this.m);
    memory.fill(w, 0, <usize>(2 * n + 1) << 2);
    // Off-diagonal products a[i]·a[j], i < j.
    for (let i = 0; i < n - 1; i++) {
      const ai = limbAt(ap, i);
      let c: u64 = 0;
      const wi = w + (<usize>i << 2);
      let j = i + 1;
      for (; j + 3 < n; j += 4) {
        let p = limbAt(wi, j) + ai * limbAt(ap, j) + c;
        setLimb(wi, j, p);
        p = limbAt(wi, j + 1) + ai * limbAt(ap, j + 1) + (p >> 32);
        setLimb(wi, j + 1, p);
        p = limbAt(wi, j + 2) + ai * limbAt(ap, j + 2) + (p >> 32);
        setLimb(wi, j + 2, p);
        p = limbAt(wi, j + 3) + ai * limbAt(ap, j + 3) + (p >> 32);
        setLimb(wi, j + 3, p);
        c = p >> 32;
      }
      for (; j < n; j++) {
        const p = limbAt(wi, j) + ai * limbAt(ap, j) + c;
        setLimb(wi, j, p);
        c = p >> 32;
      }
      setLimb(w, i + n, c);
    }
    // Double them, then add the squares a[i]².
    let top: u32 = 0;
    for (let k = 0; k < 2 * n; k++) {
      const v = load<u32>(w + (<usize>k << 2));
      store<u32>(w + (<usize>k << 2), (v << 1) | top);
      top = v >>> 31;
    }
    let c: u64 = 0;
    for (let i = 0; i < n; i++) {
      const ai = limbAt(ap, i);
      let p = limbAt(w, 2 * i) + ai * ai + c;
      setLimb(w, 2 * i, p);
      p = limbAt(w, 2 * i + 1) + (p >> 32);
      setLimb(w, 2 * i + 1, p);
      c = p >> 32;
    }
    // Montgomery reduction of the 2n-limb square.
    const mInv = <u64>this.mInv;
    let extra: u64 = 0;
    for (let i = 0; i < n; i++) {
      const q = (limbAt(w, i) * mInv) & 0xffffffff;
      let carry: u64 = 0;
      const wi = w + (<usize>i << 2);
      let j = 0;
      for (; j + 3 < n; j += 4) {
        let p = limbAt(wi, j) + q * limbAt(mp, j) + carry;
        setLimb(wi, j, p);
        p = limbAt(wi, j + 1) + q * limbAt(mp, j + 1) + (p >> 32);
        setLimb(wi, j + 1, p);
        p = limbAt(wi, j + 2) + q * limbAt(mp, j + 2) + (p >> 32);
        setLimb(wi, j + 2, p);
        p = limbAt(wi, j + 3) + q * limbAt(mp, j + 3) + (p >> 32);
        setLimb(wi, j + 3, p);
        carry = p >> 32;
      }
      for (; j < n; j++) {
        const p = limbAt(wi, j) + q * limbAt(mp, j) + carry;
        setLimb(wi, j, p);
        carry = p >> 32;
      }
      const p = limbAt(w, i + n) + carry + extra;
      setLimb(w, i + n, p);
      extra = p >> 32;
    }
    const result = w + (<usize>n << 2);
    if (extra != 0 || !lessThanRaw(result, mp, n)) subInPlaceRaw(result, mp, n);
    memory.copy(changetype<usize>(out), result, <usize>n << 2);
  }

  /** out = a + b mod m (a, b < m). */
  @inline addTo(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    const n = this.limbs;
    if (n == 8) modAdd8(changetype<usize>(out), changetype<usize>(a), changetype<usize>(b), changetype<usize>(this.m));
    else if (n == 12) modAdd12(changetype<usize>(out), changetype<usize>(a), changetype<usize>(b), changetype<usize>(this.m));
    else this.addGeneric(out, a, b);
  }

  private addGeneric(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    if (out == b && out != a) {
      this.addTo(out, b, a);
      return;
    }
    const n = this.limbs;
    const op = changetype<usize>(out);
    if (out != a) memory.copy(op, changetype<usize>(a), <usize>n << 2);
    const carry = addInPlaceRaw(op, changetype<usize>(b), n);
    const mp = changetype<usize>(this.m);
    if (carry != 0 || !lessThanRaw(op, mp, n)) subInPlaceRaw(op, mp, n);
  }

  /** out = a - b mod m (a, b < m). */
  @inline subTo(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    const n = this.limbs;
    if (n == 8) modSub8(changetype<usize>(out), changetype<usize>(a), changetype<usize>(b), changetype<usize>(this.m));
    else if (n == 12) modSub12(changetype<usize>(out), changetype<usize>(a), changetype<usize>(b), changetype<usize>(this.m));
    else this.subGeneric(out, a, b);
  }

  private subGeneric(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): void {
    if (out == b && out != a) {
      const copy = this.newValue();
      limbsCopy(copy, b);
      this.subTo(out, a, copy);
      return;
    }
    const n = this.limbs;
    const op = changetype<usize>(out);
    if (out != a) memory.copy(op, changetype<usize>(a), <usize>n << 2);
    if (subInPlaceRaw(op, changetype<usize>(b), n) != 0) addInPlaceRaw(op, changetype<usize>(this.m), n);
  }

  /** out = -a mod m. */
  negTo(out: StaticArray<u32>, a: StaticArray<u32>): void {
    this.subTo(out, this.zero, a);
  }

  toMont(out: StaticArray<u32>, a: StaticArray<u32>): void {
    this.mul(out, a, this.r2);
  }

  fromMont(out: StaticArray<u32>, a: StaticArray<u32>): void {
    this.mul(out, a, this.plainOne);
  }

  /** out = base^exp in Montgomery form (base in Montgomery form, exp plain limbs of any length). */
  powMont(out: StaticArray<u32>, base: StaticArray<u32>, exp: StaticArray<u32>): void {
    const top = limbsBitLength(exp);
    const acc = this.newValue();
    limbsCopy(acc, this.one);
    for (let bit = top - 1; bit >= 0; bit--) {
      this.sqr(acc, acc);
      if (limbsBit(exp, bit) != 0) this.mul(acc, acc, base);
    }
    limbsCopy(out, acc);
  }

  /** Inverse for a prime modulus, by Fermat: a^(m-2). Montgomery form in and out. */
  invMont(out: StaticArray<u32>, a: StaticArray<u32>): void {
    const e = this.newValue();
    limbsCopy(e, this.m);
    // m is odd and > 2, so m - 2 only touches the low limb's borrow chain.
    const two = this.newValue();
    unchecked(two[0] = 2);
    subInPlaceRaw(changetype<usize>(e), changetype<usize>(two), this.limbs);
    this.powMont(out, a, e);
  }

  /** Reduces a value below 2^(32·limbs) (possibly ≥ m) into [0, m). */
  reduce(out: StaticArray<u32>, a: StaticArray<u32>): void {
    const tmp = this.newValue();
    this.mul(tmp, a, this.r2);
    this.mul(out, tmp, this.plainOne);
  }
}
