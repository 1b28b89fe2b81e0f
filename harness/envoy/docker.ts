// The Docker engine and `docker compose`, driven through the docker CLI. Detection is fast and
// bounded: without an engine, `envoy up` fails in a few seconds with one sentence.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { UserError } from "../cli/errors.ts";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with a time limit; never throws for a non-zero exit. */
export function run(command: string, args: string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: options.timeoutMs ?? 60_000, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && !stderr ? error.message : "") });
    });
  });
}

export type DockerStatus = { ok: true; serverVersion: string } | { ok: false; reason: string };

/** Is a Docker engine reachable? Checks the socket first, then asks the engine (3 s at most). */
export async function dockerStatus(timeoutMs = 3000): Promise<DockerStatus> {
  const host = process.env.DOCKER_HOST;
  if (!host && !existsSync("/var/run/docker.sock")) {
    const client = await run("docker", ["--version"], { timeoutMs });
    if (client.code === 127 || /ENOENT/.test(client.stderr)) return { ok: false, reason: "the docker command is not installed" };
    return { ok: false, reason: "no Docker engine is running (no /var/run/docker.sock and DOCKER_HOST is not set)" };
  }
  const info = await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs });
  if (info.code !== 0 || !info.stdout.trim()) {
    const detail = info.stderr.trim().split("\n").pop() ?? "";
    return { ok: false, reason: `the Docker engine does not answer${detail ? ` (${detail})` : ""}` };
  }
  return { ok: true, serverVersion: info.stdout.trim() };
}

/** Throws a UserError (exit 2) naming why, if there is no engine to run containers on. */
export async function requireDocker(what: string): Promise<void> {
  const status = await dockerStatus();
  if (!status.ok) throw new UserError(`${what} needs a running Docker engine, but ${status.reason}; \`proxyscript envoy config\` works without one.`);
}

/** `docker compose` (plugin) or the standalone `docker-compose`, whichever is installed. */
export async function composeCommand(): Promise<{ command: string; prefix: string[] }> {
  if ((await run("docker", ["compose", "version"], { timeoutMs: 5000 })).code === 0) return { command: "docker", prefix: ["compose"] };
  if ((await run("docker-compose", ["version"], { timeoutMs: 5000 })).code === 0) return { command: "docker-compose", prefix: [] };
  throw new UserError("Docker Compose is not installed: neither `docker compose` nor `docker-compose` works.");
}

export interface ComposeTarget {
  project: string;
  file: string;
}

/** Runs a compose subcommand for a project; `inherit` streams output to this terminal. */
export async function compose(target: ComposeTarget, args: string[], options: { inherit?: boolean; timeoutMs?: number } = {}): Promise<CommandResult> {
  const { command, prefix } = await composeCommand();
  const fullArgs = [...prefix, "-p", target.project, "-f", target.file, ...args];
  if (!options.inherit) return run(command, fullArgs, { timeoutMs: options.timeoutMs ?? 300_000 });
  return new Promise((resolve) => {
    const child = spawn(command, fullArgs, { stdio: "inherit" });
    child.on("error", (e) => resolve({ code: 127, stdout: "", stderr: e.message }));
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout: "", stderr: "" }));
  });
}
