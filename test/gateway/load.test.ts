import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../harness/cli/errors.ts";
import { GatewayError, loadGateway, parseGateway } from "../../harness/gateway/index.ts";
import { gatewayFolder, STUB_WASM } from "./gateway-files.ts";

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error("expected a GatewayError, nothing was thrown");
}

const FULL = `
listener: { address: 0.0.0.0, port: 8080 }
workers: 2
clusters:
  - name: backend
    url: http://127.0.0.1:9000
  - name: auth
    endpoints: ["auth.internal:8443", "[::1]:9443"]
    protocol: https
    connect_timeout: 250ms
    http2: true
routes:
  - name: api
    match: { prefix: /api, headers: [{ name: X-Env, exact: prod }, { name: x-debug }] }
    cluster: backend
    hostnames: [api.example.com]
    filters: [auth]
    timeout: 1.5s
  - name: rest
    cluster: backend
filters:
  - name: hello
    wasm: wasm/hello.wasm
    root_id: hello_root
    config: { greeting: hi, n: [1, 2] }
    vm_config: { mode: fast }
  - name: auth
    source: src/auth.ts
    image: registry.example.com/filters/auth:v1
    config: '{"issuer": "me"}'
    fail_open: true
kubernetes: { gateway: public, gateway_namespace: infra, namespace: apps }
`;

describe("parseGateway: a valid file", () => {
  const dir = gatewayFolder({ "wasm/hello.wasm": STUB_WASM, "src/auth.ts": "export {}\n" });
  const gw = parseGateway(FULL, dir);

  it("maps snake_case fields onto the model", () => {
    expect(gw.baseDir).toBe(dir);
    expect(gw.listener).toEqual({ address: "0.0.0.0", port: 8080 });
    expect(gw.workers).toBe(2);
    expect(gw.kubernetes).toEqual({ gatewayName: "public", gatewayNamespace: "infra", namespace: "apps" });
  });

  it("parses clusters from url and endpoints, with protocol and timeout", () => {
    expect(gw.clusters[0]).toEqual({ name: "backend", endpoints: [{ host: "127.0.0.1", port: 9000 }], protocol: "http", connectTimeoutMs: 5000 });
    expect(gw.clusters[1]).toEqual({
      name: "auth",
      endpoints: [{ host: "auth.internal", port: 8443 }, { host: "::1", port: 9443 }],
      protocol: "https",
      connectTimeoutMs: 250,
      http2: true,
    });
  });

  it("fills route defaults: prefix /, every filter, 15s timeout, lower-case header names", () => {
    expect(gw.routes[0]).toEqual({
      name: "api",
      match: { prefix: "/api", headers: [{ name: "x-env", exact: "prod" }, { name: "x-debug", present: true }] },
      cluster: "backend",
      hostnames: ["api.example.com"],
      filters: ["auth"],
      timeoutMs: 1500,
    });
    expect(gw.routes[1]).toEqual({ name: "rest", match: { prefix: "/" }, cluster: "backend", hostnames: [], filters: ["hello", "auth"], timeoutMs: 15000 });
  });

  it("serializes YAML config to JSON and keeps JSON strings as written", () => {
    const [hello, auth] = gw.filters;
    expect(hello.config).toBe('{"greeting":"hi","n":[1,2]}');
    expect(hello.configValue).toEqual({ greeting: "hi", n: [1, 2] });
    expect(hello.vmConfig).toBe('{"mode":"fast"}');
    expect(hello.rootId).toBe("hello_root");
    expect(hello.failOpen).toBe(false);
    expect(hello.code).toEqual({ wasm: path.join(dir, "wasm/hello.wasm") });
    expect(auth.config).toBe('{"issuer": "me"}');
    expect(auth.configValue).toEqual({ issuer: "me" });
    expect(auth.failOpen).toBe(true);
    expect(auth.rootId).toBe("");
    expect(auth.vmConfig).toBe("");
  });

  it("a filter with only a source gets build/<name>.wasm, which need not exist yet", () => {
    expect(gw.filters[1].code).toEqual({
      source: path.join(dir, "src/auth.ts"),
      wasm: path.join(dir, "build/auth.wasm"),
      image: "registry.example.com/filters/auth:v1",
    });
  });
});

