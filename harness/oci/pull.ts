// `image pull`: the manifest (verified), then the blobs the fetcher rules need (verified), and
// the module extracted exactly as Envoy Gateway's fetcher would.
import { UserError } from "../cli/errors.ts";
import { sha256Digest } from "./digest.ts";
import { extractWasmFromImage, InvalidWasmImageError, type ExtractedWasm } from "./fetcher-rules.ts";
import type { ImageManifest } from "./image.ts";
import { DOCKER_MANIFEST_LIST, MANIFEST_ACCEPT, OCI_INDEX } from "./media-types.ts";
import type { ImageReference } from "./reference.ts";
import { clientFor, type TransferOptions } from "./push.ts";

export interface PullResult extends ExtractedWasm {
  /** Digest of the image manifest (what EnvoyExtensionPolicy's image.sha256 must match). */
  digest: string;
  manifest: ImageManifest;
}

interface ManifestList {
  manifests?: Array<{ digest: string; mediaType?: string; platform?: { os?: string; architecture?: string } }>;
}

export async function pullImage(ref: ImageReference, options: TransferOptions = {}): Promise<PullResult> {
  const client = clientFor(ref, options);
  let fetched = await client.getManifest(ref.digest ?? ref.tag ?? "latest", MANIFEST_ACCEPT);
  let parsed = parseJson(fetched.bytes, `manifest of ${ref.repository}`) as ImageManifest & ManifestList;
  const type = parsed.mediaType ?? fetched.mediaType;
  if (type === OCI_INDEX || type === DOCKER_MANIFEST_LIST || (!parsed.layers && Array.isArray(parsed.manifests))) {
    // An index: take the wasm platform entry, or the only one.
    const entries = parsed.manifests ?? [];
    const chosen = entries.find((m) => m.platform?.architecture === "wasm") ?? (entries.length === 1 ? entries[0] : undefined);
    if (!chosen) throw new UserError(`${ref.repository} is an index of ${entries.length} images and none is for wasm; pull one by digest`);
    fetched = await client.getManifest(chosen.digest, MANIFEST_ACCEPT);
    parsed = parseJson(fetched.bytes, `manifest ${chosen.digest}`) as ImageManifest & ManifestList;
  }
  if (!parsed.mediaType && fetched.mediaType) parsed.mediaType = fetched.mediaType;
  try {
    const extracted = await extractWasmFromImage(parsed, (digest) => client.getBlob(digest));
    return { ...extracted, digest: sha256Digest(fetched.bytes), manifest: parsed };
  } catch (error) {
    if (error instanceof InvalidWasmImageError) throw new UserError(`${ref.registry}/${ref.repository}: ${error.message}`);
    throw error;
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UserError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
