// A compact JWS (RFC 7515) parsed the way jwt_verify_lib parses it, its signature checked against
// a key set, and its time and audience claims checked as Envoy's jwt_authn does.
import { base64UrlDecode, JsonObject, JsonValue, parseJsonBytes } from "../../sdk/index";
import { HashAlg } from "./crypto/hash";
import { hmacVerify } from "./crypto/hmac";
import { rsaPkcs1Verify, rsaPssVerify } from "./crypto/rsa";
import { ecdsaVerify } from "./crypto/ecdsa";
import { ed25519Verify } from "./crypto/ed25519";
import { Jwk, Jwks } from "./keys";
import { JwtStatus } from "./status";

/** Tokens longer than this are refused before any parsing (headers carrying them are bounded too). */
export const MAX_TOKEN_LENGTH: i32 = 16384;

const EMPTY_HEADER = new JsonObject();
const NO_BYTES = new Uint8Array(0);

export class Jwt {
  token: string = "";
  alg: string = "";
  kid: string = "";
  header: JsonObject = new JsonObject();
  payload: JsonObject = new JsonObject();
  /** The payload segment as sent (base64url), for forward_payload_header. */
  payloadBase64Url: string = "";
  signingInput: Uint8Array = new Uint8Array(0);
  signature: Uint8Array = new Uint8Array(0);
  iss: string = "";
  sub: string = "";
  audiences: string[] = [];
  /** `audiences` as Envoy compares them (sanitizeAudience), computed once at parse. */
  comparableAudiences: string[] = [];
  iat: u64 = 0;
  nbf: u64 = 0;
  exp: u64 = 0;
  private payloadJsonText: string | null = null;

  /** Drops what only the signature check needs, once it passed: cached tokens keep the claims only. */
  releaseSignatureInput(): void {
    this.header = EMPTY_HEADER;
    this.signingInput = NO_BYTES;
    this.signature = NO_BYTES;
  }

  /** The payload as compact JSON, serialized once (cached tokens reuse it). */
  get payloadJson(): string {
    if (this.payloadJsonText === null) this.payloadJsonText = this.payload.toString();
    return this.payloadJsonText!;
  }
}

export class JwtParseResult {
  constructor(readonly jwt: Jwt | null, readonly status: JwtStatus) {}
}

function isSupportedAlg(alg: string): bool {
  return alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" || alg == "PS512" ||
    alg == "ES256" || alg == "ES384" || alg == "EdDSA" || alg == "HS256" || alg == "HS384" || alg == "HS512";
}

/** base64url without padding, strictly (a '=' or a stray character fails). */
function decodeSegment(segment: string): ArrayBuffer | null {
  if (segment.indexOf("=") >= 0) return null;
  return base64UrlDecode(segment);
}

/** Reads an integer claim: absent → 0 and Ok; not an integer → `notInteger`; negative/huge → `outOfRange`. */
class ClaimTime {
  constructor(readonly value: u64, readonly status: JwtStatus) {}
}

function timeClaim(payload: JsonObject, name: string, notInteger: JwtStatus, outOfRange: JwtStatus): ClaimTime {
  const v = payload.get(name);
  if (v === null) return new ClaimTime(0, JwtStatus.Ok);
  if (!v.isNumber) return new ClaimTime(0, notInteger);
  const n = v.asNumber();
  if (!isFinite(n) || Math.floor(n) != n) return new ClaimTime(0, notInteger);
  if (n < 0 || n >= 18446744073709551615.0) return new ClaimTime(0, outOfRange);
  return new ClaimTime(<u64>n, JwtStatus.Ok);
}

/**
 * Parses a compact token. `requireClaims` false treats it as a bare JWS (any payload bytes), which
 * only the JWS conformance tests use; JWTs always carry a JSON object payload.
 */
