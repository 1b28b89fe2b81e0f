// ECDSA verification on the NIST prime curves P-256 and P-384 (a = -3), signatures in the
// IEEE P1363 form JWS uses (r ‖ s, each padded to the coordinate size).
// Points are Jacobian (X/Z², Y/Z³) with coordinates in Montgomery form; Z = 0 is infinity.
import { digest, HashAlg } from "./hash";
import { limbsCopy, limbsEqual, limbsFromBytes, limbsFromHex, limbsIsZero, limbsLess, Modulus } from "./modulus";

export class JacobianPoint {
  x: StaticArray<u32>;
  y: StaticArray<u32>;
  z: StaticArray<u32>;
  constructor(limbs: i32) {
    this.x = new StaticArray<u32>(limbs);
    this.y = new StaticArray<u32>(limbs);
    this.z = new StaticArray<u32>(limbs);
  }
}

/** Precomputed multiples 0·P … 15·P for 4-bit windows. */
export class WindowTable {
  readonly points: StaticArray<JacobianPoint>;
  constructor(curve: Curve, p: JacobianPoint) {
    const pts = new StaticArray<JacobianPoint>(16);
    for (let i = 0; i < 16; i++) unchecked(pts[i] = new JacobianPoint(curve.limbs));
    curve.copy(unchecked(pts[1]), p);
    curve.double(unchecked(pts[2]), p);
    for (let i = 3; i < 16; i++) curve.add(unchecked(pts[i]), unchecked(pts[i - 1]), p);
    this.points = pts;
  }
}

export class Curve {
  readonly name: string;
  readonly limbs: i32;
  /** Coordinate (and scalar) size in bytes. */
  readonly size: i32;
  readonly field: Modulus;
  readonly order: Modulus;
  readonly hash: HashAlg;
  private readonly b: StaticArray<u32>;
  readonly generatorTable: WindowTable;
  // Scratch values for the point formulas.
  private t0: StaticArray<u32>; private t1: StaticArray<u32>; private t2: StaticArray<u32>;
  private t3: StaticArray<u32>; private t4: StaticArray<u32>; private t5: StaticArray<u32>;
  private t6: StaticArray<u32>; private t7: StaticArray<u32>; private t8: StaticArray<u32>;

  constructor(name: string, size: i32, hash: HashAlg, pHex: string, nHex: string, bHex: string, gxHex: string, gyHex: string) {
    this.name = name;
    this.size = size;
    this.hash = hash;
    const limbs = size >> 2;
    this.limbs = limbs;
    const field = new Modulus(limbsFromHex(pHex, limbs));
    this.field = field;
    this.order = new Modulus(limbsFromHex(nHex, limbs));
    const b = field.newValue();
    field.toMont(b, limbsFromHex(bHex, limbs));
    this.b = b;
    this.t0 = field.newValue(); this.t1 = field.newValue(); this.t2 = field.newValue();
    this.t3 = field.newValue(); this.t4 = field.newValue(); this.t5 = field.newValue();
    this.t6 = field.newValue(); this.t7 = field.newValue(); this.t8 = field.newValue();
    this.generatorTable = changetype<WindowTable>(0);
    const g = new JacobianPoint(limbs);
    field.toMont(g.x, limbsFromHex(gxHex, limbs));
    field.toMont(g.y, limbsFromHex(gyHex, limbs));
    limbsCopy(g.z, field.one);
    const table = new WindowTable(this, g);
    // The generator's multiples are fixed: store them affine (Z = 1) for the cheaper additions.
    const pts = table.points;
    for (let i = 1; i < 16; i++) this.toAffine(unchecked(pts[i]));
    this.generatorTable = table;
  }

  /** Rewrites a finite point with Z = 1 (one inversion). */
  toAffine(p: JacobianPoint): void {
    const F = this.field;
    const zInv = F.newValue();
    F.invMont(zInv, p.z);
    const zInv2 = F.newValue();
    F.sqr(zInv2, zInv);
    F.mul(p.x, p.x, zInv2);
    F.mul(zInv2, zInv2, zInv);
    F.mul(p.y, p.y, zInv2);
    limbsCopy(p.z, F.one);
  }

  copy(out: JacobianPoint, p: JacobianPoint): void {
    limbsCopy(out.x, p.x);
    limbsCopy(out.y, p.y);
    limbsCopy(out.z, p.z);
  }

  setInfinity(out: JacobianPoint): void {
    limbsCopy(out.x, this.field.one);
    limbsCopy(out.y, this.field.one);
    memory.fill(changetype<usize>(out.z), 0, <usize>this.limbs << 2);
  }

