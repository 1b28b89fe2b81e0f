// Verification keys: a JWKS (RFC 7517) or a PEM public key, turned into ready-to-use crypto keys.
// Follows jwt_verify_lib: keys that cannot be used are skipped, and a key set without any usable
// key is an error ("Jwks doesn't have any valid public key").
import { base64Decode, base64UrlDecode, JsonObject, JsonValue, parseJson } from "../../sdk/index";
import { rsaPublicKey, RsaPublicKey } from "./crypto/rsa";
import { curveP256, curveP384, ecPublicKey, EcPublicKey } from "./crypto/ecdsa";
import { ed25519PublicKey, Ed25519PublicKey } from "./crypto/ed25519";
import { DerPublicKey, parseRsaPublicKeyDer, parseSpki } from "./crypto/der";
import { HmacSha256Key } from "./crypto/hmac";

export class Jwk {
  /** "RSA", "EC", "OKP" or "oct". */
  kty: string = "";
  kid: string = "";
  /** The alg the key is restricted to; "" when the JWK names none. */
  alg: string = "";
  /** EC: "P-256"/"P-384"; OKP: "Ed25519". */
  crv: string = "";
  rsa: RsaPublicKey | null = null;
  ec: EcPublicKey | null = null;
  ed25519: Ed25519PublicKey | null = null;
  secret: Uint8Array | null = null;
  private hs256: HmacSha256Key | null = null;

  /** The secret prepared for HS256 (pads precompressed once, on first use). */
  hmacSha256(): HmacSha256Key {
    if (this.hs256 === null) this.hs256 = new HmacSha256Key(this.secret!);
    return this.hs256!;
  }
}

export class Jwks {
  keys: Jwk[] = [];
}

export class JwksResult {
  constructor(readonly jwks: Jwks | null, readonly error: string) {}
}

function bytes(buffer: ArrayBuffer): Uint8Array {
  return Uint8Array.wrap(buffer);
}

function b64u(object: JsonObject, field: string): Uint8Array | null {
  const text = object.getString(field);
  if (text === null || text.indexOf("=") >= 0) return null;
  const decoded = base64UrlDecode(text);
  return decoded === null ? null : bytes(decoded);
}

function rsaJwk(jwk: Jwk, n: Uint8Array, e: Uint8Array): bool {
  jwk.rsa = rsaPublicKey(n, e);
  return jwk.rsa !== null;
}

function ecJwk(jwk: Jwk, x: Uint8Array, y: Uint8Array): bool {
  if (jwk.crv == "P-256") jwk.ec = ecPublicKey(curveP256(), x, y);
  else if (jwk.crv == "P-384") jwk.ec = ecPublicKey(curveP384(), x, y);
  return jwk.ec !== null;
}

/** One JWK object; null when it is not a usable signature-verification key. */
export function parseJwk(value: JsonValue): Jwk | null {
  if (!value.isObject) return null;
  const o = value.asObject();
  const jwk = new Jwk();
  const kty = o.getString("kty");
  if (kty === null) return null;
  jwk.kty = kty;
  if (o.has("kid")) {
    const kid = o.getString("kid");
    if (kid === null) return null;
    jwk.kid = kid;
  }
  if (o.has("alg")) {
    const alg = o.getString("alg");
    if (alg === null) return null;
    jwk.alg = alg;
  }
  // A key declared for encryption, or whose key_ops exclude "verify", never verifies a signature.
  if (o.has("use")) {
    const use = o.getString("use");
    if (use === null || use != "sig") return null;
  }
  if (o.has("key_ops")) {
    const ops = o.getArray("key_ops");
    if (ops === null) return null;
    let verify = false;
    for (let i = 0; i < ops.length; i++) {
      const op = ops.items[i];
      if (op.isString && op.asString() == "verify") verify = true;
    }
    if (!verify) return null;
  }
  if (kty == "RSA") {
    if (jwk.alg != "" && !jwk.alg.startsWith("RS") && !jwk.alg.startsWith("PS")) return null;
    const n = b64u(o, "n");
    const e = b64u(o, "e");
    if (n === null || e === null) return null;
    return rsaJwk(jwk, n, e) ? jwk : null;
  }
  if (kty == "EC") {
    if (jwk.alg != "" && !jwk.alg.startsWith("ES")) return null;
    const crv = o.getString("crv");
    if (crv !== null) jwk.crv = crv;
    else if (jwk.alg == "ES256") jwk.crv = "P-256";
    else if (jwk.alg == "ES384") jwk.crv = "P-384";
    if ((jwk.alg == "ES256" && jwk.crv != "P-256") || (jwk.alg == "ES384" && jwk.crv != "P-384")) return null;
    const x = b64u(o, "x");
    const y = b64u(o, "y");
    if (x === null || y === null) return null;
    return ecJwk(jwk, x, y) ? jwk : null;
  }
  if (kty == "OKP") {
    if (jwk.alg != "" && jwk.alg != "EdDSA") return null;
    const crv = o.getString("crv");
    if (crv === null || crv != "Ed25519") return null;
    jwk.crv = crv;
    const x = b64u(o, "x");
    if (x === null || x.length != 32) return null;
    jwk.ed25519 = ed25519PublicKey(x);
    return jwk.ed25519 !== null ? jwk : null;
  }
  if (kty == "oct") {
    if (jwk.alg != "" && !jwk.alg.startsWith("HS")) return null;
    const k = b64u(o, "k");
    if (k === null || k.length == 0) return null;
    jwk.secret = k;
    return jwk;
  }
  return null;
}

