// One gateway-file route → one Gateway API HTTPRoute (gateway.networking.k8s.io/v1) attached to
// the configured Gateway, with one rule: the route's match, its cluster as backend, its timeout.
import type { Cluster, Gateway, Route } from "../gateway/model.ts";
import { gatewayDuration } from "./gateway-duration.ts";
import { meta, type KubeObject } from "./labels.ts";
import { toObjectName } from "./names.ts";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
/** Gateway API's Hostname: lower-case DNS name, optionally with a leading "*." wildcard; no port, no IP. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A cluster becomes a Service reference: an endpoint host like `name.namespace.svc[.cluster.local]`
 * names the Service directly; otherwise the Service is assumed to carry the cluster's name.
 */
export function serviceFor(cluster: Cluster): { name: string; namespace?: string; port: number } {
  const endpoint = cluster.endpoints[0];
  const svc = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(endpoint?.host ?? "");
  if (svc) return { name: svc[1], namespace: svc[2], port: endpoint.port };
  return { name: toObjectName(cluster.name, `cluster`), port: endpoint?.port ?? 80 };
}

export function httpRouteName(route: Route): string {
  return toObjectName(route.name, "route");
}

export function buildHttpRoute(gateway: Gateway, route: Route, problems: string[]): KubeObject {
  const { gatewayName, gatewayNamespace, namespace } = gateway.kubernetes;
  const cluster = gateway.clusters.find((c) => c.name === route.cluster);
  if (!cluster) problems.push(`route "${route.name}": unknown cluster "${route.cluster}"`);
  const match: Record<string, unknown> = {
    path: route.match.path !== undefined ? { type: "Exact", value: route.match.path } : { type: "PathPrefix", value: route.match.prefix ?? "/" },
  };
  if (route.match.headers?.length) {
    match.headers = route.match.headers.map((h) => {
      if (!HEADER_NAME.test(h.name)) problems.push(`route "${route.name}": header "${h.name}" cannot be matched by an HTTPRoute (no pseudo-headers)`);
      // Gateway API has no "present" match; a regular expression matching any value is the same.
      return h.exact !== undefined ? { type: "Exact", name: h.name, value: h.exact } : { type: "RegularExpression", name: h.name, value: ".*" };
    });
  }
  const service = cluster ? serviceFor(cluster) : { name: toObjectName(route.cluster, "cluster"), port: 80 };
  const backendRef: Record<string, unknown> = { group: "", kind: "Service", name: service.name, port: service.port };
  if (service.namespace && service.namespace !== namespace) backendRef.namespace = service.namespace;
  const parentRef: Record<string, unknown> = { group: GATEWAY_API_GROUP, kind: "Gateway", name: gatewayName };
  if (gatewayNamespace && gatewayNamespace !== namespace) parentRef.namespace = gatewayNamespace;
  let timeout: string | undefined;
  try {
    timeout = gatewayDuration(route.timeoutMs, `route "${route.name}" timeout`);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const spec: Record<string, unknown> = { parentRefs: [parentRef] };
  for (const hostname of route.hostnames) {
    if (!HOSTNAME.test(hostname) || hostname.length > 253 || /^[0-9.]+$/.test(hostname)) {
      problems.push(`route "${route.name}": hostname "${hostname}" is not a Gateway API hostname (lower-case DNS name, optional leading "*.", no port or IP)`);
    }
  }
  if (route.hostnames.length) spec.hostnames = route.hostnames;
  spec.rules = [{ matches: [match], backendRefs: [backendRef], ...(timeout ? { timeouts: { request: timeout } } : {}) }];
  return { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: "HTTPRoute", metadata: meta(httpRouteName(route), namespace), spec };
}
