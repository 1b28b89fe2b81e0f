// Gateway file → Kubernetes objects, every one validated against the real CRD schemas
// (../shared/schemas) and the CEL rules restated in code.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parseGateway } from "../../harness/gateway/load.ts";
import type { Gateway } from "../../harness/gateway/model.ts";
import { generateManifests, manifestsToYaml, ManifestError } from "../../harness/kube/generate.ts";
import type { KubeObject } from "../../harness/kube/labels.ts";
import { crdsMissing, crdValidator } from "./support/crds.ts";

if (crdsMissing) console.warn(`skipping CRD schema validation: ${crdsMissing}`);

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const DIGEST = `sha256:${"ab".repeat(32)}`;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A gateway folder with two filters (one with a config schema) and the given YAML. */
function gatewayFrom(yaml: string): Gateway {
  const dir = mkdtempSync(path.join(os.tmpdir(), "proxyscript-kube-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "build"));
  writeFileSync(path.join(dir, "build", "auth.wasm"), WASM);
  writeFileSync(path.join(dir, "build", "headers.wasm"), WASM);
  writeFileSync(path.join(dir, "auth.schema.json"), JSON.stringify({
    type: "object",
    required: ["issuer"],
    additionalProperties: false,
    properties: { issuer: { type: "string" }, audiences: { type: "array", items: { type: "string" } } },
  }));
  writeFileSync(path.join(dir, "proxyscript.yaml"), yaml);
  return parseGateway(yaml, dir);
}

const BASE = `
kubernetes: { gateway: eg, gateway_namespace: envoy-gateway-system, namespace: shop }
clusters:
  - { name: catalog, url: "http://catalog.shop.svc.cluster.local:8080" }
  - { name: orders-api, endpoints: ["orders.billing.svc:9000"] }
filters:
  - name: auth
    wasm: build/auth.wasm
    image: registry.example.com/filters/auth:v1
    image_digest: ${DIGEST}
    root_id: auth_root
    config: { issuer: "https://issuer.example", audiences: [shop] }
    config_schema: auth.schema.json
    fail_open: false
  - name: headers
    wasm: build/headers.wasm
    url: https://files.example.com/headers.wasm
    config: { add: { x-shop: "1" } }
    fail_open: true
routes:
  - name: catalog
    match: { prefix: /catalog }
    cluster: catalog
    hostnames: [shop.example.com]
    timeout: 90s
  - name: orders
    match: { path: /orders, headers: [{ name: x-tenant, exact: acme }, { name: x-debug, present: true }] }
    cluster: orders-api
    filters: [headers]
  - name: health
    match: { path: /healthz }
    cluster: catalog
    filters: []
`;

const ALLOWED_ROUTES_WARNING =
  `the HTTPRoutes (namespace "shop") attach to Gateway "eg" in namespace "envoy-gateway-system": ` +
  `its listeners must admit routes from "shop" (allowedRoutes.namespaces.from: All, or a Selector)`;

const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);

function expectValid(objects: KubeObject[]) {
  if (crdsMissing) return;
  const problems = objects.flatMap((o) => crdValidator().validate(o));
  expect(problems).toEqual([]);
}

describe("Envoy Gateway target", () => {
  it("writes an HTTPRoute per route and an EnvoyExtensionPolicy per filtered route, valid against the CRDs", () => {
    const { objects, warnings } = generateManifests(gatewayFrom(BASE));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "HTTPRoute/catalog", "EnvoyExtensionPolicy/catalog-wasm",
      "HTTPRoute/orders", "EnvoyExtensionPolicy/orders-wasm",
      "HTTPRoute/health",
      "ReferenceGrant/proxyscript-from-shop",
    ]);
    expect(warnings).toEqual([ALLOWED_ROUTES_WARNING]);
    expectValid(objects);

    const [grant] = byKind(objects, "ReferenceGrant");
    expect(grant.apiVersion).toBe("gateway.networking.k8s.io/v1beta1");
    expect(grant.metadata.namespace).toBe("billing");
    expect(grant.spec).toEqual({
      from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "shop" }],
      to: [{ group: "", kind: "Service", name: "orders" }],
    });
    const [catalog, orders] = byKind(objects, "HTTPRoute");
    expect(catalog.apiVersion).toBe("gateway.networking.k8s.io/v1");
    expect(catalog.metadata).toEqual({ name: "catalog", namespace: "shop", labels: { "app.kubernetes.io/managed-by": "proxyscript" } });
    expect(catalog.spec).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "eg", namespace: "envoy-gateway-system" }],
      hostnames: ["shop.example.com"],
      rules: [{
        matches: [{ path: { type: "PathPrefix", value: "/catalog" } }],
        backendRefs: [{ group: "", kind: "Service", name: "catalog", port: 8080 }],
        timeouts: { request: "1m30s" },
      }],
    });
    expect((orders.spec.rules as Array<Record<string, unknown>>)[0]).toMatchObject({
      matches: [{
        path: { type: "Exact", value: "/orders" },
        headers: [{ type: "Exact", name: "x-tenant", value: "acme" }, { type: "RegularExpression", name: "x-debug", value: ".*" }],
      }],
      backendRefs: [{ group: "", kind: "Service", name: "orders", namespace: "billing", port: 9000 }],
      timeouts: { request: "15s" },
    });
  });

  it("puts the filters in chain order with code, config and failOpen", () => {
    const { objects } = generateManifests(gatewayFrom(BASE));
    const [catalogPolicy, ordersPolicy] = byKind(objects, "EnvoyExtensionPolicy");
    expect(catalogPolicy.apiVersion).toBe("gateway.envoyproxy.io/v1alpha1");
    expect(catalogPolicy.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "catalog" }]);
    expect(catalogPolicy.spec.wasm).toEqual([
      {
        name: "auth",
        rootID: "auth_root",
        code: { type: "Image", image: { url: "registry.example.com/filters/auth:v1", sha256: "ab".repeat(32) } },
        config: { issuer: "https://issuer.example", audiences: ["shop"] },
        failOpen: false,
      },
      {
        name: "headers",
        code: { type: "HTTP", http: { url: "https://files.example.com/headers.wasm", sha256: createHash("sha256").update(WASM).digest("hex") } },
        config: { add: { "x-shop": "1" } },
        failOpen: true,
      },
    ]);
    expect((ordersPolicy.spec.wasm as Array<{ name: string }>).map((w) => w.name)).toEqual(["headers"]);
  });

  it("uses digests from a push over image_digest, and warns when an image has none", () => {
    const pushed = `sha256:${"cd".repeat(32)}`;
    const withPush = generateManifests(gatewayFrom(BASE), { imageDigests: new Map([["auth", pushed]]) });
    const auth = (byKind(withPush.objects, "EnvoyExtensionPolicy")[0].spec.wasm as Array<{ code: { image: { sha256: string } } }>)[0];
    expect(auth.code.image.sha256).toBe("cd".repeat(32));
    const noDigest = generateManifests(gatewayFrom(BASE.replace(`    image_digest: ${DIGEST}\n`, "")));
    expect(noDigest.warnings).toEqual([
      `filter "auth": image registry.example.com/filters/auth:v1 has no digest, so the cluster cannot verify it (push with --push, or set image_digest)`,
      ALLOWED_ROUTES_WARNING,
    ]);
    expectValid(noDigest.objects);
  });

  it("references a pull secret for private images, in both targets", () => {
    const eg = generateManifests(gatewayFrom(BASE), { pullSecret: "regcred" });
    const wasm = byKind(eg.objects, "EnvoyExtensionPolicy")[0].spec.wasm as Array<{ code: Record<string, Record<string, unknown>> }>;
    expect(wasm[0].code.image.pullSecretRef).toEqual({ group: "", kind: "Secret", name: "regcred" });
    expect(wasm[1].code.http.pullSecretRef).toBeUndefined();
    expectValid(eg.objects);
    const istio = generateManifests(gatewayFrom(BASE), { target: "istio", pullSecret: "regcred" });
    const [auth, headers] = byKind(istio.objects, "WasmPlugin");
    expect(auth.spec.imagePullSecret).toBe("regcred");
    expect(headers.spec.imagePullSecret).toBeUndefined();
    expectValid(istio.objects);
    expect(() => generateManifests(gatewayFrom(BASE), { pullSecret: "Reg Cred" })).toThrow(/pull secret "Reg Cred" is not a valid Secret name/);
  });

  it("renders multi-document YAML that parses back to the same objects", () => {
    const { objects } = generateManifests(gatewayFrom(BASE));
    const yaml = manifestsToYaml(objects);
    expect(yaml.split("\n---\n")).toHaveLength(objects.length);
    expect(parseAllDocuments(yaml).map((d) => d.toJS())).toEqual(objects);
  });

  it("warns where Envoy's first-match order and Gateway API's most-specific match differ", () => {
    const yaml = BASE.replace("routes:\n", "routes:\n  - { name: all, match: { prefix: / }, cluster: catalog, filters: [] }\n");
    const { warnings } = generateManifests(gatewayFrom(yaml));
    expect(warnings[1]).toBe(
      `route "all" (prefix "/") comes before route "catalog" (prefix "/catalog") and takes its requests in Envoy's first-match order; ` +
        `Gateway API picks the most specific match, so in Kubernetes "catalog" gets them`,
    );
    expect(warnings).toHaveLength(4);
  });
});

