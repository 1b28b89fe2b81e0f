// A Wasm image in memory: its manifest and every blob it names, built reproducibly from the
// module bytes in either variant that Envoy Gateway and Istio fetch.
import { canonicalJsonBytes } from "./canonical-json.ts";
import { sha256Digest, type Digest } from "./digest.ts";
import {
  OCI_IMAGE_CONFIG, OCI_LAYER_TAR_GZIP, OCI_MANIFEST, PLUGIN_FILE_NAME, TITLE_ANNOTATION,
  VARIANT_ANNOTATION, WASM_CONFIG, WASM_CONTENT_LAYER, type ImageFormat,
} from "./media-types.ts";
import { buildPluginLayer } from "./plugin-layer.ts";

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface WasmImage {
  manifest: ImageManifest;
  /** The exact manifest bytes; the image digest is their sha256. */
  manifestBytes: Uint8Array;
  digest: Digest;
  /** Config and layer blobs by digest. */
  blobs: Map<Digest, Uint8Array>;
}

export interface BuildImageOptions {
  format?: ImageFormat;
  /** Root IDs the module registers, recorded in the runtime config (informational for fetchers). */
  rootIds?: string[];
}

function blob(blobs: Map<Digest, Uint8Array>, mediaType: string, bytes: Uint8Array, annotations?: Record<string, string>): Descriptor {
  const digest = sha256Digest(bytes);
  blobs.set(digest, bytes);
  return { mediaType, digest, size: bytes.length, ...(annotations ? { annotations } : {}) };
}

/** The solo-io runtime config: what the module is for, stored beside it. */
function runtimeConfig(rootIds: string[]): Uint8Array {
  return canonicalJsonBytes({ type: "envoy_proxy", abiVersions: ["v0.2.1", "v0.2.0", "v0.1.0"], config: { root_ids: rootIds } });
}

export function buildWasmImage(wasm: Uint8Array, options: BuildImageOptions = {}): WasmImage {
  const format = options.format ?? "compat";
  const blobs = new Map<Digest, Uint8Array>();
  let manifest: ImageManifest;
  if (format === "compat") {
    const layer = buildPluginLayer(wasm);
    // A minimal image config: no entrypoint, one layer; the fixed `created` keeps it reproducible.
    const config = canonicalJsonBytes({
      architecture: "wasm",
      os: "wasip1",
      created: "1970-01-01T00:00:00Z",
      config: {},
      rootfs: { type: "layers", diff_ids: [sha256Digest(layer.tar)] },
    });
    manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: blob(blobs, OCI_IMAGE_CONFIG, config),
      layers: [blob(blobs, OCI_LAYER_TAR_GZIP, layer.gzip)],
      annotations: { [VARIANT_ANNOTATION]: "compat" },
    };
  } else {
    // The fetchers want exactly two layers, one of them the raw wasm (as wasme produced them).
    const config = runtimeConfig(options.rootIds ?? []);
    manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: blob(blobs, WASM_CONFIG, config),
      layers: [
        blob(blobs, WASM_CONFIG, config, { [TITLE_ANNOTATION]: "runtime-config.json" }),
        blob(blobs, WASM_CONTENT_LAYER, wasm, { [TITLE_ANNOTATION]: PLUGIN_FILE_NAME }),
      ],
    };
  }
  const manifestBytes = canonicalJsonBytes(manifest);
  return { manifest, manifestBytes, digest: sha256Digest(manifestBytes), blobs };
}
