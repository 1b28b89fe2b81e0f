// Every generated bootstrap is checked against Envoy's own .proto definitions (strict proto3 JSON,
// typed Any configs, PGV rules) and Envoy's cross-reference rules.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { envoyBootstrap, httpFilterName } from "../../harness/envoy/bootstrap.ts";
import { checkBootstrap, renderEnvoyYaml, validBootstrap } from "../../harness/envoy/envoy-yaml.ts";
import { EnvoyConfigError, validateEnvoyConfig } from "../../harness/envoy/validate.ts";
import { parseGateway } from "../../harness/gateway/index.ts";
import { gatewayFolder, STUB_WASM } from "../gateway/gateway-files.ts";

const dir = gatewayFolder({ "hello.wasm": STUB_WASM, "auth.wasm": STUB_WASM, "rl.wasm": STUB_WASM });

const GATEWAY = `
listener: { port: 10000 }
workers: 3
clusters:
  - name: backend
    url: http://127.0.0.1:9000
  - name: authz
    endpoints: ["authz.internal:8443"]
    protocol: https
    connect_timeout: 250ms
  - name: tokens
    url: http://tokens.internal:8080
  - name: grpc-authz
    url: http://127.0.0.1:9090
    http2: true
routes:
  - name: admin
    match: { path: /admin, headers: [{ name: x-admin, exact: "yes" }, { name: x-trace }] }
    cluster: backend
    hostnames: [admin.example.com]
    filters: [auth]
  - name: public
    match: { prefix: /public }
    cluster: backend
    filters: []
    timeout: 2.5s
  - name: everything
    cluster: backend
filters:
  - name: hello
    wasm: hello.wasm
    root_id: hello_root
    config: { greeting: hi }
    vm_config: { mode: debug }
  - name: auth
    wasm: auth.wasm
    config: '{"issuer":"me","cluster":"tokens"}'
    fail_open: true
  - name: rl
    wasm: rl.wasm
`;
const gateway = parseGateway(GATEWAY, dir);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const hcmOf = (b: Json): Json => b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

