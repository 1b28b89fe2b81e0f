// Ed25519 signature verification (RFC 8032 §5.1.7), cofactorless: the signature is valid when
// encode([S]B - [k]A) equals R byte for byte, with S < L required. Points are extended
// twisted-Edwards coordinates (X:Y:Z:T), a = -1, over GF(2^255 - 19) in Montgomery form.
import { constantTimeEqual } from "./bytes";
import { sha512 } from "./sha512";
import { limbsCopy, limbsEqual, limbsFromBytesLE, limbsFromHex, limbsIsZero, limbsLess, limbsToBytesLE, Modulus } from "./modulus";

const LIMBS = 8;

class EdPoint {
  x: StaticArray<u32> = new StaticArray<u32>(LIMBS);
  y: StaticArray<u32> = new StaticArray<u32>(LIMBS);
  z: StaticArray<u32> = new StaticArray<u32>(LIMBS);
  t: StaticArray<u32> = new StaticArray<u32>(LIMBS);
}

class EdTable {
  points: StaticArray<EdPoint> = new StaticArray<EdPoint>(16);
}

class Ed25519Context {
  readonly F: Modulus;
  readonly L: Modulus;
  readonly d: StaticArray<u32>;
  readonly d2: StaticArray<u32>;
  readonly sqrtM1: StaticArray<u32>;
  /** (p - 5) / 8, the exponent of the square-root candidate. */
  readonly sqrtExp: StaticArray<u32>;
  baseTable: EdTable;
  private a: StaticArray<u32>; private b: StaticArray<u32>; private c: StaticArray<u32>; private dd: StaticArray<u32>;
  private e: StaticArray<u32>; private f: StaticArray<u32>; private g: StaticArray<u32>; private h: StaticArray<u32>;

