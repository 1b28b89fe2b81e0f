// Image references, credential sources and WWW-Authenticate parsing.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAuthChallenge } from "../../harness/oci/auth-challenge.ts";
import { resolveCredentials } from "../../harness/oci/credentials.ts";
import { parseImageReference, registryBaseUrl } from "../../harness/oci/reference.ts";

describe("image references", () => {
  it("splits registry, repository, tag and digest the way Docker does", () => {
    expect(parseImageReference("127.0.0.1:5000/filters/hello:v1")).toEqual({ registry: "127.0.0.1:5000", repository: "filters/hello", tag: "v1", digest: undefined });
    expect(parseImageReference("ghcr.io/acme/jwt")).toMatchObject({ registry: "ghcr.io", repository: "acme/jwt", tag: "latest" });
    expect(parseImageReference("hello")).toMatchObject({ registry: "docker.io", repository: "library/hello", tag: "latest" });
    expect(parseImageReference("localhost/a/b@sha256:" + "a".repeat(64))).toMatchObject({ registry: "localhost", repository: "a/b", tag: undefined, digest: "sha256:" + "a".repeat(64) });
  });

  it("names what is wrong in a bad reference", () => {
    expect(() => parseImageReference("reg.io/Upper/case:v1")).toThrow(/invalid image reference "reg.io\/Upper\/case:v1": repository component "Upper" must be lower-case/);
    expect(() => parseImageReference("reg.io/a:bad tag")).toThrow(/"bad tag" is not a valid tag/);
    expect(() => parseImageReference("reg.io/a@sha256:xyz")).toThrow(/"sha256:xyz" is not a sha256 digest/);
  });

  it("uses HTTPS except for loopback or an explicit --insecure", () => {
    expect(registryBaseUrl("registry.example.com", false)).toBe("https://registry.example.com");
    expect(registryBaseUrl("registry.example.com", true)).toBe("http://registry.example.com");
    expect(registryBaseUrl("127.0.0.1:5000", false)).toBe("http://127.0.0.1:5000");
    expect(registryBaseUrl("localhost:5000", false)).toBe("http://localhost:5000");
    expect(registryBaseUrl("[::1]:5000", false)).toBe("http://[::1]:5000");
    expect(registryBaseUrl("docker.io", false)).toBe("https://registry-1.docker.io");
  });
});

describe("credentials", () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "proxyscript-creds-"));
    config = path.join(dir, "config.json");
    await writeFile(config, JSON.stringify({
      auths: {
        "https://reg.example.com/v1/": { auth: Buffer.from("alice:s3cr:et").toString("base64") },
        "other.example.com": { username: "bob", password: "pw" },
        "https://index.docker.io/v1/": { auth: Buffer.from("hub:tok").toString("base64") },
      },
    }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("flags win over the environment, which wins over the Docker config", () => {
    const env = { PROXYSCRIPT_REGISTRY_USER: "env-user", PROXYSCRIPT_REGISTRY_PASSWORD: "env-pw" };
    expect(resolveCredentials("reg.example.com", { username: "u", password: "p", env, dockerConfig: config })).toMatchObject({ username: "u", password: "p" });
    expect(resolveCredentials("reg.example.com", { env, dockerConfig: config })).toMatchObject({ username: "env-user", password: "env-pw" });
    expect(resolveCredentials("reg.example.com", { env: {}, dockerConfig: config })).toMatchObject({ username: "alice", password: "s3cr:et" });
    expect(resolveCredentials("other.example.com", { env: {}, dockerConfig: config })).toMatchObject({ username: "bob", password: "pw" });
    expect(resolveCredentials("docker.io", { env: {}, dockerConfig: config })).toMatchObject({ username: "hub", password: "tok" });
    expect(resolveCredentials("unknown.example.com", { env: {}, dockerConfig: config })).toBeUndefined();
    expect(resolveCredentials("reg.example.com", { env: { DOCKER_CONFIG: dir } })).toMatchObject({ username: "alice" });
  });

  it("asks the credential helper named by credHelpers or credsStore", async () => {
    const bin = path.join(dir, "bin");
    await import("node:fs/promises").then((fs) => fs.mkdir(bin, { recursive: true }));
    // A helper speaking Docker's protocol: server URL on stdin, JSON on stdout, "credentials not found" otherwise.
    const helper = (name: string, known: string) =>
      writeFile(path.join(bin, `docker-credential-${name}`), [
        "#!/bin/sh",
        "read -r server",
        `if [ "$server" = "${known}" ]; then printf '{"ServerURL":"%s","Username":"${name}-user","Secret":"${name}-secret"}' "$server"; exit 0; fi`,
        "echo 'credentials not found in native keychain'; exit 1",
      ].join("\n"), { mode: 0o755 });
    await helper("pass", "helped.example.com:5000");
    await helper("desktop", "https://index.docker.io/v1/");
    const helperConfig = path.join(dir, "helpers.json");
    await writeFile(helperConfig, JSON.stringify({ credHelpers: { "helped.example.com:5000": "pass" }, credsStore: "desktop" }));
    const originalPath = process.env.PATH;
    process.env.PATH = `${bin}:${originalPath}`;
    try {
      expect(resolveCredentials("helped.example.com:5000", { env: {}, dockerConfig: helperConfig })).toEqual({
        username: "pass-user", password: "pass-secret", source: `docker-credential-pass (named in ${helperConfig})`,
      });
      expect(resolveCredentials("docker.io", { env: {}, dockerConfig: helperConfig })).toMatchObject({ username: "desktop-user", password: "desktop-secret" });
      expect(resolveCredentials("elsewhere.example.com", { env: {}, dockerConfig: helperConfig })).toBeUndefined();
      await writeFile(helperConfig, JSON.stringify({ credsStore: "absent" }));
      expect(() => resolveCredentials("elsewhere.example.com", { env: {}, dockerConfig: helperConfig })).toThrow(
        `docker-credential-absent (named in ${helperConfig}): not found on PATH`,
      );
    } finally {
      process.env.PATH = originalPath;
    }
  });

  it("refuses half a credential", () => {
    expect(() => resolveCredentials("r.io", { username: "u", env: {} })).toThrow(/--username and --password must be given together/);
    expect(() => resolveCredentials("r.io", { env: { PROXYSCRIPT_REGISTRY_USER: "u" } })).toThrow(/set both PROXYSCRIPT_REGISTRY_USER and PROXYSCRIPT_REGISTRY_PASSWORD/);
  });
});

describe("WWW-Authenticate", () => {
  it("parses Basic and Bearer challenges with quoted parameters", () => {
    expect(parseAuthChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: "basic", params: { realm: "Registry Realm" } });
    expect(parseAuthChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull,push" },
    });
    expect(parseAuthChallenge(null)).toBeUndefined();
  });
});