describe("problems are reported together, before anything is written", () => {
  it("a config that fails the filter's schema, a filter without image or url, a bad digest", () => {
    const gateway = gatewayFrom(BASE.replace("    url: https://files.example.com/headers.wasm\n", ""));
    // The loader checked digest and config already; a programmatic model can still carry bad ones.
    gateway.filters[0].code.imageDigest = "sha256:1234";
    gateway.filters[0].configValue = { issuer: 42, extra: true };
    let error: unknown;
    try {
      generateManifests(gateway);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).problems).toEqual([
      `filter "auth": image_digest "sha256:1234" is not sha256:<64 lower-case hex>`,
      `filter "auth": config must NOT have additional properties (schema ${gateway.filters[0].configSchema})`,
      `filter "auth": config.issuer must be string (schema ${gateway.filters[0].configSchema})`,
      `filter "headers": needs image (an OCI reference, e.g. registry.example.com/filters/x:v1) or url (where the cluster downloads the .wasm) for Kubernetes`,
    ]);
    expect((error as Error).message).toMatch(/^cannot generate Kubernetes manifests:\n {2}- filter "auth": image_digest/);
  });

  it("a path the Gateway API CEL rules refuse, and more than 16 filters on one route", () => {
    const gateway = gatewayFrom(BASE);
    gateway.routes[0].match = { prefix: "/a//b" };
    const many = Array.from({ length: 17 }, (_, i) => ({ ...gateway.filters[1], name: `f${i}` }));
    gateway.filters.push(...many);
    gateway.routes[1].filters = many.map((f) => f.name);
    expect(() => generateManifests(gateway)).toThrow(
      /route "orders": 17 filters, but an EnvoyExtensionPolicy holds at most 16[\s\S]*HTTPRoute\/catalog: spec\.rules\[0\]\.matches\[0\]\.path\.value: must not contain '\/\/' when type one of \['Exact', 'PathPrefix'\]/,
    );
  });

  it("a hostname an HTTPRoute cannot carry", () => {
    const gateway = gatewayFrom(BASE);
    gateway.routes[0].hostnames = ["shop.example.com:8443", "*.example.com"];
    expect(() => generateManifests(gateway)).toThrow(
      /route "catalog": hostname "shop\.example\.com:8443" is not a Gateway API hostname \(lower-case DNS name, optional leading "\*\.", no port or IP\)/,
    );
    gateway.routes[0].hostnames = ["*.example.com"];
    expectValid(generateManifests(gateway).objects);
  });

  it("a config that is not JSON", () => {
    const gateway = gatewayFrom(BASE);
    gateway.filters[1].configValue = undefined;
    gateway.filters[1].config = "plain text";
    expect(() => generateManifests(gateway)).toThrow(/filter "headers": config is not JSON; Envoy Gateway and Istio pass the configuration as JSON/);
  });
});

