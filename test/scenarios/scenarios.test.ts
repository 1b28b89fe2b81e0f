// Scenario files run over real HTTP: against the embedded proxy here, and against Envoy in Docker
// where an engine is available. A scenario whose expectations are wrong must fail.
import { existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerStatus } from "../../harness/envoy/docker.ts";
import { GatewayError } from "../../harness/gateway/errors.ts";
import { formatScenarioResult, loadScenario, mismatches, parseScenario, runScenario } from "../../harness/scenario/index.ts";
import { buildWasm } from "../support/build.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../..");

/** Runs the real CLI in a child process and returns its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "harness/cli/main.ts"), ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
const SCENARIO = path.join(here, "gatekeeper.scenario.yaml");
const PROXY_PRESENT = existsSync(path.join(here, "../../harness/proxy/index.ts"));

/** Builds the gateway's filters into the paths it names (build/<filter>.wasm beside it). */
async function buildGatewayFilters(): Promise<void> {
  const out = path.join(here, "gateway", "build");
  await mkdir(out, { recursive: true });
  const [gatekeeper, hello] = await Promise.all([buildWasm("test/scenarios/filters/gatekeeper.ts"), buildWasm("examples/hello/index.ts")]);
  await copyFile(gatekeeper, path.join(out, "gatekeeper.wasm"));
  await copyFile(hello, path.join(out, "hello.wasm"));
}

describe("scenario files", () => {
  it("load with defaults: GET, names, lower-case header names, body_contains as a list", async () => {
    const s = await loadScenario(SCENARIO);
    expect(s.name).toBe("gatekeeper and hello");
    expect(s.gateway).toBe(path.join(here, "gateway", "proxyscript.yaml"));
    expect(s.echo).toEqual(["backend"]);
    expect(s.requests[0]).toMatchObject({ method: "GET", path: "/api/items", headers: { "x-user": "alice" } });
    expect(s.requests[1]).toMatchObject({ method: "POST", body: "{}", expect: { status: 403, bodyContains: ["denied by gatekeeper"], headers: { absent: ["x-hello"] } } });
  });

  it("report schema errors with file:line:col and field path", () => {
    const text = "gateway: gateway/proxyscript.yaml\nrequests:\n  - path: api\n    expect: { status: 99 }\n";
    expect(() => parseScenario(text, path.join(here, "x.yaml"))).toThrow(GatewayError);
    try {
      parseScenario(text, "x.yaml");
    } catch (e) {
      expect((e as Error).message.split("\n")).toEqual([
        'x.yaml:3:11: requests[0].path: expected a path starting with "/", got "api"',
        "x.yaml:4:23: requests[0].expect.status: expected an HTTP status from 100 to 599, got 99",
      ]);
    }
  });

  it("report a gateway file that does not exist", () => {
    expect(() => parseScenario("gateway: nope.yaml\nrequests: [{ path: /, expect: {} }]\n", path.join(here, "s.yaml"))).toThrow(
      `s.yaml:1:10: gateway: gateway file not found: ${path.join(here, "nope.yaml")}`,
    );
  });
});

