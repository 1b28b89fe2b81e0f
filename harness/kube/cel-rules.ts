// The CRDs' CEL rules (x-kubernetes-validations) that JSON Schema cannot express, restated for the
// objects we generate, so a manifest the API server would reject is never written. Each function
// returns the violations as "Kind/name: field: message" (message as the CRD words it).
import type { KubeObject } from "./labels.ts";

type Obj = Record<string, unknown>;
const ROUTE_KINDS = ["Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "UDPRoute", "TCPRoute", "TLSRoute"];
const SHA256_HEX = /^[a-f0-9]{64}$/;
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

const has = (o: unknown, key: string) => typeof o === "object" && o !== null && (o as Obj)[key] !== undefined;

function at(object: KubeObject, field: string, message: string): string {
  return `${object.kind}/${object.metadata.name}: ${field}: ${message}`;
}

export function envoyExtensionPolicyViolations(policy: KubeObject): string[] {
  const out: string[] = [];
  const spec = policy.spec as Obj;
  const targetRef = spec.targetRef as Obj | undefined;
  const targetRefs = spec.targetRefs as Obj[] | undefined;
  const selectors = spec.targetSelectors as unknown[] | undefined;
  const exactlyOne = (has(spec, "targetRef") && !has(spec, "targetRefs")) || (!has(spec, "targetRef") && has(spec, "targetRefs")) || (selectors?.length ?? 0) > 0;
  if (!exactlyOne) out.push(at(policy, "spec", "either targetRef or targetRefs must be used"));
  for (const [i, ref] of [...(targetRef ? [targetRef] : []), ...(targetRefs ?? [])].entries()) {
    const field = targetRef && i === 0 ? "spec.targetRef" : `spec.targetRefs[${targetRef ? i - 1 : i}]`;
    if (ref.group !== "gateway.networking.k8s.io") out.push(at(policy, field, "this policy can only have a group of gateway.networking.k8s.io"));
    if (!ROUTE_KINDS.includes(String(ref.kind))) out.push(at(policy, field, `this policy can only have a kind of ${ROUTE_KINDS.join("/")}`));
  }
  for (const [i, wasm] of ((spec.wasm as Obj[] | undefined) ?? []).entries()) {
    const code = wasm.code as Obj | undefined;
    const field = `spec.wasm[${i}].code`;
    if (!code) continue;
    if (code.type === "HTTP" ? !has(code, "http") : has(code, "http")) out.push(at(policy, field, "If type is HTTP, http field needs to be set."));
    if (code.type === "Image" ? !has(code, "image") : has(code, "image")) out.push(at(policy, field, "If type is Image, image field needs to be set."));
    const image = code.image as Obj | undefined;
    const pullSecret = image?.pullSecretRef as Obj | undefined;
    if (pullSecret && (pullSecret.kind ?? "Secret") !== "Secret") out.push(at(policy, `${field}.image.pullSecretRef`, "only support Secret kind."));
    for (const source of ["http", "image"]) {
      const sha = (code[source] as Obj | undefined)?.sha256;
      if (sha !== undefined && !SHA256_HEX.test(String(sha))) out.push(at(policy, `${field}.${source}.sha256`, "must match ^[a-f0-9]{64}$"));
    }
  }
  return out;
}

export function httpRouteViolations(route: KubeObject): string[] {
  const out: string[] = [];
  const rules = ((route.spec as Obj).rules as Obj[] | undefined) ?? [];
  let matchCount = 0;
  for (const [i, rule] of rules.entries()) {
    const matches = (rule.matches as Obj[] | undefined) ?? [];
    matchCount += matches.length;
    for (const [j, match] of matches.entries()) {
      const path = match.path as { type?: string; value?: string } | undefined;
      if (!path || !["Exact", "PathPrefix"].includes(path.type ?? "PathPrefix")) continue;
      const value = path.value ?? "/";
      const field = `spec.rules[${i}].matches[${j}].path.value`;
      if (!value.startsWith("/")) out.push(at(route, field, "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"));
      for (const bad of ["//", "/./", "/../", "%2f", "%2F", "#"]) {
        if (value.includes(bad)) out.push(at(route, field, `must not contain '${bad}' when type one of ['Exact', 'PathPrefix']`));
      }
      for (const end of ["/..", "/."]) {
        if (value.endsWith(end)) out.push(at(route, field, `must not end with '${end}' when type one of ['Exact', 'PathPrefix']`));
      }
      if (!PATH_CHARS.test(value)) out.push(at(route, field, `must only contain valid characters (matching ${PATH_CHARS.source}) for types ['Exact', 'PathPrefix']`));
    }
    for (const [j, backend] of ((rule.backendRefs as Obj[] | undefined) ?? []).entries()) {
      const isService = (backend.group ?? "") === "" && (backend.kind ?? "Service") === "Service";
      if (isService && !has(backend, "port")) out.push(at(route, `spec.rules[${i}].backendRefs[${j}]`, "Must have port for Service reference"));
    }
  }
  if (matchCount >= 128) out.push(at(route, "spec.rules", "the total number of matches across all rules in a route must be less than 128"));
  return out;
}

/** Istio's WasmPlugin rules (from its documented API; no CRD is vendored here). */
export function wasmPluginViolations(plugin: KubeObject): string[] {
  const out: string[] = [];
  const spec = plugin.spec as Obj;
  const attachments = ["selector", "targetRef", "targetRefs"].filter((k) => has(spec, k));
  if (attachments.length > 1) out.push(at(plugin, "spec", `only one of selector, targetRef or targetRefs may be set (has ${attachments.join(", ")})`));
  if (typeof spec.url !== "string" || spec.url === "") out.push(at(plugin, "spec.url", "is required"));
  if (spec.sha256 !== undefined && !SHA256_HEX.test(String(spec.sha256))) out.push(at(plugin, "spec.sha256", "must be 64 lower-case hex digits"));
  const config = spec.pluginConfig;
  if (config !== undefined && (typeof config !== "object" || config === null || Array.isArray(config))) {
    out.push(at(plugin, "spec.pluginConfig", "must be an object (a protobuf Struct)"));
  }
  return out;
}
