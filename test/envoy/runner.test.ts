// The Docker runner's flow, driven through a stand-in `docker` command on PATH (this machine has
// no engine): which compose commands run, in which order, with which project and file; waiting for
// the admin /ready; and the bounded, precise failures.
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../harness/cli/errors.ts";
import { dockerStatus, run } from "../../harness/envoy/docker.ts";
import { envoyDown, envoyStatus, envoyUp, waitForReady } from "../../harness/envoy/runner.ts";
import { parseGateway } from "../../harness/gateway/index.ts";
import { gatewayFolder, STUB_WASM } from "../gateway/gateway-files.ts";
import { FakeDocker, HEALTHY_DOCKER } from "./fake-docker.ts";

const dir = gatewayFolder({ "hello.wasm": STUB_WASM });
const docker = new FakeDocker(dir);
const originalDockerHost = process.env.DOCKER_HOST;
const fakeDocker = (body: string) => docker.install(body);

let admin: http.Server;
let adminPort: number;
let ready = true;

beforeAll(async () => {
  delete process.env.DOCKER_HOST;
  admin = http.createServer((req, res) => {
    res.writeHead(req.url === "/ready" && ready ? 200 : 503).end(ready ? "LIVE\n" : "PRE_INITIALIZING\n");
  });
  await new Promise<void>((r) => admin.listen(0, "127.0.0.1", () => r()));
  adminPort = (admin.address() as AddressInfo).port;
});
afterAll(async () => {
  docker.uninstall();
  if (originalDockerHost !== undefined) process.env.DOCKER_HOST = originalDockerHost;
  admin.closeAllConnections();
  await new Promise<void>((r) => admin.close(() => r()));
});
afterEach(() => {
  docker.clearCalls();
  ready = true;
});

const gateway = parseGateway("listener: { port: 18081 }\nworkers: 2\nclusters: [{ name: up, url: 'http://127.0.0.1:9000' }]\nfilters: [{ name: hello, wasm: hello.wasm }]\n", dir);

describe("run", () => {
  it("reports a missing command as 127 and a timeout as 124, without throwing", async () => {
    expect((await run("proxyscript-no-such-command", [])).code).toBe(127);
    const slow = await run("sleep", ["5"], { timeoutMs: 200 });
    expect(slow.code).toBe(124);
    expect(slow.stderr).toContain("no answer within 200 ms");
  });
});

describe("dockerStatus", () => {
  it("is ok when the engine answers", async () => {
    fakeDocker(HEALTHY_DOCKER);
    expect(await dockerStatus()).toEqual({ ok: true, serverVersion: "28.2.2" });
  });

  it("gives up on an engine that hangs, within the time limit", async () => {
    fakeDocker("exec sleep 10");
    const started = Date.now();
    const status = await dockerStatus(500);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(status).toEqual({ ok: false, reason: expect.stringMatching(/^the Docker engine does not answer \(.*no answer within 500 ms\)$/) });
  });

  it("passes the engine's own complaint on", async () => {
    process.env.DOCKER_HOST = "tcp://127.0.0.1:1";
    fakeDocker('echo "Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?" >&2; exit 1');
    try {
      expect(await dockerStatus()).toEqual({ ok: false, reason: "the Docker engine does not answer (Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?)" });
    } finally {
      delete process.env.DOCKER_HOST;
    }
  });
});

describe("envoy up / status / down through docker compose", () => {
  const outDir = path.join(dir, "project");

  it("up: writes the project, runs compose up for it, waits for /ready and returns the URLs", async () => {
    fakeDocker(HEALTHY_DOCKER);
    const state = await envoyUp(gateway, { outDir, adminPort, readyTimeoutMs: 5000 });
    expect(state).toMatchObject({ url: "http://127.0.0.1:18081", adminUrl: `http://127.0.0.1:${adminPort}`, file: path.join(outDir, "compose.yaml") });
    expect(existsSync(path.join(outDir, "envoy.yaml"))).toBe(true);
    const calls = docker.calls();
    expect(calls).toEqual(["info --format {{.ServerVersion}}", "compose version", `compose -p ${state.project} -f ${state.file} up -d --remove-orphans --force-recreate`]);
  });

  it("status: containers from compose ps, readiness from /ready", async () => {
    fakeDocker(HEALTHY_DOCKER);
    const status = await envoyStatus(outDir);
    expect(status).toMatchObject({ ready: true, containers: [{ service: "envoy", state: "running" }] });
  });

  it("status: an old Compose that cannot print JSON is one clear error", async () => {
    fakeDocker(HEALTHY_DOCKER.replace(`*" ps "*) echo '[{"Service":"envoy","State":"running"}]' ;;`, '*" ps "*) echo "Name   Command   State   Ports" ;;'));
    await expect(envoyStatus(outDir)).rejects.toThrow("`docker compose ps --format json` printed something other than JSON; Docker Compose v2 is needed");
  });

  it("up: an Envoy that never becomes ready is reported with its logs", async () => {
    fakeDocker(HEALTHY_DOCKER.replace('*) ;;\n    esac', '*" logs "*) echo "envoy-1  | [critical] error initializing config" ;;\n      *) ;;\n    esac'));
    ready = false;
    const err = await envoyUp(gateway, { outDir, adminPort, readyTimeoutMs: 600 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(`Envoy did not become ready at http://127.0.0.1:${adminPort}/ready; its last log lines:`);
    expect((err as Error).message).toContain("[critical] error initializing config");
  });

  it("up: a failing compose up is one clear error", async () => {
    fakeDocker(HEALTHY_DOCKER.replace('*) ;;\n    esac', '*" up "*) echo "Error response from daemon: pull access denied for envoyproxy/envoy" >&2; exit 1 ;;\n      *) ;;\n    esac'));
    await expect(envoyUp(gateway, { outDir, adminPort })).rejects.toThrow("docker compose up failed: Error response from daemon: pull access denied for envoyproxy/envoy");
  });

  it("down: runs compose down for the same project and forgets it", async () => {
    fakeDocker(HEALTHY_DOCKER);
    const state = JSON.parse(readFileSync(path.join(outDir, "state.json"), "utf8"));
    await envoyDown(outDir);
    expect(docker.calls().pop()).toBe(`compose -p ${state.project} -f ${state.file} down --remove-orphans --volumes --timeout 5`);
    expect(existsSync(path.join(outDir, "state.json"))).toBe(false);
    await expect(envoyDown(outDir)).rejects.toThrow(/no Envoy project in/);
  });

  it("waitForReady gives up after its time limit", async () => {
    ready = false;
    const started = Date.now();
    expect(await waitForReady(`http://127.0.0.1:${adminPort}`, 400)).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
