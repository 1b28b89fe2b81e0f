// Istio's form of a filter: one WasmPlugin (extensions.istio.io/v1alpha1) per filter, attached to
// the Gateway (Istio attaches WasmPlugins to Gateways, Services or workloads, not to routes).
// Chain order is expressed with `priority`: Istio runs plugins of one phase by descending priority.
import type { Gateway } from "../gateway/model.ts";
import type { ResolvedFilter } from "./extension-policy.ts";
import { GATEWAY_API_GROUP } from "./httproute.ts";
import { meta, type KubeObject } from "./labels.ts";
import { toObjectName } from "./names.ts";

export const ISTIO_EXTENSIONS_GROUP = "extensions.istio.io";
/** Priorities count down from here in chain order: the first filter runs first. */
const TOP_PRIORITY = 1000;

export function istioUrl(code: ResolvedFilter["code"]): string {
  return code.type === "Image" ? `oci://${code.url}` : code.url;
}

export function buildWasmPlugin(gateway: Gateway, resolved: ResolvedFilter, position: number, pullSecret?: string): KubeObject {
  const { filter, code, config } = resolved;
  const { gatewayName, gatewayNamespace, namespace } = gateway.kubernetes;
  const spec: Record<string, unknown> = {
    targetRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gatewayName }],
    url: istioUrl(code),
    ...(code.sha256 ? { sha256: code.sha256 } : {}),
    ...(pullSecret && code.type === "Image" ? { imagePullSecret: pullSecret } : {}),
    ...(filter.rootId ? { pluginName: filter.rootId } : {}),
    pluginConfig: config,
    phase: "UNSPECIFIED_PHASE",
    priority: TOP_PRIORITY - position,
    failStrategy: filter.failOpen ? "FAIL_OPEN" : "FAIL_CLOSE",
    type: "HTTP",
  };
  return {
    apiVersion: `${ISTIO_EXTENSIONS_GROUP}/v1alpha1`,
    kind: "WasmPlugin",
    // A WasmPlugin's targetRefs reach only its own namespace: it lives beside the Gateway.
    metadata: meta(toObjectName(filter.name, "filter"), gatewayNamespace ?? namespace),
    spec,
  };
}
