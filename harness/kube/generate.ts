// proxyscript.yaml → Kubernetes objects: per route an HTTPRoute plus (Envoy Gateway) an
// EnvoyExtensionPolicy with the route's filter chain, or (Istio) one WasmPlugin per filter.
// Everything is checked before anything is returned: every problem is reported at once.
import { stringify } from "yaml";
import { UserError } from "../cli/errors.ts";
import type { Gateway, Route } from "../gateway/model.ts";
import { envoyExtensionPolicyViolations, httpRouteViolations, wasmPluginViolations } from "./cel-rules.ts";
import { buildExtensionPolicy, MAX_WASM_PER_POLICY, type ResolvedFilter } from "./extension-policy.ts";
import { filterCodeSource } from "./filter-code.ts";
import { filterConfigValue } from "./filter-config.ts";
import { buildHttpRoute, serviceFor } from "./httproute.ts";
import { buildReferenceGrants } from "./reference-grant.ts";
import type { KubeObject } from "./labels.ts";
import { isDnsLabel, isDnsSubdomain } from "./names.ts";
import { buildWasmPlugin } from "./wasm-plugin.ts";

export type ManifestTarget = "envoy-gateway" | "istio";
export const MANIFEST_TARGETS: readonly ManifestTarget[] = ["envoy-gateway", "istio"];

export interface ManifestOptions {
  target?: ManifestTarget;
  /** Image digests from a push, by filter name; they win over image_digest in the file. */
  imageDigests?: ReadonlyMap<string, string>;
  /** Name of a docker-registry Secret for pulling private images (pullSecretRef / imagePullSecret). */
  pullSecret?: string;
}

export interface Manifests {
  objects: KubeObject[];
  /** Things that will work but may not do what the user expects. */
  warnings: string[];
}

export class ManifestError extends UserError {
  constructor(readonly problems: string[]) {
    super(`cannot generate Kubernetes manifests:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ManifestError";
  }
}

function describeMatch(route: Route): string {
  return route.match.path !== undefined ? `path "${route.match.path}"` : `prefix "${route.match.prefix ?? "/"}"`;
}

/** Envoy matches routes first-to-last; Gateway API picks the most specific match. Say where they differ. */
function shadowWarnings(routes: Route[]): string[] {
  const warnings: string[] = [];
  for (const [i, earlier] of routes.entries()) {
    if (earlier.match.prefix === undefined || earlier.match.headers?.length) continue;
    for (const later of routes.slice(i + 1)) {
      const value = later.match.path ?? later.match.prefix ?? "/";
      const sameHosts = earlier.hostnames.length === 0 || earlier.hostnames.join() === later.hostnames.join();
      if (sameHosts && value.startsWith(earlier.match.prefix) && value !== earlier.match.prefix) {
        warnings.push(
          `route "${earlier.name}" (${describeMatch(earlier)}) comes before route "${later.name}" (${describeMatch(later)}) and takes its ` +
            `requests in Envoy's first-match order; Gateway API picks the most specific match, so in Kubernetes "${later.name}" gets them`,
        );
      }
    }
  }
  return warnings;
}

