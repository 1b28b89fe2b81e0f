// Runs a scenario's requests over real HTTP against the embedded proxy or Envoy in Docker, and
// reports, per request, what did not match.
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserError } from "../cli/errors.ts";
import { loadGateway } from "../gateway/load.ts";
import type { Gateway } from "../gateway/model.ts";
import { mismatches, type ObservedResponse } from "./expect.ts";
import type { Scenario, ScenarioRequest } from "./model.ts";

/** "url": send to an already running gateway at `baseUrl` (nothing is started or rewired). */
export type Runtime = "embedded" | "envoy" | "url";

export interface RunOptions {
  runtime: Runtime;
  /** Envoy image for the "envoy" runtime. */
  envoyImage?: string;
  /** Host port for Envoy's admin interface (runtime "envoy"). Default 9901. */
  adminPort?: number;
  /** For runtime "url": where the running gateway listens. */
  baseUrl?: string;
  /** Per-request time limit. Default 10 s. */
  requestTimeoutMs?: number;
}

export interface RequestResult {
  name: string;
  response?: ObservedResponse;
  failures: string[];
}

export interface ScenarioResult {
  scenario: string;
  runtime: Runtime;
  passed: boolean;
  requests: RequestResult[];
}

/** Sends one request with node:http (so Host and every header go out exactly as written). */
export function send(baseUrl: string, request: Pick<ScenarioRequest, "method" | "path" | "headers" | "body">, timeoutMs = 10_000): Promise<ObservedResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers: request.headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(request.body);
  });
}

async function runRequests(baseUrl: string, scenario: Scenario, options: RunOptions): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  for (const request of scenario.requests) {
    try {
      const response = await send(baseUrl, request, options.requestTimeoutMs);
      results.push({ name: request.name, response, failures: mismatches(response, request.expect) });
    } catch (err) {
      results.push({ name: request.name, failures: [`request failed: ${(err as Error).message}`] });
    }
  }
  return results;
}

function checkEchoClusters(gateway: Gateway, scenario: Scenario): void {
  for (const name of scenario.echo) {
    if (!gateway.clusters.some((c) => c.name === name)) {
      throw new UserError(`${scenario.file || scenario.name}: echo names an unknown cluster "${name}" (declared: ${gateway.clusters.map((c) => c.name).join(", ")})`);
    }
  }
}

async function runEmbedded(gateway: Gateway, scenario: Scenario, options: RunOptions): Promise<RequestResult[]> {
  const { startProxy, startEchoServer } = await import("../proxy/index.ts");
  const echo = scenario.echo.length ? await startEchoServer() : undefined;
  try {
    const routed: Gateway = {
      ...gateway,
      clusters: gateway.clusters.map((c) =>
        scenario.echo.includes(c.name) ? { ...c, protocol: "http", http2: undefined, endpoints: [{ host: "127.0.0.1", port: echo!.port }] } : c,
      ),
    };
    const proxy = await startProxy(routed, { port: 0, address: "127.0.0.1" });
    try {
      return await runRequests(proxy.url, scenario, options);
    } finally {
      await proxy.close();
    }
  } finally {
    await echo?.close();
  }
}

async function runEnvoy(gateway: Gateway, scenario: Scenario, options: RunOptions): Promise<RequestResult[]> {
  const { envoyUp, envoyDown } = await import("../envoy/runner.ts");
  const outDir = await mkdtemp(path.join(tmpdir(), "proxyscript-scenario-"));
  try {
    const state = await envoyUp(gateway, { outDir, echoClusters: scenario.echo, envoyImage: options.envoyImage, adminPort: options.adminPort });
    try {
      return await runRequests(state.url, scenario, options);
    } finally {
      await envoyDown(outDir);
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  if (options.runtime === "url") {
    if (!options.baseUrl) throw new UserError('runtime "url" needs a baseUrl (the running gateway\'s address)');
    const requests = await runRequests(options.baseUrl, scenario, options);
    return { scenario: scenario.name, runtime: options.runtime, passed: requests.every((r) => r.failures.length === 0), requests };
  }
  const gateway = await loadGateway(scenario.gateway);
  checkEchoClusters(gateway, scenario);
  const requests = options.runtime === "embedded" ? await runEmbedded(gateway, scenario, options) : await runEnvoy(gateway, scenario, options);
  return { scenario: scenario.name, runtime: options.runtime, passed: requests.every((r) => r.failures.length === 0), requests };
}

/** A readable report: one line per request, failures indented beneath. */
export function formatScenarioResult(result: ScenarioResult): string {
  const lines = [`${result.passed ? "PASS" : "FAIL"} ${result.scenario} (${result.runtime})`];
  for (const r of result.requests) {
    lines.push(`  ${r.failures.length ? "x" : "ok"} ${r.name}`);
    for (const f of r.failures) lines.push(`      ${f}`);
  }
  return lines.join("\n");
}
