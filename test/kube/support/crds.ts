// The real CRD schemas from ../shared/schemas (Envoy Gateway, Gateway API) plus the structural
// WasmPlugin schema, ready to validate generated objects. Absent shared/ → undefined (tests skip).
import { existsSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { addIstioWasmPluginSchema, loadCrdSchemas } from "../../../harness/kube/crd-json-schema.ts";
import { CrdValidator } from "../../../harness/kube/crd-validator.ts";

export const SCHEMAS_DIR = path.resolve(PACKAGE_ROOT, "../shared/schemas");
export const CRD_FILES = [
  path.join(SCHEMAS_DIR, "gateway.envoyproxy.io_envoyextensionpolicies.yaml"),
  path.join(SCHEMAS_DIR, "gatewayapi-crds.yaml"),
];

export const crdsMissing = CRD_FILES.some((f) => !existsSync(f)) ? `CRD schemas not found under ${SCHEMAS_DIR}` : undefined;

let validator: CrdValidator | undefined;
export function crdValidator(): CrdValidator {
  validator ??= new CrdValidator(addIstioWasmPluginSchema(loadCrdSchemas(CRD_FILES)));
  return validator;
}
