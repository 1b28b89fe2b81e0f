// A route's filter chain → one EnvoyExtensionPolicy (gateway.envoyproxy.io/v1alpha1) targeting its
// HTTPRoute: one `wasm` entry per filter, in chain order (Envoy Gateway loads them in list order).
import type { Filter, Route } from "../gateway/model.ts";
import type { FilterCodeSource } from "./filter-code.ts";
import { GATEWAY_API_GROUP, httpRouteName } from "./httproute.ts";
import { meta, type KubeObject } from "./labels.ts";

export const ENVOY_GATEWAY_GROUP = "gateway.envoyproxy.io";
/** The CRD's maxItems for spec.wasm. */
export const MAX_WASM_PER_POLICY = 16;

export interface ResolvedFilter {
  filter: Filter;
  code: FilterCodeSource;
  config: unknown;
}

function wasmEntry({ filter, code, config }: ResolvedFilter, pullSecret: string | undefined): Record<string, unknown> {
  const source =
    code.type === "Image"
      ? {
          type: "Image",
          image: {
            url: code.url,
            ...(code.sha256 ? { sha256: code.sha256 } : {}),
            ...(pullSecret ? { pullSecretRef: { group: "", kind: "Secret", name: pullSecret } } : {}),
          },
        }
      : { type: "HTTP", http: { url: code.url, sha256: code.sha256 } };
  return {
    name: filter.name,
    ...(filter.rootId ? { rootID: filter.rootId } : {}),
    code: source,
    config,
    failOpen: filter.failOpen,
  };
}

/** `pullSecret`: a docker-registry Secret (in the policy's namespace) for private images. */
export function buildExtensionPolicy(route: Route, chain: ResolvedFilter[], namespace: string, pullSecret?: string): KubeObject {
  const target = httpRouteName(route);
  return {
    apiVersion: `${ENVOY_GATEWAY_GROUP}/v1alpha1`,
    kind: "EnvoyExtensionPolicy",
    metadata: meta(`${target}-wasm`, namespace),
    spec: {
      targetRefs: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", name: target }],
      wasm: chain.map((entry) => wasmEntry(entry, pullSecret)),
    },
  };
}
