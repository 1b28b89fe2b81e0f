// The "envoy" runtime's wiring without a Docker engine: a stand-in `docker` records the compose
// calls, and the embedded proxy stands in for the Envoy container on the listener port. Checks that
// the scenario's echo clusters reach `up`, requests go to the published listener, and `down` always
// follows — also when every request fails.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadGateway } from "../../harness/gateway/load.ts";
import { formatScenarioResult, loadScenario, runScenario } from "../../harness/scenario/index.ts";
import { buildWasm } from "../support/build.ts";
import { FakeDocker, HEALTHY_DOCKER } from "../envoy/fake-docker.ts";
import { gatewayFolder } from "../gateway/gateway-files.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const PROXY_PRESENT = existsSync(path.join(here, "../../harness/proxy/index.ts"));
if (!PROXY_PRESENT) console.warn("skipping the envoy-runtime wiring test: harness/proxy/index.ts does not exist yet");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = http.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!PROXY_PRESENT)("runScenario with runtime envoy (stand-in docker)", () => {
  const dir = gatewayFolder({});
  const docker = new FakeDocker(dir);
  const originalDockerHost = process.env.DOCKER_HOST;
  let admin: http.Server;
  let adminPort: number;
  let listenerPort: number;
  let gatewayFile: string;

  beforeAll(async () => {
    delete process.env.DOCKER_HOST;
    // Keep a copy of the project `up` was given: it lives in a temporary folder removed afterwards.
    docker.install(`[ "$1 $2" = "compose -p" ] && [ "$6" = "up" ] && cp "$(dirname "$5")"/*.yaml ${JSON.stringify(dir)}/seen/\n${HEALTHY_DOCKER}`);
    await mkdir(path.join(dir, "seen"), { recursive: true });
    admin = http.createServer((_req, res) => res.writeHead(200).end("LIVE\n"));
    await new Promise<void>((r) => admin.listen(0, "127.0.0.1", () => r()));
    adminPort = (admin.address() as AddressInfo).port;
    listenerPort = await freePort();
    const [gatekeeper, hello] = await Promise.all([buildWasm("test/scenarios/filters/gatekeeper.ts"), buildWasm("examples/hello/index.ts")]);
    gatewayFile = path.join(dir, "proxyscript.yaml");
    await writeFile(
      gatewayFile,
      [
        `listener: { port: ${listenerPort} }`,
        "clusters: [{ name: backend, url: 'http://127.0.0.1:9' }]",
        "routes:",
        "  - { name: open, match: { prefix: /open }, cluster: backend, filters: [hello] }",
        "  - { name: guarded, cluster: backend }",
        "filters:",
        `  - { name: gatekeeper, wasm: ${JSON.stringify(gatekeeper)} }`,
        `  - { name: hello, wasm: ${JSON.stringify(hello)} }`,
      ].join("\n"),
    );
  });
  afterAll(async () => {
    docker.uninstall();
    if (originalDockerHost !== undefined) process.env.DOCKER_HOST = originalDockerHost;
    admin.closeAllConnections();
    await new Promise<void>((r) => admin.close(() => r()));
  });

  /** What Envoy would be: the same gateway, its echo cluster served by an echo server. */
  async function startStandIn() {
    const { startProxy, startEchoServer } = await import("../../harness/proxy/index.ts");
    const echo = await startEchoServer();
    const gateway = await loadGateway(gatewayFile);
    gateway.clusters[0].endpoints = [{ host: "127.0.0.1", port: echo.port }];
    const proxy = await startProxy(gateway, { port: listenerPort, address: "127.0.0.1" });
    return { close: async () => (await proxy.close(), await echo.close()) };
  }

  it("brings the project up with the echo cluster, sends the requests to the listener, and takes it down", async () => {
    const scenario = { ...(await loadScenario(path.join(here, "gatekeeper.scenario.yaml"))), gateway: gatewayFile };
    const standIn = await startStandIn();
    docker.clearCalls();
    let result;
    try {
      result = await runScenario(scenario, { runtime: "envoy", adminPort });
    } finally {
      await standIn.close();
    }
    expect(formatScenarioResult(result)).toMatch(/^PASS gatekeeper and hello \(envoy\)/);
    const calls = docker.calls();
    const up = calls.find((c) => / up -d /.test(c))!;
    const [, project, composeFile] = /^compose -p (\S+) -f (\S+) up -d/.exec(up)!;
    expect(calls[calls.length - 1]).toBe(`compose -p ${project} -f ${composeFile} down --remove-orphans --volumes --timeout 5`);
    // The compose project lived in a temporary folder that is gone afterwards.
    expect(existsSync(path.dirname(composeFile))).toBe(false);
    // It served the scenario's echo cluster from the echo container.
    const composeDoc = parseYaml(await readFile(path.join(dir, "seen", "compose.yaml"), "utf8"));
    expect(Object.keys(composeDoc.services)).toEqual(["envoy", "echo"]);
    const envoyDoc = parseYaml(await readFile(path.join(dir, "seen", "envoy.yaml"), "utf8"));
    expect(envoyDoc.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: "echo", port_value: 80 });
  });

  it("still takes the project down when every request fails", async () => {
    const scenario = { ...(await loadScenario(path.join(here, "gatekeeper.scenario.yaml"))), gateway: gatewayFile };
    docker.clearCalls();
    const result = await runScenario(scenario, { runtime: "envoy", adminPort, requestTimeoutMs: 2000 });
    expect(result.passed).toBe(false);
    expect(result.requests[0].failures[0]).toMatch(/^request failed: .*ECONNREFUSED/);
    expect(docker.calls().pop()).toMatch(/ down --remove-orphans --volumes --timeout 5$/);
  });
});