describe("Istio target", () => {
  it("writes HTTPRoutes and one WasmPlugin per filter, ordered by descending priority, beside the Gateway", () => {
    const { objects, warnings } = generateManifests(gatewayFrom(BASE), { target: "istio" });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "HTTPRoute/catalog", "HTTPRoute/orders", "HTTPRoute/health", "WasmPlugin/auth", "WasmPlugin/headers", "ReferenceGrant/proxyscript-from-shop",
    ]);
    expectValid(objects);
    const [auth, headers] = byKind(objects, "WasmPlugin");
    expect(auth.metadata.namespace).toBe("envoy-gateway-system");
    expect(auth.spec).toEqual({
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "eg" }],
      url: "oci://registry.example.com/filters/auth:v1",
      sha256: "ab".repeat(32),
      pluginName: "auth_root",
      pluginConfig: { issuer: "https://issuer.example", audiences: ["shop"] },
      phase: "UNSPECIFIED_PHASE",
      priority: 1000,
      failStrategy: "FAIL_CLOSE",
      type: "HTTP",
    });
    expect(headers.spec).toMatchObject({ url: "https://files.example.com/headers.wasm", priority: 999, failStrategy: "FAIL_OPEN" });
    expect(warnings).toEqual([
      `filter "auth" is not on route(s) "orders", "health", but Istio attaches a WasmPlugin to the whole Gateway "eg": it will run there too`,
      `filter "headers" is not on route(s) "health", but Istio attaches a WasmPlugin to the whole Gateway "eg": it will run there too`,
      ALLOWED_ROUTES_WARNING,
    ]);
  });
});