describe("parseGateway: defaults", () => {
  it("a file with one cluster needs nothing else", () => {
    const gw = parseGateway("clusters: [{ name: up, endpoints: ['localhost:8081'] }]\n", "/tmp");
    expect(gw.listener).toEqual({ address: "127.0.0.1", port: 10000 });
    expect(gw.workers).toBe(1);
    expect(gw.filters).toEqual([]);
    expect(gw.routes).toEqual([{ name: "default", match: { prefix: "/" }, cluster: "up", hostnames: [], filters: [], timeoutMs: 15000 }]);
    expect(gw.kubernetes).toEqual({ gatewayName: "eg", gatewayNamespace: undefined, namespace: "default" });
  });

  it("an empty config string stays empty (Envoy's default), as `proxyscript run` without --config sends it", () => {
    const dir = gatewayFolder({ "f.wasm": STUB_WASM });
    const gw = parseGateway(JSON.stringify({ clusters: [{ name: "up", url: "http://127.0.0.1:1" }], filters: [{ name: "f", wasm: "f.wasm", config: "", vm_config: "" }] }), dir);
    expect(gw.filters[0].config).toBe("");
    expect(gw.filters[0].configValue).toBeUndefined();
  });

  it("an absent config is the empty JSON object", () => {
    const dir = gatewayFolder({ "f.wasm": STUB_WASM });
    const gw = parseGateway("clusters: [{ name: up, url: 'https://example.com' }]\nfilters: [{ name: f, wasm: f.wasm }]\n", dir);
    expect(gw.filters[0].config).toBe("{}");
    expect(gw.clusters[0]).toMatchObject({ protocol: "https", endpoints: [{ host: "example.com", port: 443 }] });
  });
});

describe("parseGateway: schema errors name file, line:col, field and expectation", () => {
  it("a port out of range", () => {
    const e = errorOf(() => parseGateway("listener:\n  port: 99999\nclusters: [{ name: a, url: 'http://x:1' }]\n", "/tmp", "gw.yaml"));
    expect(e.message).toBe("gw.yaml:2:9: listener.port: expected a port number from 0 to 65535, got 99999");
    expect(e).toBeInstanceOf(UserError);
    expect(e.exitCode).toBe(2);
  });

  it("an unknown field points at the key and lists the known ones", () => {
    const e = errorOf(() => parseGateway("clusters:\n  - name: a\n    url: http://x:1\n    timeout: 5s\n", "/tmp", "gw.yaml"));
    expect(e.message).toBe("gw.yaml:4:5: clusters[0].timeout: unknown field (expected one of: name, endpoints, url, protocol, connect_timeout, http2)");
  });

  it("a number where a duration is expected", () => {
    const e = errorOf(() => parseGateway("clusters:\n  - name: a\n    url: http://x:1\nroutes:\n  - cluster: a\n    timeout: 5\n", "/tmp", "gw.yaml"));
    expect(e.message).toBe('gw.yaml:6:14: routes[0].timeout: expected a duration like "5s" or "250ms", got 5');
  });

  it("a config that is a number", () => {
    const e = errorOf(() => parseGateway("clusters: [{ name: a, url: 'http://x:1' }]\nfilters:\n  - name: f\n    wasm: f.wasm\n    config: 12\n", "/tmp", "proxyscript.yaml"));
    expect(e.message).toBe("proxyscript.yaml:5:13: filters[0].config: expected an object or a JSON string, got 12");
  });

  it("a missing required field, and several problems at once", () => {
    const e = errorOf(() => parseGateway("workers: 0\nclusters:\n  - url: http://x:1\n", "/tmp", "gw.yaml"));
    expect(e.issues.map((i) => i.path)).toEqual(["workers", "clusters[0].name"]);
    expect(e.message).toContain("gw.yaml:3:5: clusters[0].name: is required");
    expect(e.message).toContain("gw.yaml:1:10: workers: expected a whole number of worker VMs from 1 to 256, got 0");
  });

  it("YAML syntax errors and duplicate keys", () => {
    expect(errorOf(() => parseGateway("clusters: [\n", "/tmp", "gw.yaml")).message).toMatch(/^gw\.yaml:\d+:\d+: /);
    expect(errorOf(() => parseGateway("workers: 1\nworkers: 2\nclusters: []\n", "/tmp", "gw.yaml")).message).toMatch(/^gw\.yaml:2:1: .*[Uu]nique/);
  });

  it("a document that expands without bound (billion laughs) is refused, not expanded", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const e = errorOf(() => parseGateway(lines.join("\n") + "\n", "/tmp", "gw.yaml"));
    expect(e.message).toMatch(/^gw\.yaml: cannot read the YAML: Excessive alias count/);
  });

  it("an empty file and a non-mapping", () => {
    expect(errorOf(() => parseGateway("", "/tmp", "gw.yaml")).message).toBe("gw.yaml: the file is empty; expected a mapping with listener, clusters, routes and filters");
    expect(errorOf(() => parseGateway("- a\n", "/tmp", "gw.yaml")).message).toBe(
      "gw.yaml:1:1: expected a mapping with listener, clusters, routes and filters, got a list",
    );
  });
});