export function parseJwt(token: string, requireClaims: bool = true): JwtParseResult {
  if (token.length > MAX_TOKEN_LENGTH) return new JwtParseResult(null, JwtStatus.JwtTooLarge);
  const firstDot = token.indexOf(".");
  const secondDot = firstDot < 0 ? -1 : token.indexOf(".", firstDot + 1);
  if (firstDot < 0 || secondDot < 0 || token.indexOf(".", secondDot + 1) >= 0) return new JwtParseResult(null, JwtStatus.JwtBadFormat);
  const jwt = new Jwt();
  jwt.token = token;
  const headerText = token.substring(0, firstDot);
  const payloadText = token.substring(firstDot + 1, secondDot);

  const headerBytes = decodeSegment(headerText);
  if (headerBytes === null || headerText.length == 0) return new JwtParseResult(null, JwtStatus.JwtHeaderParseErrorBadBase64);
  const header = parseJsonBytes(headerBytes);
  if (!header.ok || !header.value!.isObject) return new JwtParseResult(null, JwtStatus.JwtHeaderParseErrorBadJson);
  jwt.header = header.value!.asObject();
  const alg = jwt.header.get("alg");
  if (alg === null || !alg.isString) return new JwtParseResult(null, JwtStatus.JwtHeaderBadAlg);
  jwt.alg = alg.asString();
  if (!isSupportedAlg(jwt.alg)) return new JwtParseResult(null, JwtStatus.JwtHeaderNotImplementedAlg);
  const kid = jwt.header.get("kid");
  if (kid !== null) {
    if (!kid.isString) return new JwtParseResult(null, JwtStatus.JwtHeaderBadKid);
    jwt.kid = kid.asString();
  }
  // No JWS extension is implemented, so any "crit" must be refused (RFC 7515 §4.1.11).
  if (jwt.header.has("crit")) return new JwtParseResult(null, JwtStatus.JwtHeaderUnsupportedCrit);

  const payloadBytes = decodeSegment(payloadText);
  if (payloadBytes === null) return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorBadBase64);
  jwt.payloadBase64Url = payloadText;
  if (!requireClaims) return finishSignature(jwt, token, secondDot);
  const payload = parseJsonBytes(payloadBytes);
  if (!payload.ok || !payload.value!.isObject) return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorBadJson);
  jwt.payload = payload.value!.asObject();
  const p = jwt.payload;
  const iss = p.get("iss");
  if (iss !== null) {
    if (!iss.isString) return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorIssNotString);
    jwt.iss = iss.asString();
  }
  const sub = p.get("sub");
  if (sub !== null) {
    if (!sub.isString) return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorSubNotString);
    jwt.sub = sub.asString();
  }
  const iat = timeClaim(p, "iat", JwtStatus.JwtPayloadParseErrorIatNotInteger, JwtStatus.JwtPayloadParseErrorIatOutOfRange);
  if (iat.status != JwtStatus.Ok) return new JwtParseResult(null, iat.status);
  jwt.iat = iat.value;
  const nbf = timeClaim(p, "nbf", JwtStatus.JwtPayloadParseErrorNbfNotInteger, JwtStatus.JwtPayloadParseErrorNbfOutOfRange);
  if (nbf.status != JwtStatus.Ok) return new JwtParseResult(null, nbf.status);
  jwt.nbf = nbf.value;
  const exp = timeClaim(p, "exp", JwtStatus.JwtPayloadParseErrorExpNotInteger, JwtStatus.JwtPayloadParseErrorExpOutOfRange);
  if (exp.status != JwtStatus.Ok) return new JwtParseResult(null, exp.status);
  jwt.exp = exp.value;
  const jti = p.get("jti");
  if (jti !== null && !jti.isString) return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorJtiNotString);
  const aud = p.get("aud");
  if (aud !== null) {
    if (aud.isString) {
      addAudience(jwt, aud.asString());
    } else if (aud.isArray) {
      const items = aud.asArray().items;
      for (let i = 0; i < items.length; i++) {
        if (!items[i].isString) return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorAudNotString);
        addAudience(jwt, items[i].asString());
      }
    } else {
      return new JwtParseResult(null, JwtStatus.JwtPayloadParseErrorAudNotString);
    }
  }

  return finishSignature(jwt, token, secondDot);
}

function addAudience(jwt: Jwt, aud: string): void {
  jwt.audiences.push(aud);
  jwt.comparableAudiences.push(sanitizeAudience(aud));
}

function finishSignature(jwt: Jwt, token: string, secondDot: i32): JwtParseResult {
  const signatureText = token.substring(secondDot + 1);
  const signature = decodeSegment(signatureText);
  if (signature === null || signatureText.length == 0) return new JwtParseResult(null, JwtStatus.JwtSignatureParseErrorBadBase64);
  jwt.signature = Uint8Array.wrap(signature);
  if (jwt.alg == "EdDSA" && jwt.signature.length != 64) return new JwtParseResult(null, JwtStatus.JwtEd25519SignatureWrongLength);
  jwt.signingInput = Uint8Array.wrap(String.UTF8.encode(token.substring(0, secondDot)));
  return new JwtParseResult(jwt, JwtStatus.Ok);
}

function hashOf(alg: string): HashAlg {
  const bits = alg.substring(2);
  return bits == "256" ? HashAlg.SHA256 : bits == "384" ? HashAlg.SHA384 : HashAlg.SHA512;
}