describe.skipIf(Boolean(crdsMissing))("the CRD schemas catch what they should (the validator is not a rubber stamp)", () => {
  it("unknown fields, wrong enum values, int-or-string and nullable handling", () => {
    const { objects } = generateManifests(gatewayFrom(BASE));
    const policy = structuredClone(objects[1]);
    (policy.spec.wasm as Array<Record<string, unknown>>)[0].failopen = true;
    ((policy.spec.wasm as Array<Record<string, unknown>>)[0].code as Record<string, unknown>).type = "ConfigMap2";
    const problems = crdValidator().validate(policy);
    expect(problems).toContain("EnvoyExtensionPolicy/catalog-wasm: /spec/wasm/0 must NOT have additional properties (failopen)");
    expect(problems.some((p) => p.startsWith("EnvoyExtensionPolicy/catalog-wasm: /spec/wasm/0/code/type must be equal to one of the allowed values"))).toBe(true);

    const route = structuredClone(objects[0]);
    (route.spec.rules as Array<Record<string, unknown>>)[0].timeouts = { request: "90 seconds" };
    expect(crdValidator().validate(route)).toEqual([`HTTPRoute/catalog: /spec/rules/0/timeouts/request must match pattern "^([0-9]{1,5}(h|m|s|ms)){1,4}$"`]);
    const wrongVersion = { ...objects[0], apiVersion: "gateway.networking.k8s.io/v9" };
    expect(crdValidator().validate(wrongVersion)).toEqual(["HTTPRoute/catalog: no served CRD version for gateway.networking.k8s.io/v9 HTTPRoute"]);
  });

  it("but not the CEL rules, which the code checks", async () => {
    const { envoyExtensionPolicyViolations } = await import("../../harness/kube/cel-rules.ts");
    const { objects } = generateManifests(gatewayFrom(BASE));
    const policy = structuredClone(objects[1]);
    policy.spec.targetRef = { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "catalog" };
    const code = (policy.spec.wasm as Array<{ code: Record<string, unknown> }>)[1].code;
    code.type = "Image";
    expect(crdValidator().validate(policy)).toEqual([]);
    expect(envoyExtensionPolicyViolations(policy)).toEqual([
      "EnvoyExtensionPolicy/catalog-wasm: spec: either targetRef or targetRefs must be used",
      "EnvoyExtensionPolicy/catalog-wasm: spec.wasm[1].code: If type is HTTP, http field needs to be set.",
      "EnvoyExtensionPolicy/catalog-wasm: spec.wasm[1].code: If type is Image, image field needs to be set.",
    ]);
  });
});

describe("CRD → JSON Schema conversion", () => {
  it("handles int-or-string, nullable and preserve-unknown-fields", async () => {
    const { crdJsonSchema } = await import("../../harness/kube/crd-json-schema.ts");
    const converted = crdJsonSchema(parse(`
      type: object
      properties:
        port: { x-kubernetes-int-or-string: true }
        note: { type: string, nullable: true, format: int32 }
        config: { x-kubernetes-preserve-unknown-fields: true }
        open: { type: object, properties: { a: { type: string } }, x-kubernetes-preserve-unknown-fields: true }
      x-kubernetes-validations: [{ rule: "true" }]
    `));
    expect(converted).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        port: { anyOf: [{ type: "integer" }, { type: "string" }] },
        note: { type: ["string", "null"] },
        config: {},
        open: { type: "object", properties: { a: { type: "string" } } },
      },
    });
  });
});