describe("envoy bootstrap from a gateway", () => {
  const bootstrap = envoyBootstrap(gateway) as Json;
  const hcm = hcmOf(bootstrap);

  it("passes Envoy's API definitions with no errors and no deprecated fields", () => {
    const result = checkBootstrap(bootstrap);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it("puts admin on loopback and the listener where the gateway says", () => {
    expect(bootstrap.admin.address.socket_address).toEqual({ address: "127.0.0.1", port_value: 9901 });
    expect(bootstrap.static_resources.listeners[0].address.socket_address).toEqual({ address: "127.0.0.1", port_value: 10000 });
  });

  it("chains every filter as envoy.filters.http.wasm, in order, before the router", () => {
    expect(hcm.http_filters.map((f: Json) => f.name)).toEqual(["proxyscript.hello", "proxyscript.auth", "proxyscript.rl", "envoy.filters.http.router"]);
    const [hello, auth] = hcm.http_filters.map((f: Json) => f.typed_config);
    expect(hello).toEqual({
      "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
      config: {
        name: "hello",
        root_id: "hello_root",
        vm_config: {
          vm_id: "hello",
          runtime: "envoy.wasm.runtime.v8",
          code: { local: { filename: `${dir}/hello.wasm` } },
          configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: '{"mode":"debug"}' },
        },
        configuration: { "@type": "type.googleapis.com/google.protobuf.StringValue", value: '{"greeting":"hi"}' },
        fail_open: false,
      },
    });
    expect(auth.config.fail_open).toBe(true);
    expect(auth.config.configuration.value).toBe('{"issuer":"me","cluster":"tokens"}');
    expect(auth.config.vm_config.configuration).toBeUndefined();
  });

  it("switches unlisted filters off per route with FilterConfig{disabled: true}", () => {
    const anyHost = hcm.route_config.virtual_hosts.find((v: Json) => v.domains[0] === "*");
    const byName = Object.fromEntries(anyHost.routes.map((r: Json) => [r.name, r]));
    const disabled = { "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", disabled: true };
    expect(byName.public.typed_per_filter_config).toEqual({ "proxyscript.hello": disabled, "proxyscript.auth": disabled, "proxyscript.rl": disabled });
    expect(byName.everything.typed_per_filter_config).toBeUndefined();
    const adminHost = hcm.route_config.virtual_hosts.find((v: Json) => v.domains[0] === "admin.example.com");
    expect(adminHost.routes[0].typed_per_filter_config).toEqual({ "proxyscript.hello": disabled, "proxyscript.rl": disabled });
  });

  it("routes: matches, header matchers, timeouts; hostname routes get their own virtual host", () => {
    const [adminHost, anyHost] = hcm.route_config.virtual_hosts;
    expect(adminHost.domains).toEqual(["admin.example.com"]);
    expect([adminHost.name, anyHost.name]).toEqual(["host-admin.example.com", "any-host"]);
    expect(adminHost.routes.map((r: Json) => r.name)).toEqual(["admin", "public", "everything"]);
    expect(anyHost.routes.map((r: Json) => r.name)).toEqual(["public", "everything"]);
    expect(adminHost.routes[0].match).toEqual({
      path: "/admin",
      headers: [{ name: "x-admin", string_match: { exact: "yes" } }, { name: "x-trace", present_match: true }],
    });
    expect(anyHost.routes[0].route).toEqual({ cluster: "backend", timeout: "2.500s" });
    expect(anyHost.routes[1]).toMatchObject({ match: { prefix: "/" }, route: { cluster: "backend", timeout: "15s" } });
  });

  it("declares every cluster, including ones only filters call through http_call", () => {
    const clusters = bootstrap.static_resources.clusters;
    expect(clusters.map((c: Json) => c.name)).toEqual(["backend", "authz", "tokens", "grpc-authz"]);
    expect(clusters[0]).toMatchObject({ type: "STATIC", connect_timeout: "5s" });
    expect(clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: "127.0.0.1", port_value: 9000 });
    expect(clusters[1]).toMatchObject({ type: "STRICT_DNS", connect_timeout: "0.250s", dns_lookup_family: "V4_PREFERRED" });
    expect(clusters[1].transport_socket.typed_config).toMatchObject({
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
      sni: "authz.internal",
    });
    expect(clusters[2].transport_socket).toBeUndefined();
    expect(clusters[2].typed_extension_protocol_options).toBeUndefined();
    expect(clusters[3].typed_extension_protocol_options).toEqual({
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        explicit_http_config: { http2_protocol_options: {} },
      },
    });
  });

  it("container options: module paths, bind addresses and upstream host rewriting", () => {
    const b = envoyBootstrap(gateway, {
      wasmPath: (f) => `/etc/proxyscript/wasm/${f.name}.wasm`,
      adminAddress: "0.0.0.0",
      listenerAddress: "0.0.0.0",
      upstreamHost: (h) => (h === "127.0.0.1" ? "host.docker.internal" : h),
    }) as Json;
    expect(checkBootstrap(b).errors).toEqual([]);
    expect(hcmOf(b).http_filters[0].typed_config.config.vm_config.code.local.filename).toBe("/etc/proxyscript/wasm/hello.wasm");
    expect(b.static_resources.clusters[0]).toMatchObject({ type: "STRICT_DNS" });
    expect(b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address).toBe("host.docker.internal");
  });

  it("a gateway without filters still has the router, and validates", () => {
    const plain = parseGateway("clusters: [{ name: up, url: 'http://localhost:8081' }]\n", dir);
    const b = validBootstrap(plain) as Json;
    expect(hcmOf(b).http_filters.map((f: Json) => f.name)).toEqual(["envoy.filters.http.router"]);
    expect(httpFilterName({ name: "x" })).toBe("proxyscript.x");
  });

  it("renders YAML that reads back to the same bootstrap, with the concurrency to run it with", () => {
    const text = renderEnvoyYaml(gateway);
    expect(text).toContain("--concurrency 3");
    expect(parse(text)).toEqual(bootstrap);
  });
});

