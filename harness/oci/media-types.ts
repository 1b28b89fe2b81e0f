// Media types of the two Wasm image variants that Envoy Gateway's and Istio's image fetchers accept
// (solo-io/wasm spec: *compat* and *oci*), and of the manifests that carry them.

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

/** compat: one tar+gzip layer holding plugin.wasm, a standard image config. */
export const OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
export const DOCKER_LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/** oci: the raw wasm as one layer, the runtime config as the manifest config and as the other layer. */
export const WASM_CONFIG = "application/vnd.module.wasm.config.v1+json";
export const WASM_CONTENT_LAYER = "application/vnd.module.wasm.content.layer.v1+wasm";

/** Manifest annotation the compat spec requires when the layer is the OCI tar+gzip type. */
export const VARIANT_ANNOTATION = "module.wasm.image/variant";
/** OCI image layout: the tag a manifest is known by inside index.json. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";
export const TITLE_ANNOTATION = "org.opencontainers.image.title";

/** The file name both fetchers look for inside a compat layer. */
export const PLUGIN_FILE_NAME = "plugin.wasm";

export type ImageFormat = "compat" | "oci";
export const IMAGE_FORMATS: readonly ImageFormat[] = ["compat", "oci"];

/** What `Accept` a pull sends: every single-image manifest type we can read. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, DOCKER_MANIFEST_V2, OCI_INDEX, DOCKER_MANIFEST_LIST].join(", ");
