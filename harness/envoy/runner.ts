// `proxyscript envoy up|down|logs|status`: writes the compose project beside the gateway file
// (.proxyscript/envoy/), runs it, and waits for Envoy's admin /ready.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../cli/errors.ts";
import type { Gateway } from "../gateway/model.ts";
import { composeProject, missingModules, type ComposeOptions } from "./compose.ts";
import { compose, requireDocker, type ComposeTarget } from "./docker.ts";

export interface EnvoyProjectState extends ComposeTarget {
  url: string;
  adminUrl: string;
  outDir: string;
}

export function defaultOutDir(gateway: Gateway): string {
  return path.join(gateway.baseDir, ".proxyscript", "envoy");
}

/** Compose project name: stable per gateway folder, so up/down/logs find the same one. */
export function projectName(gateway: Gateway): string {
  const base = path.basename(gateway.baseDir).toLowerCase().replace(/[^a-z0-9_-]/g, "-").replace(/^[^a-z0-9]+/, "") || "gateway";
  const hash = createHash("sha256").update(gateway.baseDir).digest("hex").slice(0, 8);
  return `proxyscript-${base.slice(0, 30)}-${hash}`;
}

const STATE_FILE = "state.json";

/** Writes envoy.yaml, compose.yaml and state.json (validated first); no Docker needed. */
export async function writeEnvoyProject(gateway: Gateway, options: Partial<ComposeOptions> = {}): Promise<EnvoyProjectState> {
  const outDir = path.resolve(options.outDir ?? defaultOutDir(gateway));
  const project = composeProject(gateway, { ...options, outDir });
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, "envoy.yaml"), project.envoyYaml);
  await writeFile(path.join(outDir, "compose.yaml"), project.composeYaml);
  const state: EnvoyProjectState = { project: projectName(gateway), file: path.join(outDir, "compose.yaml"), url: project.url, adminUrl: project.adminUrl, outDir };
  await writeFile(path.join(outDir, STATE_FILE), JSON.stringify(state, null, 2) + "\n");
  return state;
}

export async function readEnvoyProject(outDir: string): Promise<EnvoyProjectState> {
  const file = path.join(outDir, STATE_FILE);
  if (!existsSync(file)) throw new UserError(`no Envoy project in ${outDir} (run \`proxyscript envoy up\` first)`);
  return JSON.parse(await readFile(file, "utf8")) as EnvoyProjectState;
}

/** Polls Envoy's admin /ready until it answers 200 ("LIVE"), or the time is up. */
export async function waitForReady(adminUrl: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${adminUrl}/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export async function envoyUp(gateway: Gateway, options: Partial<ComposeOptions> & { readyTimeoutMs?: number } = {}): Promise<EnvoyProjectState> {
  // Docker would create a directory for a missing bind source: say which module to build instead.
  const missing = missingModules(gateway);
  if (missing.length) {
    throw new UserError(`${missing.map((f) => `filter "${f.name}": ${f.code.wasm}`).join(", ")} not found; build ${missing.length === 1 ? "it" : "them"} first (proxyscript build)`);
  }
  // Generate and validate first: a bad config is reported even where Docker is missing.
  const state = await writeEnvoyProject(gateway, options);
  await requireDocker("`proxyscript envoy up`");
  // Recreate: a changed envoy.yaml or .wasm behind an unchanged compose file must still be reloaded.
  const up = await compose(state, ["up", "-d", "--remove-orphans", "--force-recreate"]);
  if (up.code !== 0) throw new UserError(`docker compose up failed: ${up.stderr.trim().split("\n").slice(-3).join(" ")}`);
  if (!(await waitForReady(state.adminUrl, options.readyTimeoutMs))) {
    const logs = await compose(state, ["logs", "--no-color", "--tail", "20", "envoy"]);
    throw new UserError(`Envoy did not become ready at ${state.adminUrl}/ready; its last log lines:\n${logs.stdout.trim()}\n(\`proxyscript envoy down\` removes the containers)`);
  }
  return state;
}

export async function envoyDown(outDir: string): Promise<void> {
  const state = await readEnvoyProject(outDir);
  await requireDocker("`proxyscript envoy down`");
  const down = await compose(state, ["down", "--remove-orphans", "--volumes", "--timeout", "5"]);
  if (down.code !== 0) throw new UserError(`docker compose down failed: ${down.stderr.trim()}`);
  await rm(path.join(outDir, STATE_FILE), { force: true });
}

export async function envoyLogs(outDir: string, follow: boolean): Promise<number> {
  const state = await readEnvoyProject(outDir);
  await requireDocker("`proxyscript envoy logs`");
  return (await compose(state, ["logs", "--no-color", ...(follow ? ["--follow"] : [])], { inherit: true })).code;
}

export interface EnvoyStatus {
  project: string;
  url: string;
  adminUrl: string;
  ready: boolean;
  containers: Array<{ service: string; state: string }>;
}

export async function envoyStatus(outDir: string): Promise<EnvoyStatus> {
  const state = await readEnvoyProject(outDir);
  await requireDocker("`proxyscript envoy status`");
  const ps = await compose(state, ["ps", "--all", "--format", "json"], { timeoutMs: 30_000 });
  // Compose prints either one JSON array or one JSON object per line, depending on its version.
  if (ps.code !== 0) throw new UserError(`docker compose ps failed: ${ps.stderr.trim().split("\n").pop() ?? ""}`);
  const text = ps.stdout.trim();
  let rows: Array<Record<string, string>>;
  try {
    rows = !text ? [] : text.startsWith("[") ? JSON.parse(text) : text.split("\n").map((l) => JSON.parse(l));
  } catch {
    throw new UserError("`docker compose ps --format json` printed something other than JSON; Docker Compose v2 is needed");
  }
  return {
    project: state.project,
    url: state.url,
    adminUrl: state.adminUrl,
    ready: await waitForReady(state.adminUrl, 1),
    containers: rows.map((r) => ({ service: r.Service, state: r.State })),
  };
}
