// Keys and token minting for the filter tests, with `jose` (the reference implementation the
// differential tests compare against).
import { generateKeyPairSync, createHmac, randomBytes, type KeyObject } from "node:crypto";
import { SignJWT, exportJWK, type JWK } from "jose";

export interface TestKeys {
  rsa: { privateKey: KeyObject; publicKey: KeyObject; jwk: JWK; pem: string };
  rsa2: { privateKey: KeyObject; publicKey: KeyObject; jwk: JWK };
  ec: { privateKey: KeyObject; publicKey: KeyObject; jwk: JWK };
  ec384: { privateKey: KeyObject; publicKey: KeyObject; jwk: JWK };
  ed: { privateKey: KeyObject; publicKey: KeyObject; jwk: JWK };
  secret: Uint8Array;
}

export async function makeKeys(): Promise<TestKeys> {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsa2 = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ec384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const ed = generateKeyPairSync("ed25519");
  return {
    rsa: { ...rsa, jwk: { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1" }, pem: rsa.publicKey.export({ type: "spki", format: "pem" }) as string },
    rsa2: { ...rsa2, jwk: { ...(await exportJWK(rsa2.publicKey)), kid: "rsa-2" } },
    ec: { ...ec, jwk: { ...(await exportJWK(ec.publicKey)), kid: "ec-1" } },
    ec384: { ...ec384, jwk: { ...(await exportJWK(ec384.publicKey)), kid: "ec-384" } },
    ed: { ...ed, jwk: { ...(await exportJWK(ed.publicKey)), kid: "ed-1" } },
    secret: new Uint8Array(randomBytes(64)), // long enough for HS512 (RFC 7518 §3.2)
  };
}

export interface MintOptions {
  alg?: string;
  kid?: string | null;
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

/** A signed token; `claims` are merged over defaults (iss, aud, sub, iat, exp relative to `nowSeconds`). */
export async function mint(key: KeyObject | Uint8Array, nowSeconds: number, options: MintOptions = {}): Promise<string> {
  const alg = options.alg ?? "RS256";
  const claims = { iss: "https://issuer.example", aud: "api", sub: "user-1", iat: nowSeconds, exp: nowSeconds + 600, ...options.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  const header: Record<string, unknown> = { alg, ...options.header };
  if (options.kid !== null && options.kid !== undefined) header.kid = options.kid;
  return new SignJWT(claims as never).setProtectedHeader(header as never).sign(key as never);
}

const b64u = (data: string | Uint8Array) => Buffer.from(data).toString("base64url");

/** A token built by hand (for headers jose refuses to produce, e.g. alg none or HS with a public key). */
export function handmade(header: object, payload: object, sign: (input: string) => Uint8Array | string): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const sig = sign(input);
  return `${input}.${typeof sig === "string" ? sig : b64u(sig)}`;
}

export function hs256(secret: Uint8Array | string, input: string): Uint8Array {
  return new Uint8Array(createHmac("sha256", secret).update(input).digest());
}
