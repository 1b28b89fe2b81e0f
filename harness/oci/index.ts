// Wasm OCI images: build (reproducible, compat or oci variant), OCI layout, push, pull.
export { buildWasmImage, type WasmImage, type ImageManifest, type Descriptor, type BuildImageOptions } from "./image.ts";
export { writeImageLayout, readImageLayout, isImageLayout } from "./layout.ts";
export { pushImage, type PushResult, type TransferOptions } from "./push.ts";
export { pullImage, type PullResult } from "./pull.ts";
export { extractWasmFromImage, InvalidWasmImageError } from "./fetcher-rules.ts";
export { parseImageReference, formatImageReference, type ImageReference } from "./reference.ts";
export { resolveCredentials, type Credentials } from "./credentials.ts";
export { loadWasmSource } from "./wasm-source.ts";
export { IMAGE_FORMATS, type ImageFormat } from "./media-types.ts";