/** A JWKS document `{"keys": [...]}`, or a single JWK object. */
export function parseJwks(text: string): JwksResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return new JwksResult(null, "Jwks is an invalid JSON");
  const root = parsed.value!;
  if (!root.isObject) return new JwksResult(null, "Jwks is an invalid JSON");
  const o = root.asObject();
  const jwks = new Jwks();
  if (!o.has("keys")) {
    // jwt_verify_lib requires "keys"; a lone JWK is accepted only when it is itself usable.
    const single = o.has("kty") ? parseJwk(root) : null;
    if (single === null) return new JwksResult(null, "Jwks does not have [keys] field");
    jwks.keys.push(single);
    return new JwksResult(jwks, "");
  }
  const keys = o.getArray("keys");
  if (keys === null) return new JwksResult(null, "[keys] in Jwks is not an array");
  const kids = new Set<string>();
  for (let i = 0; i < keys.length; i++) {
    const item = keys.items[i];
    // Duplicates count even among unusable entries: which one the issuer meant is unknowable.
    const kid = item.isObject ? item.asObject().getString("kid") : null;
    if (kid !== null && kid != "") {
      if (kids.has(kid)) return new JwksResult(null, "Jwks has more than one key with kid \"" + kid + "\"");
      kids.add(kid);
    }
    const jwk = parseJwk(item);
    if (jwk !== null) jwks.keys.push(jwk);
  }
  if (jwks.keys.length == 0) return new JwksResult(null, "Jwks doesn't have any valid public key");
  const ambiguity = ambiguousKeySet(jwks);
  if (ambiguity != "") return new JwksResult(null, ambiguity);
  return new JwksResult(jwks, "");
}

/**
 * Key sets that make the key choice ambiguous are refused outright (stricter than Envoy, see
 * README): secrets mixed with public keys invite algorithm confusion, and a repeated kid lets
 * an attacker's key stand in for the real one.
 */
function ambiguousKeySet(jwks: Jwks): string {
  let secrets = 0;
  for (let i = 0; i < jwks.keys.length; i++) if (jwks.keys[i].kty == "oct") secrets++;
  if (secrets > 0 && secrets < jwks.keys.length) return "Jwks mixes symmetric (oct) and public keys";
  return "";
}

function derToJwk(der: DerPublicKey): Jwk | null {
  const jwk = new Jwk();
  jwk.kty = der.kty;
  jwk.crv = der.crv;
  if (der.kty == "RSA") return rsaJwk(jwk, der.n, der.e) ? jwk : null;
  if (der.kty == "EC") {
    const p = der.point;
    if (p.length < 1 || p[0] != 0x04 || (p.length & 1) == 0) return null;
    const size = (p.length - 1) >> 1;
    return ecJwk(jwk, p.subarray(1, 1 + size), p.subarray(1 + size)) ? jwk : null;
  }
  if (der.kty == "OKP") {
    if (der.point.length != 32) return null;
    jwk.ed25519 = ed25519PublicKey(der.point);
    return jwk.ed25519 !== null ? jwk : null;
  }
  return null;
}

/** One or more PEM blocks ("PUBLIC KEY" = SPKI, "RSA PUBLIC KEY" = PKCS#1). */
export function parsePem(text: string): JwksResult {
  const jwks = new Jwks();
  let pos = 0;
  let sawBlock = false;
  while (true) {
    const begin = text.indexOf("-----BEGIN ", pos);
    if (begin < 0) break;
    const labelEnd = text.indexOf("-----", begin + 11);
    if (labelEnd < 0) break;
    const label = text.substring(begin + 11, labelEnd);
    const endMarker = "-----END " + label + "-----";
    const end = text.indexOf(endMarker, labelEnd + 5);
    if (end < 0) return new JwksResult(null, "PEM pubkey parse fails");
    sawBlock = true;
    let body = "";
    const raw = text.substring(labelEnd + 5, end);
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c != 0x0a && c != 0x0d && c != 0x20 && c != 0x09) body += String.fromCharCode(c);
    }
    const der = base64Decode(body);
    if (der === null) return new JwksResult(null, "PEM pubkey parse fails");
    const parsed = label == "RSA PUBLIC KEY" ? parseRsaPublicKeyDer(bytes(der)) : label == "PUBLIC KEY" ? parseSpki(bytes(der)) : null;
    if (parsed === null) return new JwksResult(null, "PEM Key type is not supported");
    const jwk = derToJwk(parsed);
    if (jwk === null) return new JwksResult(null, "PEM pubkey parse fails");
    jwks.keys.push(jwk);
    pos = end + endMarker.length;
  }
  if (!sawBlock) return new JwksResult(null, "PEM pubkey parse fails");
  return new JwksResult(jwks, "");
}

/** Envoy's local_jwks.inline_string: a JWKS, or failing that, PEM. */
export function parseKeySet(text: string): JwksResult {
  const asJwks = parseJwks(text);
  if (asJwks.jwks !== null) return asJwks;
  if (text.indexOf("-----BEGIN") >= 0) return parsePem(text);
  return asJwks;
}
