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
    const timeoutMs = options.timeoutMs ?? 60_000;
    execFile(command, args, { timeout: timeoutMs, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout: String(stdout), stderr: String(stderr) });
      // 127 and 124 as a shell reports them: command not found, timed out.
      if (error.code === "ENOENT") return resolve({ code: 127, stdout: "", stderr: `${command}: command not found (ENOENT)` });
      if (error.killed) return resolve({ code: 124, stdout: String(stdout), stderr: `${String(stderr)}${command} ${args[0] ?? ""}: no answer within ${timeoutMs} ms`.trim() });
      resolve({ code: typeof error.code === "number" ? error.code : 1, stdout: String(stdout), stderr: String(stderr) || error.message });
    });
  });
}

export type DockerStatus = { ok: true; serverVersion: string } | { ok: false; reason: string };

/** Is a Docker engine reachable? Asks it (3 s at most), whatever socket or context the CLI uses. */
export async function dockerStatus(timeoutMs = 3000): Promise<DockerStatus> {
  const info = await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs });
  if (info.code === 0 && info.stdout.trim()) return { ok: true, serverVersion: info.stdout.trim() };
  if (info.code === 127 || /ENOENT/.test(info.stderr)) return { ok: false, reason: "the docker command is not installed" };
  if (!process.env.DOCKER_HOST && !existsSync("/var/run/docker.sock") && /Cannot connect/i.test(info.stderr)) {
    return { ok: false, reason: "no Docker engine is running (no /var/run/docker.sock and DOCKER_HOST is not set)" };
  }
  const detail = info.stderr.trim().split("\n").pop() ?? "";
  return { ok: false, reason: `the Docker engine does not answer${detail ? ` (${detail})` : ""}` };
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