describe("parseGateway: cross-checks", () => {
  const dir = gatewayFolder({ "f.wasm": STUB_WASM });

  it("routes must name declared clusters and filters, once each", () => {
    const text = [
      "clusters: [{ name: a, url: 'http://x:1' }]",
      "filters: [{ name: f, wasm: f.wasm }]",
      "routes:",
      "  - cluster: b",
      "    filters: [f, g, f]",
    ].join("\n");
    const e = errorOf(() => parseGateway(text, dir, "gw.yaml"));
    expect(e.message.split("\n")).toEqual([
      'gw.yaml:4:14: routes[0].cluster: unknown cluster "b" (declared: a)',
      'gw.yaml:5:18: routes[0].filters[1]: unknown filter "g" (declared: f)',
      'gw.yaml:5:21: routes[0].filters[2]: filter "f" is listed twice',
    ]);
  });

  it("a route may skip filters but not reorder them", () => {
    const text = "clusters: [{ name: a, url: 'http://x:1' }]\nfilters: [{ name: f, wasm: f.wasm }, { name: g, wasm: f.wasm }]\nroutes:\n  - cluster: a\n    filters: [g, f]\n";
    expect(errorOf(() => parseGateway(text, dir, "gw.yaml")).message).toBe(
      'gw.yaml:5:18: routes[0].filters[1]: filters run in the order they are declared under filters (Envoy has one chain per listener): list "f" before "g"',
    );
    expect(parseGateway(text.replace("[g, f]", "[g]"), dir).routes[0].filters).toEqual(["g"]);
  });

  it("names are unique per list", () => {
    const text = "clusters: [{ name: a, url: 'http://x:1' }, { name: a, url: 'http://y:1' }]\nroutes: [{ cluster: a }]\nfilters: [{ name: f, wasm: f.wasm }, { name: f, wasm: f.wasm }]\n";
    const e = errorOf(() => parseGateway(text, dir, "gw.yaml"));
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'clusters[1].name: duplicate name "a" (also clusters[0])',
      'filters[1].name: duplicate name "f" (also filters[0])',
    ]);
  });

  it("the wasm file must exist unless a source is given; one of them is needed", () => {
    const e = errorOf(() => parseGateway("clusters: [{ name: a, url: 'http://x:1' }]\nfilters:\n  - name: f\n    wasm: nope.wasm\n  - name: g\n", dir, "gw.yaml"));
    expect(e.message.split("\n")).toEqual([
      `gw.yaml:4:11: filters[0].wasm: wasm file not found: ${path.join(dir, "nope.wasm")}`,
      "gw.yaml:5:5: filters[1]: expected wasm (a .wasm path) or source (an AssemblyScript entry)",
    ]);
  });

  it("the listener address must be an IP address, as Envoy requires", () => {
    const e = errorOf(() => parseGateway("listener: { address: localhost }\nclusters: [{ name: a, url: 'http://x:1' }]\n", dir, "gw.yaml"));
    expect(e.message).toBe('gw.yaml:1:22: listener.address: expected an IP address such as 127.0.0.1, 0.0.0.0 or ::, got "localhost"');
    expect(parseGateway("listener: { address: '::1' }\nclusters: [{ name: a, url: 'http://x:1' }]\n", dir).listener.address).toBe("::1");
  });

  it("more than one cluster and no routes", () => {
    const e = errorOf(() => parseGateway("clusters: [{ name: a, url: 'http://x:1' }, { name: b, url: 'http://y:1' }]\n", dir, "gw.yaml"));
    expect(e.message).toBe("gw.yaml:1:1: routes is required when more than one cluster is declared (2 are)");
  });

  it("endpoints and url together, prefix and path together, url with a path", () => {
    const text = [
      "clusters:",
      "  - { name: a, url: 'http://x:1', endpoints: ['x:1'] }",
      "  - { name: b, url: 'http://x:1/api' }",
      "routes: [{ cluster: a, match: { prefix: /, path: /x } }]",
    ].join("\n");
    const e = errorOf(() => parseGateway(text, dir, "gw.yaml"));
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "clusters[0].url: give endpoints or url, not both",
      "clusters[1].url: expected only scheme, host and port (a cluster has no path; routes choose paths)",
      "routes[0].match.path: give prefix or path, not both",
    ]);
  });

  it("a config string that is not JSON", () => {
    const e = errorOf(() => parseGateway("clusters: [{ name: a, url: 'http://x:1' }]\nfilters: [{ name: f, wasm: f.wasm, config: '{bad' }]\n", dir, "gw.yaml"));
    expect(e.message).toMatch(/^gw\.yaml:2:44: filters\[0\]\.config: expected an object or a JSON string; the string is not JSON \(/);
  });
});