export function generateManifests(gateway: Gateway, options: ManifestOptions = {}): Manifests {
  const target = options.target ?? "envoy-gateway";
  const problems: string[] = [];
  const warnings: string[] = [];
  const { namespace, gatewayNamespace } = gateway.kubernetes;
  for (const [field, value] of [["kubernetes.namespace", namespace], ["kubernetes.gateway_namespace", gatewayNamespace]] as const) {
    if (value !== undefined && !isDnsLabel(value)) problems.push(`${field} "${value}" is not a valid namespace (lower-case letters, digits and '-', at most 63)`);
  }

  if (options.pullSecret !== undefined && !isDnsSubdomain(options.pullSecret)) {
    problems.push(`pull secret "${options.pullSecret}" is not a valid Secret name`);
  }
  const used = gateway.filters.filter((f) => gateway.routes.some((r) => r.filters.includes(f.name)));
  const resolved = new Map<string, ResolvedFilter>();
  for (const filter of used) {
    const code = filterCodeSource(filter, options.imageDigests);
    const config = filterConfigValue(filter);
    warnings.push(...code.warnings);
    problems.push(...[...code.problems, ...config.problems].map((p) => `filter "${filter.name}": ${p}`));
    if (filter.vmConfig && filter.vmConfig !== "{}") {
      warnings.push(`filter "${filter.name}": vm_config is not carried to ${target === "istio" ? "Istio" : "Envoy Gateway"} (it has no such field) and is dropped`);
    }
    if (target === "istio" && (typeof config.value !== "object" || config.value === null || Array.isArray(config.value))) {
      problems.push(`filter "${filter.name}": Istio's pluginConfig must be a JSON object`);
    }
    if (code.code) resolved.set(filter.name, { filter, code: code.code, config: config.value });
  }

  const objects: KubeObject[] = [];
  for (const route of gateway.routes) {
    objects.push(buildHttpRoute(gateway, route, problems));
    if (target !== "envoy-gateway" || route.filters.length === 0) continue;
    if (route.filters.length > MAX_WASM_PER_POLICY) {
      problems.push(`route "${route.name}": ${route.filters.length} filters, but an EnvoyExtensionPolicy holds at most ${MAX_WASM_PER_POLICY}`);
    }
    const chain = route.filters.map((name) => resolved.get(name)).filter((r): r is ResolvedFilter => r !== undefined);
    objects.push(buildExtensionPolicy(route, chain, namespace, options.pullSecret));
  }
  if (target === "istio") {
    for (const [position, filter] of used.entries()) {
      const r = resolved.get(filter.name);
      if (r) objects.push(buildWasmPlugin(gateway, r, position, options.pullSecret));
      const skipping = gateway.routes.filter((route) => !route.filters.includes(filter.name));
      if (skipping.length) {
        warnings.push(
          `filter "${filter.name}" is not on route(s) ${skipping.map((s) => `"${s.name}"`).join(", ")}, but Istio attaches a WasmPlugin to the ` +
            `whole Gateway "${gateway.kubernetes.gatewayName}": it will run there too`,
        );
      }
    }
  }
  // Backends in other namespaces need their namespace's consent.
  const services = gateway.routes
    .map((route) => gateway.clusters.find((c) => c.name === route.cluster))
    .filter((c) => c !== undefined)
    .map((c) => serviceFor(c))
    .map((s) => ({ name: s.name, namespace: s.namespace ?? namespace }));
  objects.push(...buildReferenceGrants(namespace, services));
  if (gatewayNamespace && gatewayNamespace !== namespace) {
    warnings.push(
      `the HTTPRoutes (namespace "${namespace}") attach to Gateway "${gateway.kubernetes.gatewayName}" in namespace "${gatewayNamespace}": ` +
        `its listeners must admit routes from "${namespace}" (allowedRoutes.namespaces.from: All, or a Selector)`,
    );
  }
  warnings.push(...shadowWarnings(gateway.routes));

  const names = new Set<string>();
  for (const object of objects) {
    const key = `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
    if (names.has(key)) problems.push(`two objects would be named ${object.kind} ${object.metadata.namespace}/${object.metadata.name}: give routes/filters distinct names`);
    names.add(key);
    if (object.kind === "HTTPRoute") problems.push(...httpRouteViolations(object));
    if (object.kind === "EnvoyExtensionPolicy") problems.push(...envoyExtensionPolicyViolations(object));
    if (object.kind === "WasmPlugin") problems.push(...wasmPluginViolations(object));
  }
  if (problems.length) throw new ManifestError(problems);
  return { objects, warnings };
}

/** Multi-document YAML, one object per document, in generation order. */
export function manifestsToYaml(objects: KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}