  constructor() {
    const F = new Modulus(limbsFromHex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed", LIMBS));
    this.F = F;
    this.L = new Modulus(limbsFromHex("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed", LIMBS));
    const d = F.newValue();
    F.toMont(d, limbsFromHex("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3", LIMBS));
    this.d = d;
    const d2 = F.newValue();
    F.addTo(d2, d, d);
    this.d2 = d2;
    const s = F.newValue();
    F.toMont(s, limbsFromHex("2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0", LIMBS));
    this.sqrtM1 = s;
    this.sqrtExp = limbsFromHex("0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd", LIMBS);
    this.a = F.newValue(); this.b = F.newValue(); this.c = F.newValue(); this.dd = F.newValue();
    this.e = F.newValue(); this.f = F.newValue(); this.g = F.newValue(); this.h = F.newValue();
    const base = new EdPoint();
    F.toMont(base.x, limbsFromHex("216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a", LIMBS));
    F.toMont(base.y, limbsFromHex("6666666666666666666666666666666666666666666666666666666666666658", LIMBS));
    limbsCopy(base.z, F.one);
    F.mul(base.t, base.x, base.y);
    this.baseTable = new EdTable();
    this.baseTable = this.table(base);
  }

  setIdentity(out: EdPoint): void {
    memory.fill(changetype<usize>(out.x), 0, LIMBS << 2);
    limbsCopy(out.y, this.F.one);
    limbsCopy(out.z, this.F.one);
    memory.fill(changetype<usize>(out.t), 0, LIMBS << 2);
  }

  copy(out: EdPoint, p: EdPoint): void {
    limbsCopy(out.x, p.x); limbsCopy(out.y, p.y); limbsCopy(out.z, p.z); limbsCopy(out.t, p.t);
  }

  /** add-2008-hwcd-3: complete for a = -1 with non-square d. */
  add(out: EdPoint, p: EdPoint, q: EdPoint): void {
    const F = this.F;
    const A = this.a, B = this.b, C = this.c, D = this.dd, E = this.e, Fv = this.f, G = this.g, H = this.h;
    F.subTo(A, p.y, p.x);
    F.subTo(E, q.y, q.x);
    F.mul(A, A, E);
    F.addTo(B, p.y, p.x);
    F.addTo(E, q.y, q.x);
    F.mul(B, B, E);
    F.mul(C, p.t, this.d2);
    F.mul(C, C, q.t);
    F.mul(D, p.z, q.z);
    F.addTo(D, D, D);
    F.subTo(E, B, A);
    F.subTo(Fv, D, C);
    F.addTo(G, D, C);
    F.addTo(H, B, A);
    F.mul(out.x, E, Fv);
    F.mul(out.y, G, H);
    F.mul(out.t, E, H);
    F.mul(out.z, Fv, G);
  }

  /** dbl-2008-hwcd with a = -1. */
  double(out: EdPoint, p: EdPoint): void {
    const F = this.F;
    const A = this.a, B = this.b, C = this.c, D = this.dd, E = this.e, Fv = this.f, G = this.g, H = this.h;
    F.sqr(A, p.x);
    F.sqr(B, p.y);
    F.sqr(C, p.z);
    F.addTo(C, C, C);
    F.negTo(D, A);
    F.addTo(E, p.x, p.y);
    F.sqr(E, E);
    F.subTo(E, E, A);
    F.subTo(E, E, B);
    F.addTo(G, D, B);
    F.subTo(Fv, G, C);
    F.subTo(H, D, B);
    F.mul(out.x, E, Fv);
    F.mul(out.y, G, H);
    F.mul(out.t, E, H);
    F.mul(out.z, Fv, G);
  }

  table(p: EdPoint): EdTable {
    const t = new EdTable();
    const pts = t.points;
    for (let i = 0; i < 16; i++) unchecked(pts[i] = new EdPoint());
    this.setIdentity(unchecked(pts[0]));
    this.copy(unchecked(pts[1]), p);
    for (let i = 2; i < 16; i++) this.add(unchecked(pts[i]), unchecked(pts[i - 1]), p);
    return t;
  }

  /** RFC 8032 §5.1.3 decoding; null for a non-canonical y or an x that does not exist. */
  decompress(bytes: Uint8Array): EdPoint | null {
    if (bytes.length != 32) return null;
    const F = this.F;
    const sign = <u32>(bytes[31] >> 7);
    const yBytes = bytes.slice(0);
    yBytes[31] &= 0x7f;
    const yPlain = limbsFromBytesLE(yBytes, LIMBS)!;
    if (!limbsLess(yPlain, F.m)) return null;
    const p = new EdPoint();
    F.toMont(p.y, yPlain);
    const u = F.newValue(), v = F.newValue(), t = F.newValue(), x = F.newValue();
    F.sqr(u, p.y);
    F.mul(v, u, this.d);
    F.subTo(u, u, F.one); // u = y² - 1
    F.addTo(v, v, F.one); // v = d y² + 1
    // x = u v³ (u v⁷)^((p-5)/8)
    const v3 = F.newValue();
    F.sqr(v3, v);
    F.mul(v3, v3, v);
    F.sqr(t, v3);
    F.mul(t, t, v); // v⁷
    F.mul(t, t, u); // u v⁷
    F.powMont(t, t, this.sqrtExp);
    F.mul(x, u, v3);
    F.mul(x, x, t);
    // Check v x² = ±u.
    F.sqr(t, x);
    F.mul(t, t, v);
    if (!limbsEqual(t, u)) {
      const negU = F.newValue();
      F.negTo(negU, u);
      if (!limbsEqual(t, negU)) return null;
      F.mul(x, x, this.sqrtM1);
    }
    const xPlain = F.newValue();
    F.fromMont(xPlain, x);
    if (limbsIsZero(xPlain) && sign == 1) return null;
    if ((unchecked(xPlain[0]) & 1) != sign) F.negTo(x, x);
    limbsCopy(p.x, x);
    limbsCopy(p.z, F.one);
    F.mul(p.t, p.x, p.y);
    return p;
  }

  encode(p: EdPoint): Uint8Array {
    const F = this.F;
    const zInv = F.newValue();
    F.invMont(zInv, p.z);
    const x = F.newValue(), y = F.newValue();
    F.mul(x, p.x, zInv);
    F.mul(y, p.y, zInv);
    F.fromMont(x, x);
    F.fromMont(y, y);
    const out = limbsToBytesLE(y, 32);
    out[31] |= <u8>((unchecked(x[0]) & 1) << 7);
    return out;
  }

  /** s1·B + s2·P (plain scalars below 2^256) with interleaved 4-bit windows. */
  doubleScalarMul(out: EdPoint, s1: StaticArray<u32>, s2: StaticArray<u32>, pTable: EdTable): void {
    this.setIdentity(out);
    const bt = this.baseTable.points;
    const pt = pTable.points;
    for (let w = 63; w >= 0; w--) {
      if (w != 63) {
        this.double(out, out); this.double(out, out); this.double(out, out); this.double(out, out);
      }
      const shift = <u32>((w & 7) << 2);
      const d1 = (unchecked(s1[w >> 3]) >>> shift) & 15;
      const d2 = (unchecked(s2[w >> 3]) >>> shift) & 15;
      if (d1 != 0) this.add(out, out, unchecked(bt[d1]));
      if (d2 != 0) this.add(out, out, unchecked(pt[d2]));
    }
  }

  /** A 64-byte little-endian number reduced modulo L. */
  reduceWide(bytes: Uint8Array): StaticArray<u32> {
    const L = this.L;
    const lo = limbsFromBytesLE(bytes.subarray(0, 32), LIMBS)!;
    const hi = limbsFromBytesLE(bytes.subarray(32, 64), LIMBS)!;
    const hiPart = L.newValue();
    L.mul(hiPart, hi, L.r2); // hi·R mod L
    const loPart = L.newValue();
    L.reduce(loPart, lo);
    L.addTo(hiPart, hiPart, loPart);
    return hiPart;
  }
}

let context: Ed25519Context | null = null;

function ed(): Ed25519Context {
  if (context == null) context = new Ed25519Context();
  return context!;
}

export class Ed25519PublicKey {
  readonly encoded: Uint8Array;
  /** Window table of -A, so verification computes [S]B + [k](-A). */
  readonly negTable: EdTable;
  constructor(encoded: Uint8Array, negTable: EdTable) {
    this.encoded = encoded;
    this.negTable = negTable;
  }
}

export function ed25519PublicKey(encoded: Uint8Array): Ed25519PublicKey | null {
  const c = ed();
  const a = c.decompress(encoded);
  if (a == null) return null;
  c.F.negTo(a.x, a.x);
  c.F.negTo(a.t, a.t);
  return new Ed25519PublicKey(encoded.slice(0), c.table(a));
}

export function ed25519Verify(key: Ed25519PublicKey, message: Uint8Array, signature: Uint8Array): bool {
  if (signature.length != 64) return false;
  const c = ed();
  const rBytes = signature.subarray(0, 32);
  const s = limbsFromBytesLE(signature.subarray(32, 64), LIMBS)!;
  if (!limbsLess(s, c.L.m)) return false;
  const hashInput = new Uint8Array(64 + message.length);
  hashInput.set(rBytes, 0);
  hashInput.set(key.encoded, 32);
  hashInput.set(message, 64);
  const k = c.reduceWide(sha512(hashInput));
  const p = new EdPoint();
  c.doubleScalarMul(p, s, k, key.negTable);
  return constantTimeEqual(c.encode(p), rBytes);
}