/** Whether `jwk`'s type fits `alg`; this is what stops HS-with-an-RSA-key and similar confusion. */
function keyFitsAlg(jwk: Jwk, alg: string): bool {
  if (jwk.alg != "" && jwk.alg != alg) return false;
  if (alg.startsWith("RS") || alg.startsWith("PS")) return jwk.rsa !== null;
  if (alg == "ES256") return jwk.ec !== null && jwk.crv == "P-256";
  if (alg == "ES384") return jwk.ec !== null && jwk.crv == "P-384";
  if (alg == "EdDSA") return jwk.ed25519 !== null;
  // RFC 7518 §3.2: an HMAC key shorter than the hash output must not be used.
  if (alg.startsWith("HS")) return jwk.secret !== null && jwk.secret!.length * 8 >= I32.parseInt(alg.substring(2));
  return false;
}

function verifyWithKey(jwt: Jwt, jwk: Jwk): bool {
  const alg = jwt.alg;
  if (alg.startsWith("RS")) return rsaPkcs1Verify(jwk.rsa!, hashOf(alg), jwt.signingInput, jwt.signature);
  if (alg.startsWith("PS")) return rsaPssVerify(jwk.rsa!, hashOf(alg), jwt.signingInput, jwt.signature);
  if (alg.startsWith("ES")) return ecdsaVerify(jwk.ec!, jwt.signingInput, jwt.signature);
  if (alg == "EdDSA") return ed25519Verify(jwk.ed25519!, jwt.signingInput, jwt.signature);
  if (alg == "HS256") return jwk.hmacSha256().verify(jwt.signingInput, jwt.signature);
  const hash = hashOf(alg);
  const tagSize = hash == HashAlg.SHA256 ? 32 : hash == HashAlg.SHA384 ? 48 : 64;
  return hmacVerify(hash, jwk.secret!, jwt.signingInput, jwt.signature, tagSize);
}

/**
 * Signature check against a key set (jwt_verify_lib's verifyJwtWithoutTimeChecking): a token
 * with a kid uses the keys with that kid (or none), a token without one tries every key of the
 * right type; keys restricted to another alg are skipped.
 */
export function verifySignature(jwt: Jwt, jwks: Jwks): JwtStatus {
  let matched = false;
  for (let i = 0; i < jwks.keys.length; i++) {
    const jwk = jwks.keys[i];
    if (jwt.kid != "" && jwk.kid != "" && jwk.kid != jwt.kid) continue;
    if (!keyFitsAlg(jwk, jwt.alg)) continue;
    matched = true;
    if (verifyWithKey(jwt, jwk)) return JwtStatus.Ok;
  }
  return matched ? JwtStatus.JwtVerificationFail : JwtStatus.JwksKidAlgMismatch;
}

/** nbf/exp with clock skew, as jwt_verify_lib's verifyTimeConstraint. */
export function verifyTime(jwt: Jwt, nowSeconds: u64, clockSkewSeconds: u64): JwtStatus {
  if (jwt.nbf != 0 && nowSeconds + clockSkewSeconds < jwt.nbf) return JwtStatus.JwtNotYetValid;
  if (jwt.exp != 0 && nowSeconds > jwt.exp + clockSkewSeconds) return JwtStatus.JwtExpired;
  return JwtStatus.Ok;
}

/** Envoy compares audiences without scheme and trailing slash ("https://a.com/" == "a.com"). */
export function sanitizeAudience(aud: string): string {
  let s = aud;
  if (s.startsWith("http://")) s = s.substring(7);
  else if (s.startsWith("https://")) s = s.substring(8);
  if (s.endsWith("/")) s = s.substring(0, s.length - 1);
  return s;
}

/**
 * An empty allow-list admits any token; otherwise one of the token's audiences must be on it.
 * `allowed` is already sanitized (the configuration stores it so).
 */
export function audiencesAllowed(allowed: string[], jwt: Jwt): bool {
  if (allowed.length == 0) return true;
  const audiences = jwt.comparableAudiences;
  for (let i = 0; i < audiences.length; i++) {
    for (let j = 0; j < allowed.length; j++) if (allowed[j] == audiences[i]) return true;
  }
  return false;
}

/** A payload claim by name; nested claims are addressed with "." as in Envoy's claim_to_headers. */
export function claimValue(jwt: Jwt, name: string): JsonValue | null {
  // Nested claims use "." as Envoy's claim_to_headers does ("realm_access.role").
  let current: JsonObject = jwt.payload;
  let rest = name;
  while (true) {
    const dot = rest.indexOf(".");
    if (dot < 0) return current.get(rest);
    const next = current.get(rest.substring(0, dot));
    if (next === null || !next.isObject) return null;
    current = next.asObject();
    rest = rest.substring(dot + 1);
  }
}
