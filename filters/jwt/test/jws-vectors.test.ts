// Wycheproof's JOSE-level vectors through the wasm JWT layer (token parsing, JWK import, key
// selection, signature): every case must get Wycheproof's verdict except the few listed in
// DOCUMENTED_EXCEPTIONS, each asserted to behave exactly as the README explains.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { loadJwtWasm, type JwtWasm } from "./support/crypto-wasm.ts";

const VECTORS = path.resolve(PACKAGE_ROOT, "../shared/vectors/wycheproof");
const haveVectors = existsSync(VECTORS);
if (!haveVectors) console.warn(`skipping Wycheproof JWS/JWK tests: ${VECTORS} is absent`);

const PAYLOAD_NOT_JSON = 12; // JwtStatus.JwtPayloadParseErrorBadJson
const KID_ALG_MISMATCH = 29; // JwtStatus.JwksKidAlgMismatch
const HEADER_BAD_BASE64 = 5;
const PAYLOAD_BAD_BASE64 = 10;

/** tcId → [what we return, why]. */
const JWS_EXCEPTIONS: Record<number, [number, string]> = {
  346: [KID_ALG_MISMATCH, "token alg PS384 but the JWK restricts itself to alg PS256; Envoy skips such keys too"],
  350: [KID_ALG_MISMATCH, "same as 346 with key_ops"],
  347: [-1, "ES512 / P-521 is not supported"],
  351: [-1, "ES512 / P-521 is not supported"],
  372: [HEADER_BAD_BASE64, "'?' is not base64url; RFC 7515 forbids ignoring it and Envoy rejects it"],
  373: [PAYLOAD_BAD_BASE64, "'?' is not base64url"],
};
/** Vectors byte-identical to a valid one yet labelled invalid: no verifier can satisfy both. */
const CONTRADICTORY: Record<number, number> = { 367: 357, 370: 357 };

function groupKeys(group: any): string {
  return JSON.stringify(group.public ?? group.publicKey ?? group.private);
}

describe.skipIf(!haveVectors)("Wycheproof JWS and JWK vectors through the wasm JWT layer", () => {
  let jwt: JwtWasm;
  beforeAll(async () => {
    jwt = await loadJwtWasm();
  });

  for (const file of ["json_web_signature_test.json", "json_web_key_test.json"]) {
    it(file, () => {
      const data = JSON.parse(readFileSync(path.join(VECTORS, file), "utf8"));
      const byId = new Map<number, any>();
      for (const g of data.testGroups) for (const t of g.tests) byId.set(t.tcId, t);
      const wrong: unknown[] = [];
      let total = 0;
      for (const group of data.testGroups) {
        const keys = groupKeys(group);
        for (const t of group.tests) {
          total++;
          // As a bare JWS first: that is what the vectors describe.
          const jws = jwt.verify(t.jws, keys, 0, 60, true);
          const exception = file.startsWith("json_web_signature") ? JWS_EXCEPTIONS[t.tcId] : undefined;
          const twin = file.startsWith("json_web_signature") ? CONTRADICTORY[t.tcId] : undefined;
          if (exception) {
            if (jws !== exception[0]) wrong.push({ tcId: t.tcId, expected: exception, got: jws });
            continue;
          }
          if (twin !== undefined) {
            expect(t.jws).toBe(byId.get(twin).jws);
            continue;
          }
          const ok = t.result === "valid" ? jws === 0 : jws !== 0;
          if (!ok) wrong.push({ tcId: t.tcId, comment: t.comment, expected: t.result, got: jws });
          // As a JWT: a valid signature over a non-JSON payload is still not a JWT.
          if (t.result === "valid") {
            const asJwt = jwt.verify(t.jws, keys, 0, 60, false);
            const payload = Buffer.from(t.jws.split(".")[1], "base64url").toString("utf8");
            let isObject = false;
            try { isObject = typeof JSON.parse(payload) === "object" && JSON.parse(payload) !== null && !Array.isArray(JSON.parse(payload)); } catch { /* not JSON */ }
            if (asJwt !== (isObject ? 0 : PAYLOAD_NOT_JSON)) wrong.push({ tcId: t.tcId, asJwt, payload });
          }
        }
      }
      expect(total).toBeGreaterThan(20);
      expect(wrong).toEqual([]);
    });
  }
});
