// Content digests ("sha256:<hex>") as OCI uses them: every blob and manifest is named by one.
import { createHash } from "node:crypto";
import { UserError } from "../cli/errors.ts";

export type Digest = `sha256:${string}`;

export function sha256Digest(bytes: Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(":") + 1);
}

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_PATTERN.test(value);
}

/** Throws when `bytes` do not hash to `expected`; `what` names the object in the message. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const actual = sha256Digest(bytes);
  if (actual !== expected) {
    throw new DigestMismatchError(what, expected, actual);
  }
}

/** A user-facing error: corrupt or swapped content is never silently accepted. */
export class DigestMismatchError extends UserError {
  constructor(readonly what: string, readonly expected: string, readonly actual: string) {
    super(`digest mismatch for ${what}: expected ${expected}, got ${actual} (the content is corrupt or was replaced)`);
    this.name = "DigestMismatchError";
  }
}
