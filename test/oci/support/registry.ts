// Starts Debian's docker-registry (distribution v2) on a free loopback port, with its config and
// storage in a temp folder: anonymous, htpasswd (bcrypt) or token auth. Tests skip with a printed
// reason when the binary is missing.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const REGISTRY_BIN = "/usr/bin/docker-registry";
export const HTPASSWD_BIN = "/usr/bin/htpasswd";
export const SKOPEO_BIN = "/usr/bin/skopeo";

export function missingTools(...bins: string[]): string | undefined {
  const missing = bins.filter((b) => !existsSync(b));
  return missing.length ? `missing ${missing.join(", ")} (apt-get install docker-registry apache2-utils skopeo)` : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type RegistryAuth =
  | { kind: "none" }
  | { kind: "htpasswd"; username: string; password: string }
  | { kind: "token"; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RunningRegistry {
  host: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  logs(): string;
}

export async function startRegistry(auth: RegistryAuth = { kind: "none" }): Promise<RunningRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "proxyscript-registry-"));
  const port = await freePort();
  let authConfig = "";
  if (auth.kind === "htpasswd") {
    const file = path.join(dir, "htpasswd");
    execFileSync(HTPASSWD_BIN, ["-B", "-b", "-c", file, auth.username, auth.password], { stdio: "ignore" });
    authConfig = `auth:\n  htpasswd:\n    realm: proxyscript-test\n    path: ${file}\n`;
  } else if (auth.kind === "token") {
    authConfig =
      `auth:\n  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n` +
      `    rootcertbundle: ${auth.rootCertBundle}\n`;
  }
  const config =
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n` +
    `storage:\n  filesystem:\n    rootdirectory: ${path.join(dir, "storage")}\n  delete:\n    enabled: true\n` +
    `http:\n  addr: 127.0.0.1:${port}\n` +
    authConfig;
  const configFile = path.join(dir, "config.yml");
  await writeFile(configFile, config);
  let output = "";
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  // Wait (bounded) until the port accepts connections.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => { socket.end(); resolve(true); });
      socket.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`docker-registry did not listen on 127.0.0.1:${port} within 15 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    dir,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