  /** dbl-2001-b (a = -3). */
  double(out: JacobianPoint, p: JacobianPoint): void {
    const F = this.field;
    const delta = this.t0, gamma = this.t1, beta = this.t2, alpha = this.t3, t = this.t4, beta4 = this.t5;
    F.sqr(delta, p.z);
    F.sqr(gamma, p.y);
    F.mul(beta, p.x, gamma);
    F.subTo(t, p.x, delta);
    F.addTo(alpha, p.x, delta);
    F.mul(alpha, t, alpha);
    F.addTo(t, alpha, alpha);
    F.addTo(alpha, t, alpha);
    // Z3 = (Y1 + Z1)^2 - gamma - delta
    F.addTo(t, p.y, p.z);
    F.sqr(t, t);
    F.subTo(t, t, gamma);
    F.subTo(out.z, t, delta);
    // X3 = alpha^2 - 8 beta
    F.addTo(beta4, beta, beta);
    F.addTo(beta4, beta4, beta4);
    F.sqr(t, alpha);
    F.subTo(t, t, beta4);
    F.subTo(out.x, t, beta4);
    // Y3 = alpha (4 beta - X3) - 8 gamma^2
    F.subTo(t, beta4, out.x);
    F.mul(t, alpha, t);
    F.sqr(gamma, gamma);
    F.addTo(gamma, gamma, gamma);
    F.addTo(gamma, gamma, gamma);
    F.addTo(gamma, gamma, gamma);
    F.subTo(out.y, t, gamma);
  }

  /** add-2007-bl, with the doubling and inverse cases handled. */
  add(out: JacobianPoint, p: JacobianPoint, q: JacobianPoint): void {
    if (limbsIsZero(p.z)) { this.copy(out, q); return; }
    if (limbsIsZero(q.z)) { this.copy(out, p); return; }
    const F = this.field;
    const z1z1 = this.t0, z2z2 = this.t1, u1 = this.t2, u2 = this.t3, s1 = this.t4, s2 = this.t5;
    // q with Z = 1 (the affine generator table) saves four products.
    const qAffine = limbsEqual(q.z, F.one);
    F.sqr(z1z1, p.z);
    if (qAffine) {
      limbsCopy(z2z2, F.one);
      limbsCopy(u1, p.x);
      limbsCopy(s1, p.y);
    } else {
      F.sqr(z2z2, q.z);
      F.mul(u1, p.x, z2z2);
      F.mul(s1, p.y, q.z);
      F.mul(s1, s1, z2z2);
    }
    F.mul(u2, q.x, z1z1);
    F.mul(s2, q.y, p.z);
    F.mul(s2, s2, z1z1);
    const h = this.t6, r = this.t7, i = this.t8;
    F.subTo(h, u2, u1);
    F.subTo(r, s2, s1);
    if (limbsIsZero(h)) {
      if (limbsIsZero(r)) this.double(out, p);
      else this.setInfinity(out);
      return;
    }
    // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H = 2 Z1 Z2 H, computed first while Z1, Z2 are intact.
    if (qAffine) {
      F.addTo(u2, p.z, p.z);
    } else {
      F.addTo(u2, p.z, q.z);
      F.sqr(u2, u2);
      F.subTo(u2, u2, z1z1);
      F.subTo(u2, u2, z2z2);
    }
    F.mul(out.z, u2, h);
    F.addTo(i, h, h);
    F.sqr(i, i); // I = (2H)^2
    const j = z1z1, v = z2z2;
    F.mul(j, h, i); // J = H I
    F.addTo(r, r, r); // r = 2 (S2 - S1)
    F.mul(v, u1, i); // V = U1 I
    // X3 = r^2 - J - 2V
    F.sqr(u2, r);
    F.subTo(u2, u2, j);
    F.subTo(u2, u2, v);
    F.subTo(out.x, u2, v);
    // Y3 = r (V - X3) - 2 S1 J
    F.subTo(v, v, out.x);
    F.mul(v, r, v);
    F.mul(s1, s1, j);
    F.addTo(s1, s1, s1);
    F.subTo(out.y, v, s1);
  }

  /** Affine (x, y) plain coordinates to a point, if it satisfies y² = x³ - 3x + b. */
  pointFromAffine(xBytes: Uint8Array, yBytes: Uint8Array): JacobianPoint | null {
    const F = this.field;
    if (xBytes.length != this.size || yBytes.length != this.size) return null;
    const x = limbsFromBytes(xBytes, this.limbs);
    const y = limbsFromBytes(yBytes, this.limbs);
    if (x == null || y == null || !limbsLess(x, F.m) || !limbsLess(y, F.m)) return null;
    const p = new JacobianPoint(this.limbs);
    F.toMont(p.x, x);
    F.toMont(p.y, y);
    limbsCopy(p.z, F.one);
    const lhs = F.newValue();
    F.sqr(lhs, p.y);
    const rhs = F.newValue();
    F.sqr(rhs, p.x);
    F.mul(rhs, rhs, p.x);
    const t = F.newValue();
    F.addTo(t, p.x, p.x);
    F.addTo(t, t, p.x);
    F.subTo(rhs, rhs, t);
    F.addTo(rhs, rhs, this.b);
    return limbsEqual(lhs, rhs) ? p : null;
  }