describe("expectations", () => {
  const response = { status: 200, headers: { "x-a": "1", "content-type": "application/json" }, body: JSON.stringify({ headers: { "x-up": "yes" } }) };

  it("pass when everything matches", () => {
    expect(mismatches(response, { status: 200, headers: { present: ["x-a"], absent: ["x-b"], equal: { "x-a": "1" } }, bodyContains: ['"x-up"'], upstreamHeaders: { equal: { "x-up": "yes" } } })).toEqual([]);
  });

  it("name every mismatch", () => {
    expect(mismatches(response, { status: 201, headers: { present: ["x-b"], absent: ["x-a"], equal: { "x-a": "2" } }, bodyContains: ["nope"], upstreamHeaders: { absent: ["x-up"] } })).toEqual([
      "status is 200, expected 201",
      "response header x-b is missing",
      'response header x-a is present ("1") but should be absent',
      'response header x-a is "1", expected "2"',
      `body does not contain "nope" (body: ${JSON.stringify(response.body)})`,
      'upstream request header x-up is present ("yes") but should be absent',
    ]);
    expect(mismatches({ ...response, body: "plain" }, { upstreamHeaders: { present: ["x"] } })[0]).toMatch(/not an echo upstream's JSON/);
  });

  it("read the echo container's JSON shape too", () => {
    const container = { ...response, body: JSON.stringify({ host: {}, request: { headers: { "x-up": "yes" } } }) };
    expect(mismatches(container, { upstreamHeaders: { equal: { "x-up": "yes" } } })).toEqual([]);
  });
});

describe("runScenario: embedded proxy", () => {
  beforeAll(async () => {
    if (!PROXY_PRESENT) console.warn("skipping embedded scenario runs: harness/proxy/index.ts does not exist yet");
    else await buildGatewayFilters();
  });

  it.skipIf(!PROXY_PRESENT)("runs the gatekeeper scenario over real HTTP and passes", async () => {
    const result = await runScenario(await loadScenario(SCENARIO), { runtime: "embedded" });
    expect(formatScenarioResult(result)).toBe(
      [
        "PASS gatekeeper and hello (embedded)",
        "  ok a guarded request passes the gatekeeper, reaches the upstream and gains x-hello",
        "  ok x-deny gets the gatekeeper's local 403, which never passes through the later hello filter",
        "  ok the open route skips the gatekeeper but still runs hello",
      ].join("\n"),
    );
    expect(result.requests[0].response?.status).toBe(200);
  });

  it.skipIf(!PROXY_PRESENT)("fails, naming each mismatch, when the expectations are wrong", async () => {
    const wrong = parseScenario(
      [
        "gateway: gateway/proxyscript.yaml",
        "echo: [backend]",
        "requests:",
        "  - name: wrong",
        "    path: /api",
        "    headers: { x-deny: '1' }",
        "    expect: { status: 200, headers: { present: [x-hello] }, upstream_headers: { present: [x-gatekeeper] } }",
      ].join("\n"),
      path.join(here, "wrong.scenario.yaml"),
    );
    const result = await runScenario(wrong, { runtime: "embedded" });
    expect(result.passed).toBe(false);
    expect(result.requests[0].failures).toEqual([
      "status is 403, expected 200",
      "response header x-hello is missing",
      "upstream_headers: the response is not an echo upstream's JSON (route the request to an `echo` cluster)",
    ]);
  });

  it.skipIf(!PROXY_PRESENT)("runtime url: the same scenario against a gateway that is already running", async () => {
    const { startProxy, startEchoServer } = await import("../../harness/proxy/index.ts");
    const { loadGateway } = await import("../../harness/gateway/load.ts");
    const echo = await startEchoServer();
    const gateway = await loadGateway(path.join(here, "gateway", "proxyscript.yaml"));
    gateway.clusters[0].endpoints = [{ host: "127.0.0.1", port: echo.port }];
    const proxy = await startProxy(gateway, { port: 0, address: "127.0.0.1" });
    try {
      const result = await runScenario(await loadScenario(SCENARIO), { runtime: "url", baseUrl: proxy.url });
      expect(formatScenarioResult(result)).toMatch(/^PASS gatekeeper and hello \(url\)/);
      await expect(runScenario(await loadScenario(SCENARIO), { runtime: "url" })).rejects.toThrow('runtime "url" needs a baseUrl');
    } finally {
      await proxy.close();
      await echo.close();
    }
  });

  it.skipIf(!PROXY_PRESENT)("an echo entry naming an unknown cluster is an error", async () => {
    const bad = parseScenario("gateway: gateway/proxyscript.yaml\necho: [nope]\nrequests: [{ path: /, expect: {} }]\n", path.join(here, "bad.yaml"));
    await expect(runScenario(bad, { runtime: "embedded" })).rejects.toThrow('echo names an unknown cluster "nope"');
  });
});

describe("proxyscript envoy scenario", () => {
  it.skipIf(!PROXY_PRESENT)("runs scenario files from the CLI: exit 0 when they pass, 2 when one fails", async () => {
    await buildGatewayFilters();
    const wrong = path.join(await mkdtemp(path.join(tmpdir(), "scenario-")), "wrong.scenario.yaml");
    await writeFile(wrong, `gateway: ${path.join(here, "gateway", "proxyscript.yaml")}\nrequests: [{ path: /api, headers: { x-deny: "1" }, expect: { status: 200 } }]\n`);
    const ok = await cli(["envoy", "scenario", SCENARIO, "--runtime", "embedded"]);
    expect(ok.stdout).toContain("PASS gatekeeper and hello (embedded)");
    expect(ok.code).toBe(0);
    const bad = await cli(["envoy", "scenario", wrong, "--runtime", "embedded"]);
    expect(bad.stdout).toContain("      status is 403, expected 200");
    expect(bad.stderr).toContain("proxyscript: 1 of 1 scenario failed");
    expect(bad.code).toBe(2);
  }, 300_000); // CLI processes; slow only on a loaded machine
});

describe("runScenario: Envoy in Docker", () => {
  let engine: Awaited<ReturnType<typeof dockerStatus>> | undefined;
  beforeAll(async () => {
    engine = await dockerStatus();
    if (!engine.ok) console.warn(`skipping Envoy scenario runs: ${engine.reason}`);
    else await buildGatewayFilters();
  });

  it("runs the same scenario in a real Envoy and passes", async (ctx) => {
    if (!engine?.ok) ctx.skip();
    const result = await runScenario(await loadScenario(SCENARIO), { runtime: "envoy" });
    expect(formatScenarioResult(result)).toMatch(/^PASS gatekeeper and hello \(envoy\)/);
  }, 300_000);
});
