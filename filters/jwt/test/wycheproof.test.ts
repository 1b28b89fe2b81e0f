// Every Wycheproof vector for the primitives JWS uses, through the real wasm crypto engine:
// each "valid" case must verify, each "invalid" case must not. "acceptable" cases are asserted
// against the documented choice (README: we reject all of them).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { loadCryptoWasm, type CryptoWasm } from "./support/crypto-wasm.ts";

const VECTORS = path.resolve(PACKAGE_ROOT, "../shared/vectors/wycheproof");
const haveVectors = existsSync(VECTORS);
if (!haveVectors) console.warn(`skipping Wycheproof tests: ${VECTORS} is absent`);

interface Outcome { tcId: number; comment: string; expected: string; got: number }

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const b64u = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));
const shaBits = (s: string) => Number(String(s).replace("SHA-", ""));

/** Runs every case; returns the ones whose verdict disagrees with the file (acceptable ⇒ must reject). */
function mismatches(file: string, check: (group: any, test: any) => number): { wrong: Outcome[]; total: number } {
  const data = JSON.parse(readFileSync(path.join(VECTORS, file), "utf8"));
  const wrong: Outcome[] = [];
  let total = 0;
  for (const group of data.testGroups) {
    for (const test of group.tests) {
      total++;
      const got = check(group, test);
      const accepted = got === 1;
      const ok = test.result === "valid" ? accepted : !accepted;
      if (!ok) wrong.push({ tcId: test.tcId, comment: test.comment, expected: test.result, got });
    }
  }
  return { wrong, total };
}

describe.skipIf(!haveVectors)("Wycheproof vectors through the wasm crypto engine", () => {
  let c: CryptoWasm;
  beforeAll(async () => {
    c = await loadCryptoWasm();
  });

  for (const bits of [256, 384, 512]) {
    it(`HMAC-SHA-${bits} (all tag sizes via the primitive)`, () => {
      const r = mismatches(`hmac_sha${bits}_test.json`, (g, t) => c.hmac(bits, hex(t.key), hex(t.msg), hex(t.tag), Number(g.tagSize) / 8, 1));
      expect(r.total).toBeGreaterThan(100);
      expect(r.wrong).toEqual([]);
    });
    it(`HMAC-SHA-${bits}: a truncated tag never passes at the full JWS tag size`, () => {
      const data = JSON.parse(readFileSync(path.join(VECTORS, `hmac_sha${bits}_test.json`), "utf8"));
      let checked = 0;
      for (const g of data.testGroups) {
        if (Number(g.tagSize) >= bits) continue;
        for (const t of g.tests) {
          checked++;
          expect(c.hmac(bits, hex(t.key), hex(t.msg), hex(t.tag), bits / 8, 1)).toBe(0);
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  for (const file of ["rsa_signature_2048_sha256_test.json", "rsa_signature_2048_sha384_test.json", "rsa_signature_2048_sha512_test.json", "rsa_signature_3072_sha256_test.json", "rsa_signature_4096_sha256_test.json"]) {
    it(`RSASSA-PKCS1-v1_5 ${file}`, () => {
      const r = mismatches(file, (g, t) => c.rsa(false, shaBits(g.sha), b64u(g.keyJwk.n), b64u(g.keyJwk.e), hex(t.msg), hex(t.sig), 1));
      expect(r.total).toBeGreaterThan(200);
      expect(r.wrong).toEqual([]);
    });
  }

  for (const file of ["rsa_pss_2048_sha256_mgf1_32_test.json", "rsa_pss_2048_sha384_mgf1_48_test.json", "rsa_pss_4096_sha512_mgf1_64_test.json"]) {
    it(`RSASSA-PSS ${file}`, () => {
      const r = mismatches(file, (g, t) => c.rsa(true, shaBits(g.sha), hex(g.publicKey.modulus), hex(g.publicKey.publicExponent), hex(t.msg), hex(t.sig), 1));
      expect(r.total).toBeGreaterThan(100);
      expect(r.wrong).toEqual([]);
    });
  }

  const ecdsa = (curveBits: number) => (g: any, t: any) => {
    const u = hex(g.publicKey.uncompressed);
    const size = (u.length - 1) / 2;
    return c.ecdsa(curveBits, u.subarray(1, 1 + size), u.subarray(1 + size), hex(t.msg), hex(t.sig), 1);
  };
  it("ECDSA P-256 / SHA-256, P1363", () => {
    const r = mismatches("ecdsa_secp256r1_sha256_p1363_test.json", ecdsa(256));
    expect(r.total).toBeGreaterThan(200);
    expect(r.wrong).toEqual([]);
  });
  it("ECDSA P-384 / SHA-384, P1363", () => {
    const r = mismatches("ecdsa_secp384r1_sha384_p1363_test.json", ecdsa(384));
    expect(r.total).toBeGreaterThan(200);
    expect(r.wrong).toEqual([]);
  });

  it("Ed25519", () => {
    const r = mismatches("ed25519_test.json", (g, t) => c.ed25519(hex(g.publicKey.pk), hex(t.msg), hex(t.sig), 1));
    expect(r.total).toBeGreaterThan(100);
    expect(r.wrong).toEqual([]);
  });
});