  /** u1·G + u2·Q with interleaved 4-bit windows (scalars plain, below the order). */
  doubleScalarMul(out: JacobianPoint, u1: StaticArray<u32>, u2: StaticArray<u32>, qTable: WindowTable): void {
    this.setInfinity(out);
    const g = this.generatorTable.points;
    const q = qTable.points;
    for (let w = (this.limbs << 3) - 1; w >= 0; w--) {
      if (!limbsIsZero(out.z)) {
        this.double(out, out); this.double(out, out); this.double(out, out); this.double(out, out);
      }
      const shift = <u32>((w & 7) << 2);
      const d1 = (unchecked(u1[w >> 3]) >>> shift) & 15;
      const d2 = (unchecked(u2[w >> 3]) >>> shift) & 15;
      if (d1 != 0) this.add(out, out, unchecked(g[d1]));
      if (d2 != 0) this.add(out, out, unchecked(q[d2]));
    }
  }
}

export class EcPublicKey {
  readonly curve: Curve;
  readonly table: WindowTable;
  constructor(curve: Curve, point: JacobianPoint) {
    this.curve = curve;
    this.table = new WindowTable(curve, point);
  }
}

let p256: Curve | null = null;
let p384: Curve | null = null;

export function curveP256(): Curve {
  if (p256 == null) {
    p256 = new Curve("P-256", 32, HashAlg.SHA256,
      "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
      "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
      "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
      "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  }
  return p256!;
}

export function curveP384(): Curve {
  if (p384 == null) {
    p384 = new Curve("P-384", 48, HashAlg.SHA384,
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
      "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
      "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
      "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
      "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f");
  }
  return p384!;
}

/** A public key from uncompressed affine coordinates; null if not a point on the curve. */
export function ecPublicKey(curve: Curve, x: Uint8Array, y: Uint8Array): EcPublicKey | null {
  const p = curve.pointFromAffine(x, y);
  if (p == null) return null;
  return new EcPublicKey(curve, p);
}

/** ECDSA verify of a P1363 signature with the curve's JWS hash (SHA-256 for P-256, SHA-384 for P-384). */
export function ecdsaVerify(key: EcPublicKey, message: Uint8Array, signature: Uint8Array): bool {
  const curve = key.curve;
  const size = curve.size;
  if (signature.length != 2 * size) return false;
  const N = curve.order;
  const r = limbsFromBytes(signature.subarray(0, size), curve.limbs)!;
  const s = limbsFromBytes(signature.subarray(size), curve.limbs)!;
  if (limbsIsZero(r) || limbsIsZero(s) || !limbsLess(r, N.m) || !limbsLess(s, N.m)) return false;
  // The hash is as long as the order here, so e needs only one reduction.
  const e = limbsFromBytes(digest(curve.hash, message), curve.limbs)!;
  const w = N.newValue();
  N.toMont(w, s);
  N.invMont(w, w); // s^-1 in Montgomery form
  const u1 = N.newValue();
  const u2 = N.newValue();
  N.mul(u1, e, w); // e·s^-1, plain (Montgomery factor cancels)
  N.mul(u2, r, w);
  const point = new JacobianPoint(curve.limbs);
  curve.doubleScalarMul(point, u1, u2, key.table);
  if (limbsIsZero(point.z)) return false;
  // x(point) mod n == r without inverting Z: the affine x is X/Z², so test X == r·Z², and, when
  // r + n is still below p, X == (r + n)·Z² (x in [n, p) reduces to r too).
  const F = curve.field;
  const z2 = F.newValue();
  F.sqr(z2, point.z);
  const candidate = F.newValue();
  F.toMont(candidate, r);
  F.mul(candidate, candidate, z2);
  if (limbsEqual(candidate, point.x)) return true;
  const rPlusN = F.newValue();
  if (addPlain(rPlusN, r, N.m) != 0 || !limbsLess(rPlusN, F.m)) return false;
  F.toMont(candidate, rPlusN);
  F.mul(candidate, candidate, z2);
  return limbsEqual(candidate, point.x);
}

/** out = a + b as plain integers; returns the carry out of the top limb. */
function addPlain(out: StaticArray<u32>, a: StaticArray<u32>, b: StaticArray<u32>): u32 {
  let carry: u64 = 0;
  for (let i = 0; i < out.length; i++) {
    const s = <u64>unchecked(a[i]) + <u64>unchecked(b[i]) + carry;
    unchecked(out[i] = <u32>s);
    carry = s >> 32;
  }
  return <u32>carry;
}
