// An HTTPRoute may only send traffic to a Service in another namespace when that namespace grants
// it with a ReferenceGrant: one per target namespace, naming the Services our routes use there.
import { GATEWAY_API_GROUP } from "./httproute.ts";
import { meta, type KubeObject } from "./labels.ts";

export function buildReferenceGrants(routeNamespace: string, services: Array<{ name: string; namespace: string }>): KubeObject[] {
  const byNamespace = new Map<string, Set<string>>();
  for (const s of services) {
    if (s.namespace === routeNamespace) continue;
    if (!byNamespace.has(s.namespace)) byNamespace.set(s.namespace, new Set());
    byNamespace.get(s.namespace)!.add(s.name);
  }
  return [...byNamespace].map(([namespace, names]) => ({
    apiVersion: `${GATEWAY_API_GROUP}/v1beta1`,
    kind: "ReferenceGrant",
    metadata: meta(`proxyscript-from-${routeNamespace}`, namespace),
    spec: {
      from: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: routeNamespace }],
      to: [...names].sort().map((name) => ({ group: "", kind: "Service", name })),
    },
  }));
}
