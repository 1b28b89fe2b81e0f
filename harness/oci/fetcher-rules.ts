// How Envoy Gateway (internal/wasm/imagefetcher.go) and Istio (pkg/wasm/imagefetcher.go) find the
// module in an image, restated: a Docker v2 manifest must end in a Docker tar+gzip layer holding
// plugin.wasm; otherwise the last layer as OCI tar+gzip with plugin.wasm (compat), otherwise
// exactly two layers one of which has the wasm content media type (oci). Pull and the tests use
// this, so an image we accept is one those fetchers accept.
import { UserError } from "../cli/errors.ts";
import type { ImageManifest } from "./image.ts";
import { DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST_V2, OCI_LAYER_TAR_GZIP, WASM_CONTENT_LAYER } from "./media-types.ts";
import { extractPluginWasm } from "./plugin-layer.ts";

export type BlobReader = (digest: string, mediaType: string) => Promise<Uint8Array>;

export interface ExtractedWasm {
  wasm: Uint8Array;
  variant: "docker" | "compat" | "oci";
}

export class InvalidWasmImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidWasmImageError";
  }
}

async function lastTarGzipLayer(manifest: ImageManifest, mediaType: string, readBlob: BlobReader): Promise<Uint8Array> {
  if (manifest.layers.length === 0) throw new Error("number of layers must be greater than zero");
  const layer = manifest.layers[manifest.layers.length - 1];
  if (layer.mediaType !== mediaType) throw new Error(`invalid media type ${layer.mediaType} (expect ${mediaType})`);
  return extractPluginWasm(await readBlob(layer.digest, layer.mediaType));
}

async function wasmArtifactLayer(manifest: ImageManifest, readBlob: BlobReader): Promise<Uint8Array> {
  if (manifest.layers.length !== 2) throw new Error(`number of layers must be 2 but got ${manifest.layers.length}`);
  const layer = manifest.layers.find((l) => l.mediaType === WASM_CONTENT_LAYER);
  if (!layer) throw new Error(`could not find the layer of type ${WASM_CONTENT_LAYER}`);
  return readBlob(layer.digest, layer.mediaType);
}

export async function extractWasmFromImage(manifest: ImageManifest, readBlob: BlobReader): Promise<ExtractedWasm> {
  if (!Array.isArray(manifest.layers)) throw new InvalidWasmImageError("the manifest has no `layers` list: it is not a single image manifest");
  if (manifest.mediaType === DOCKER_MANIFEST_V2) {
    try {
      return { wasm: await lastTarGzipLayer(manifest, DOCKER_LAYER_TAR_GZIP, readBlob), variant: "docker" };
    } catch (error) {
      throw wrapUnlessTransport(error, "could not extract the Wasm file from the image as a Docker image");
    }
  }
  let compatError: unknown;
  try {
    return { wasm: await lastTarGzipLayer(manifest, OCI_LAYER_TAR_GZIP, readBlob), variant: "compat" };
  } catch (error) {
    compatError = error;
  }
  try {
    return { wasm: await wasmArtifactLayer(manifest, readBlob), variant: "oci" };
  } catch (ociError) {
    throw wrapUnlessTransport(compatError, "", ociError);
  }
}

/** Registry and transport failures (digest mismatch, size, auth: UserErrors) are not format problems: pass them on as they are. */
function wrapUnlessTransport(error: unknown, prefix: string, ociError?: unknown): Error {
  for (const e of [error, ociError]) {
    if (e instanceof UserError) return e;
  }
  if (ociError === undefined) return new InvalidWasmImageError(`${prefix}: ${(error as Error).message}`);
  return new InvalidWasmImageError(
    `the image is in no Wasm image format Envoy Gateway accepts: as compat variant: ${(error as Error).message}; ` +
      `as oci variant: ${(ociError as Error).message}`,
  );
}
