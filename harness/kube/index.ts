// Kubernetes manifests for the gateway model: Envoy Gateway (HTTPRoute + EnvoyExtensionPolicy)
// and Istio (HTTPRoute + WasmPlugin).
export { generateManifests, manifestsToYaml, ManifestError, MANIFEST_TARGETS, type ManifestTarget, type ManifestOptions, type Manifests } from "./generate.ts";
export { crdJsonSchema, loadCrdSchemas, addIstioWasmPluginSchema, type CrdSchemas } from "./crd-json-schema.ts";
export { CrdValidator } from "./crd-validator.ts";
export { envoyExtensionPolicyViolations, httpRouteViolations, wasmPluginViolations } from "./cel-rules.ts";
export type { KubeObject } from "./labels.ts";
