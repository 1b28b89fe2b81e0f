// Differential test: the wasm JWT layer and the `jose` package must reach the same verdict on
// thousands of generated tokens, good and mutated (flipped bits, swapped headers, re-encoded
// segments, alg swaps, unknown kids, clock edges). JWT_DIFF_COUNT raises the count (default 1500).
import { createPrivateKey, randomBytes } from "node:crypto";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, importJWK, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { loadJwtWasm, type JwtWasm } from "./support/crypto-wasm.ts";
import { makeKeys, mint, type TestKeys } from "./support/tokens.ts";
import { seededRandom as rng } from "../../../test/support/random.ts";

const COUNT = Number(process.env.JWT_DIFF_COUNT ?? 1500);
const NOW = 1_704_067_200;
const SKEW = 60;


interface Case { token: string; keys: "public" | "secret"; label: string }

/**
 * The oracle: jose does all parsing, crypto and claim checks; only the key choice is spelled out
 * here (kid match when both sides have one, the key's own alg if it names one, then every
 * candidate in turn), because jose's local key sets refuse tokens that several keys could match.
 */
async function joseVerdict(token: string, set: { keys: JWK[] }): Promise<{ ok: boolean; error: string }> {
  let header: { alg?: string; kid?: string };
  try {
    header = decodeProtectedHeader(token) as never;
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  let error = "no candidate key";
  for (const jwk of set.keys) {
    if (header.kid && jwk.kid && jwk.kid !== header.kid) continue;
    if (jwk.alg && jwk.alg !== header.alg) continue;
    try {
      const key = await importJWK(jwk, header.alg);
      await jwtVerify(token, key, { currentDate: new Date(NOW * 1000), clockTolerance: SKEW });
      return { ok: true, error: "" };
    } catch (e) {
      error = (e as Error).message;
    }
  }
  return { ok: false, error };
}

describe("differential: wasm JWT verification vs jose", () => {
  let wasm: JwtWasm;
  let keys: TestKeys;
  let publicSet: { keys: JWK[] };
  let secretSet: { keys: JWK[] };
  const cases: Case[] = [];

  beforeAll(async () => {
    wasm = await loadJwtWasm();
    keys = await makeKeys();
    publicSet = { keys: [keys.rsa.jwk, keys.rsa2.jwk, keys.ec.jwk, keys.ec384.jwk, keys.ed.jwk] };
    secretSet = { keys: [{ kty: "oct", kid: "hs-1", k: Buffer.from(keys.secret).toString("base64url") }] };
    const random = rng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const signers = [
      { alg: "RS256", key: keys.rsa.privateKey, kid: "rsa-1" }, { alg: "RS384", key: keys.rsa2.privateKey, kid: "rsa-2" },
      { alg: "RS512", key: keys.rsa.privateKey, kid: "rsa-1" }, { alg: "PS256", key: keys.rsa.privateKey, kid: "rsa-1" },
      { alg: "PS384", key: keys.rsa2.privateKey, kid: "rsa-2" }, { alg: "PS512", key: keys.rsa.privateKey, kid: "rsa-1" },
      { alg: "ES256", key: keys.ec.privateKey, kid: "ec-1" }, { alg: "ES384", key: keys.ec384.privateKey, kid: "ec-384" },
      { alg: "EdDSA", key: keys.ed.privateKey, kid: "ed-1" },
      { alg: "HS256", key: keys.secret, kid: "hs-1" }, { alg: "HS384", key: keys.secret, kid: "hs-1" }, { alg: "HS512", key: keys.secret, kid: "hs-1" },
    ] as const;
    // Clock edges around exp and nbf, stepping over the exact exp boundary (see the test below).
    const expOffsets = [-SKEW - 100, -SKEW - 1, -SKEW + 1, -1, 0, 1, 600];
    const nbfOffsets = [undefined, -10, SKEW - 1, SKEW + 1, SKEW + 100];
    const goods: Case[] = [];
    const n = Math.max(12, Math.floor(COUNT / 3));
    for (let i = 0; i < n; i++) {
      const s = signers[i % signers.length]!;
      const claims: Record<string, unknown> = { sub: `user-${i}`, exp: NOW + pick(expOffsets), n: random() };
      const nbf = pick(nbfOffsets);
      if (nbf !== undefined) claims.nbf = NOW + nbf;
      const token = await mint(s.key as never, NOW, { alg: s.alg, kid: random() < 0.2 ? null : s.kid, claims });
      goods.push({ token, keys: s.alg.startsWith("HS") ? "secret" : "public", label: `${s.alg} good` });
    }
    const b64 = (x: Buffer | string) => Buffer.from(x).toString("base64url");
    const mutations: Array<(c: Case) => Case> = [
      (c) => { // flip one bit of the signature
        const [h, p, s] = c.token.split(".");
        const sig = Buffer.from(s!, "base64url");
        sig[Math.floor(random() * sig.length)] ^= 1 << Math.floor(random() * 8);
        return { ...c, token: `${h}.${p}.${b64(sig)}`, label: `${c.label}, flipped signature bit` };
      },
      (c) => { // flip one bit of the payload JSON
        const [h, p, s] = c.token.split(".");
        const body = Buffer.from(p!, "base64url");
        body[Math.floor(random() * body.length)] ^= 1 << Math.floor(random() * 7);
        return { ...c, token: `${h}.${b64(body)}.${s}`, label: `${c.label}, flipped payload bit` };
      },
      (c) => { // header of another token
        const other = pick(goods);
        const [, p, s] = c.token.split(".");
        return { ...c, token: `${other.token.split(".")[0]}.${p}.${s}`, label: `${c.label}, swapped header` };
      },
      (c) => { // re-encode the payload with different whitespace
        const [h, p, s] = c.token.split(".");
        return { ...c, token: `${h}.${b64(JSON.stringify(JSON.parse(Buffer.from(p!, "base64url").toString()), null, 1))}.${s}`, label: `${c.label}, re-encoded payload` };
      },
      (c) => { // swap the alg to another one (confusion attempts)
        const [h, p, s] = c.token.split(".");
        const header = JSON.parse(Buffer.from(h!, "base64url").toString());
        header.alg = pick(["RS256", "PS256", "HS256", "ES256", "EdDSA", "none", "ES384", "RS512"].filter((a) => a !== header.alg));
        return { ...c, token: `${b64(JSON.stringify(header))}.${p}.${s}`, label: `${c.label}, alg swapped to ${header.alg}` };
      },
      (c) => { // unknown kid
        const [h, p, s] = c.token.split(".");
        const header = JSON.parse(Buffer.from(h!, "base64url").toString());
        header.kid = "kid-" + randomBytes(3).toString("hex");
        return { ...c, token: `${b64(JSON.stringify(header))}.${p}.${s}`, label: `${c.label}, unknown kid` };
      },
      (c) => { // truncated signature
        const [h, p, s] = c.token.split(".");
        return { ...c, token: `${h}.${p}.${s!.slice(0, Math.max(2, s!.length - 4))}`, label: `${c.label}, truncated signature` };
      },
      (c) => ({ ...c, token: c.token.replace(".", "..").slice(0), label: `${c.label}, extra dot` }),
      (c) => ({ ...c, keys: c.keys === "public" ? "secret" : "public", label: `${c.label}, other key family` }),
    ];
    cases.push(...goods);
    while (cases.length < COUNT) {
      cases.push(pick(mutations)(pick(goods)));
    }
  }, 600_000);

  it(`same verdict on ${COUNT} tokens`, async () => {
    const publicText = JSON.stringify(publicSet);
    const secretText = JSON.stringify(secretSet);
    const disagreements: unknown[] = [];
    let accepted = 0;
    for (const c of cases) {
      const { ok: joseOk, error: joseError } = await joseVerdict(c.token, c.keys === "public" ? publicSet : secretSet);
      const status = wasm.verify(c.token, c.keys === "public" ? publicText : secretText, NOW, SKEW);
      if (joseOk) accepted++;
      if (joseOk !== (status === 0)) disagreements.push({ label: c.label, token: c.token, wasmStatus: status, joseError });
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Both outcomes must be well represented, or the comparison proves little.
    expect(accepted).toBeGreaterThan(COUNT / 10);
    expect(COUNT - accepted).toBeGreaterThan(COUNT / 3);
  }, 600_000);

  it("exp exactly `skew` seconds ago: Envoy accepts (now > exp + skew rejects), jose rejects (documented)", async () => {
    const token = await mint(keys.rsa.privateKey, NOW, { kid: "rsa-1", claims: { exp: NOW - SKEW } });
    expect(wasm.verify(token, JSON.stringify(publicSet), NOW, SKEW)).toBe(0);
    await expect(jwtVerify(token, createLocalJWKSet(publicSet), { currentDate: new Date(NOW * 1000), clockTolerance: SKEW })).rejects.toThrow();
    expect(wasm.verify(token, JSON.stringify(publicSet), NOW + 1, SKEW)).toBe(3); // JwtExpired
  });

  it("an HMAC key shorter than the hash: we refuse (RFC 7518 §3.2, Wycheproof), jose accepts (documented)", async () => {
    const short = { keys: [{ kty: "oct", kid: "hs-1", k: Buffer.from(keys.secret.subarray(0, 32)).toString("base64url") }] };
    const token = await mint(keys.secret.subarray(0, 32), NOW, { alg: "HS384", kid: "hs-1" });
    expect((await joseVerdict(token, short)).ok).toBe(true);
    expect(wasm.verify(token, JSON.stringify(short), NOW, SKEW)).toBe(29); // JwksKidAlgMismatch
    const hs256 = await mint(keys.secret.subarray(0, 32), NOW, { alg: "HS256", kid: "hs-1" });
    expect(wasm.verify(hs256, JSON.stringify(short), NOW, SKEW)).toBe(0);
  });

  it("imports keys the same way jose does (sanity: jose accepts our test JWKs)", async () => {
    for (const jwk of publicSet.keys) await expect(importJWK(jwk, jwk.kty === "OKP" ? "EdDSA" : undefined)).resolves.toBeTruthy();
    expect(createPrivateKey).toBeTypeOf("function");
  });
});