describe("the validator catches what Envoy would refuse", () => {
  const good = envoyBootstrap(gateway) as Json;
  const errorsAfter = (mutate: (b: Json) => void) => {
    const b = clone(good);
    mutate(b);
    return checkBootstrap(b).errors;
  };
  const wasmOf = (b: Json, i = 0) => hcmOf(b).http_filters[i].typed_config;

  it.each([
    ["an unknown field", (b: Json) => (b.static_resources.clusters[0].conect_timeout = "1s"), "static_resources.clusters[0].conect_timeout", /unknown field in envoy\.config\.cluster\.v3\.Cluster/],
    ["a wrong type", (b: Json) => (b.admin.address.socket_address.port_value = "ninety"), "admin.address.socket_address.port_value", /expected a uint32 integer/],
    ["a bad enum value", (b: Json) => (b.static_resources.clusters[0].lb_policy = "ROUND_ROBINS"), "static_resources.clusters[0].lb_policy", /expected one of ROUND_ROBIN, LEAST_REQUEST/],
    ["a malformed duration", (b: Json) => (b.static_resources.clusters[1].connect_timeout = 250), "static_resources.clusters[1].connect_timeout", /expected a duration string/],
    ["a port out of range (PGV lte)", (b: Json) => (b.admin.address.socket_address.port_value = 70000), "admin.address.socket_address.port_value", /must be at most 65535/],
    ["an empty cluster name (PGV min_len)", (b: Json) => (b.static_resources.clusters[2].name = ""), "static_resources.clusters[2].name", /at least 1 characters/],
    ["a missing required message (PGV required)", (b: Json) => delete hcmOf(b).route_config.virtual_hosts[1].routes[0].match, "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[1].routes[0].match", /is required/],
    ["two members of a oneof", (b: Json) => (hcmOf(b).route_config.virtual_hosts[1].routes[0].match.path = "/x"), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[1].routes[0].match.path", /only one of/],
    ["an unknown field inside a typed Any (the wasm filter)", (b: Json) => (wasmOf(b).config.failOpen2 = true), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.config.failOpen2", /unknown field in envoy\.extensions\.wasm\.v3\.PluginConfig/],
    ["a wrong type inside a StringValue in an Any", (b: Json) => (wasmOf(b).config.configuration.value = { greeting: "hi" }), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.config.configuration.value", /expected a string/],
    ["an unknown @type", (b: Json) => (wasmOf(b)["@type"] = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasmm"), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.@type", /unknown type/],
    ["a route to a missing cluster", (b: Json) => (hcmOf(b).route_config.virtual_hosts[1].routes[0].route.cluster = "nope"), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[1].routes[0].route.cluster", /unknown cluster "nope"/],
    ["the router not last", (b: Json) => hcmOf(b).http_filters.reverse(), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters", /must be envoy\.filters\.http\.router/],
    ["two virtual hosts with one name", (b: Json) => (hcmOf(b).route_config.virtual_hosts[1].name = "host-admin.example.com"), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts", /virtual host name "host-admin\.example\.com" is used twice/],
    ["one domain in two virtual hosts", (b: Json) => (hcmOf(b).route_config.virtual_hosts[1].domains = ["admin.example.com"]), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[1].domains", /also served by virtual_hosts\[0\]/],
    ["a per-route config for a filter not in the chain", (b: Json) => hcmOf(b).http_filters.splice(2, 1), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].typed_per_filter_config.proxyscript.rl", /no HTTP filter named/],
  ])("%s", (_what, mutate, path, message) => {
    const errors = errorsAfter(mutate);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("checks the other PGV rules Envoy's API uses: header-name regexes, required Any, bool const", () => {
    const b = clone(good);
    hcmOf(b).route_config.virtual_hosts[0].routes[0].match.headers[0].name = "x-admin\nInjected: 1";
    expect(checkBootstrap(b).errors).toEqual([
      {
        path: "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].match.headers[0].name",
        message: "is not a valid header name",
      },
    ]);
    expect(validateEnvoyConfig({ name: "ext" }, "envoy.config.core.v3.TypedExtensionConfig").errors).toEqual([{ path: "typed_config", message: "is required" }]);
    expect(validateEnvoyConfig({ disabled: false }, "envoy.extensions.filters.http.lua.v3.LuaPerRoute").errors).toEqual([{ path: "disabled", message: "must be true" }]);
    expect(validateEnvoyConfig({ disabled: true }, "envoy.extensions.filters.http.lua.v3.LuaPerRoute").errors).toEqual([]);
  });

  it("looks inside a TypedStruct at the message it carries", () => {
    const typedStruct = (value: Json) => ({
      "@type": "type.googleapis.com/xds.type.v3.TypedStruct",
      type_url: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
      value,
    });
    expect(validateEnvoyConfig(typedStruct({ suppress_envoy_headers: true }), "google.protobuf.Any").errors).toEqual([]);
    expect(validateEnvoyConfig(typedStruct({ suppress_envoy_headerz: true }), "google.protobuf.Any").errors).toEqual([
      { path: "value.suppress_envoy_headerz", message: "unknown field in envoy.extensions.filters.http.router.v3.Router" },
    ]);
  });

  it("checks any Envoy message type by name, and reports deprecated fields as warnings", () => {
    const result = validateEnvoyConfig({ name: "c", hosts: [{ socket_address: { address: "1.2.3.4", port_value: 1 } }], max_requests_per_connection: 5 }, "envoy.config.cluster.v3.Cluster");
    expect(result.errors.map((e) => e.path)).toEqual(["hosts"]);
    expect(result.warnings).toEqual([{ path: "max_requests_per_connection", message: "deprecated field of envoy.config.cluster.v3.Cluster" }]);
    expect(validateEnvoyConfig({ "@type": "type.googleapis.com/google.protobuf.StringValue", value: "x" }, "google.protobuf.Any").errors).toEqual([]);
  });

  it("validBootstrap throws EnvoyConfigError naming each problem", () => {
    const bad = parseGateway(GATEWAY, dir);
    bad.clusters[0].connectTimeoutMs = 0;
    expect(() => validBootstrap(bad)).toThrow(EnvoyConfigError);
    expect(() => validBootstrap(bad)).toThrow(/static_resources\.clusters\[0\]\.connect_timeout: must be longer than 0s/);
  });
});
