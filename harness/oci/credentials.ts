// Registry credentials, first found wins: explicit flags, then PROXYSCRIPT_REGISTRY_USER /
// PROXYSCRIPT_REGISTRY_PASSWORD, then the Docker config ($DOCKER_CONFIG/config.json or
// ~/.docker/config.json): `auths` (`auth` as base64 "user:password", or `username`/`password`),
// else the credential helper named by `credHelpers` for the registry or by `credsStore`
// (`docker-credential-<name> get`, the protocol Docker uses).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UserError } from "../cli/errors.ts";

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for error messages (never the secret itself). */
  source: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  env?: NodeJS.ProcessEnv;
  /** Docker config file; default $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
  dockerConfig?: string;
}

export const USER_ENV = "PROXYSCRIPT_REGISTRY_USER";
export const PASSWORD_ENV = "PROXYSCRIPT_REGISTRY_PASSWORD";

export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG ? path.join(env.DOCKER_CONFIG, "config.json") : path.join(os.homedir(), ".docker", "config.json");
}

/** "https://host:5000/v1/" and "host:5000" name the same registry; Docker Hub has several names. */
function normalizeRegistryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
  return host === "index.docker.io" || host === "registry-1.docker.io" ? "docker.io" : host;
}

function fromDockerConfig(file: string, registry: string): Credentials | undefined {
  if (!existsSync(file)) return undefined;
  let config: {
    auths?: Record<string, { auth?: string; username?: string; password?: string }>;
    credHelpers?: Record<string, string>;
    credsStore?: string;
  };
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const wanted = normalizeRegistryKey(registry);
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normalizeRegistryKey(key) !== wanted || !entry) continue;
    const source = `${file} (auths."${key}")`;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) throw new UserError(`${source}: "auth" must be base64 of "user:password"`);
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
    }
    if (entry.username !== undefined && entry.password !== undefined) {
      return { username: entry.username, password: entry.password, source };
    }
  }
  const helperKey = Object.keys(config.credHelpers ?? {}).find((key) => normalizeRegistryKey(key) === wanted);
  const helper = helperKey !== undefined ? config.credHelpers![helperKey] : config.credsStore;
  if (helper) return fromCredentialHelper(helper, registry, file);
  return undefined;
}

/** Docker's credential helper protocol: the server URL on stdin, {Username, Secret} on stdout. */
function fromCredentialHelper(helper: string, registry: string, file: string): Credentials | undefined {
  const program = `docker-credential-${helper}`;
  const serverUrl = normalizeRegistryKey(registry) === "docker.io" ? "https://index.docker.io/v1/" : registry;
  const result = spawnSync(program, ["get"], { input: serverUrl, encoding: "utf8", timeout: 30_000 });
  const source = `${program} (named in ${file})`;
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UserError(`${source}: ${missing ? "not found on PATH" : result.error.message}`);
  }
  if (result.status !== 0) {
    // Helpers answer "credentials not found" (exit 1) for registries they hold nothing for.
    if (/credentials not found/i.test(result.stdout + result.stderr)) return undefined;
    throw new UserError(`${source} failed for ${serverUrl}: ${(result.stderr || result.stdout).trim() || `exit code ${result.status}`}`);
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    throw new UserError(`${source} answered something that is not JSON for ${serverUrl}`);
  }
  if (!answer.Secret) return undefined;
  return { username: answer.Username ?? "", password: answer.Secret, source };
}

export function resolveCredentials(registry: string, options: CredentialOptions = {}): Credentials | undefined {
  const env = options.env ?? process.env;
  if (options.username !== undefined || options.password !== undefined) {
    if (options.username === undefined || options.password === undefined) {
      throw new UserError("--username and --password must be given together");
    }
    return { username: options.username, password: options.password, source: "--username/--password" };
  }
  const user = env[USER_ENV];
  const password = env[PASSWORD_ENV];
  if (user !== undefined || password !== undefined) {
    if (user === undefined || password === undefined) throw new UserError(`set both ${USER_ENV} and ${PASSWORD_ENV}, or neither`);
    return { username: user, password, source: `${USER_ENV}/${PASSWORD_ENV}` };
  }
  return fromDockerConfig(options.dockerConfig ?? defaultDockerConfigPath(env), registry);
}