describe("filter configs: config_file and config schemas", () => {
  const schema = JSON.stringify({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    additionalProperties: false,
    required: ["rate"],
    properties: { rate: { type: "integer", minimum: 1 }, burst: { type: "integer" } },
  });
  const dir = gatewayFolder({
    "filters/rl/build/release.wasm": STUB_WASM,
    "filters/rl/config.schema.json": schema,
    "schemas/other.json": JSON.stringify({ type: "object", required: ["key"] }),
    "rl.yaml": "rate: 0\nburst: 3\n",
    "rl-ok.json": '{ "rate": 5 }',
    "broken.yaml": "rate: [\n",
  });
  const head = "clusters: [{ name: a, url: 'http://x:1' }]\nfilters:\n";

  it("finds config.schema.json beside the filter and points into the inline config", () => {
    const e = errorOf(() => parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config:\n      rate: 0\n      burts: 1\n", dir, "gw.yaml"));
    expect(e.message.split("\n")).toEqual([
      "gw.yaml:7:7: filters[0].config.burts: unknown field (expected one of: rate, burst) (schema config.schema.json)",
      "gw.yaml:6:13: filters[0].config.rate: must be >= 1, got 0 (schema config.schema.json)",
    ]);
  });

  it("accepts a valid config and records the schema it used", () => {
    const gw = parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config: { rate: 10 }\n", dir);
    expect(gw.filters[0].configSchema).toBe(path.join(dir, "filters/rl/config.schema.json"));
  });

  it("checks a JSON-string config, pointing at the string", () => {
    const e = errorOf(() => parseGateway(head + '  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config: \'{"burst": 1}\'\n', dir, "gw.yaml"));
    expect(e.message).toBe("gw.yaml:5:13: filters[0].config.rate: is required (schema config.schema.json)");
  });

  it("reads config_file (YAML or JSON) and reports errors in that file", () => {
    const e = errorOf(() => parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config_file: rl.yaml\n", dir, "gw.yaml"));
    expect(e.message).toBe(`${path.join(dir, "rl.yaml")}:1:7: rate: must be >= 1, got 0 (schema config.schema.json)`);
    const gw = parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config_file: rl-ok.json\n", dir);
    expect(gw.filters[0].config).toBe('{"rate":5}');
    expect(gw.filters[0].configValue).toEqual({ rate: 5 });
  });

  it("a broken or missing config_file, and config with config_file", () => {
    expect(errorOf(() => parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config_file: broken.yaml\n", dir)).message).toMatch(
      new RegExp(`^${path.join(dir, "broken.yaml")}:\\d+:\\d+: `),
    );
    expect(errorOf(() => parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config_file: none.yaml\n", dir, "gw.yaml")).message).toBe(
      `gw.yaml:5:18: filters[0].config_file: config file not found: ${path.join(dir, "none.yaml")}`,
    );
    expect(
      errorOf(() => parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config: {rate: 1}\n    config_file: rl-ok.json\n", dir, "gw.yaml")).message,
    ).toBe("gw.yaml:6:18: filters[0].config_file: give config or config_file, not both");
  });

  it("an empty config string is checked as {} against the filter's schema", () => {
    const e = errorOf(() => parseGateway(head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config: ''\n", dir, "gw.yaml"));
    expect(e.message).toBe("gw.yaml:5:13: filters[0].config.rate: is required (schema config.schema.json)");
  });

  it("config_schema names a schema explicitly (draft-07 here)", () => {
    const text = head + "  - name: rl\n    wasm: filters/rl/build/release.wasm\n    config_schema: schemas/other.json\n    config: { rate: 3 }\n";
    expect(errorOf(() => parseGateway(text, dir, "gw.yaml")).message).toBe("gw.yaml:6:13: filters[0].config.key: is required (schema other.json)");
  });
});

describe("loadGateway", () => {
  it("reads a file and resolves paths against its folder", async () => {
    const dir = gatewayFolder({ "gw/proxyscript.yaml": "clusters: [{ name: a, url: 'http://x:1' }]\nfilters: [{ name: f, wasm: ../f.wasm }]\n", "f.wasm": STUB_WASM });
    const gw = await loadGateway(path.join(dir, "gw/proxyscript.yaml"));
    expect(gw.baseDir).toBe(path.join(dir, "gw"));
    expect(gw.filters[0].code.wasm).toBe(path.join(dir, "f.wasm"));
  });

  it("names the file in errors, and reports a missing file", async () => {
    const dir = gatewayFolder({ "bad.yaml": "workers: two\nclusters: [{ name: a, url: 'http://x:1' }]\n" });
    await expect(loadGateway(path.join(dir, "bad.yaml"))).rejects.toThrow(`${path.join(dir, "bad.yaml")}:1:10: workers: expected a whole number`);
    await expect(loadGateway(path.join(dir, "none.yaml"))).rejects.toThrow(`${path.join(dir, "none.yaml")}: gateway file not found`);
  });
});
