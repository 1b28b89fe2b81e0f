// Push and pull against a real registry (Debian's docker-registry, distribution v2) on loopback,
// checked by an independent client (skopeo): anonymous, htpasswd (bcrypt) and token auth.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWasmImage } from "../../harness/oci/image.ts";
import { pullImage } from "../../harness/oci/pull.ts";
import { pushImage } from "../../harness/oci/push.ts";
import { resolveCredentials } from "../../harness/oci/credentials.ts";
import { parseImageReference } from "../../harness/oci/reference.ts";
import { HTPASSWD_BIN, missingTools, REGISTRY_BIN, SKOPEO_BIN, startRegistry, type RunningRegistry } from "./support/registry.ts";
import { skopeoCopy, skopeoInspectDigest, wasmFromLayout } from "./support/skopeo.ts";
import { OPENSSL_BIN, startTokenServer, type TokenServer } from "./support/token-server.ts";
import { tinyWasm } from "./support/tiny-wasm.ts";

const missing = missingTools(REGISTRY_BIN, SKOPEO_BIN, HTPASSWD_BIN, OPENSSL_BIN);
if (missing) console.warn(`skipping registry tests: ${missing}`);

let wasm: Uint8Array;
let tmp: string;
beforeAll(async () => {
  wasm = await tinyWasm();
  tmp = await mkdtemp(path.join(os.tmpdir(), "proxyscript-push-"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const fastRetry = { attempts: 2, baseDelayMs: 10 };

describe.skipIf(Boolean(missing))("anonymous registry", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  for (const format of ["compat", "oci"] as const) {
    it(`pushes the ${format} variant; skopeo copies it back with a byte-identical plugin.wasm`, async () => {
      const image = buildWasmImage(wasm, { format });
      const refText = `${registry.host}/filters/hello-${format}:v1`;
      const result = await pushImage(image, parseImageReference(refText), { retry: fastRetry });
      expect(result.digest).toBe(image.digest);
      expect(result.reference).toBe(`${refText}@${image.digest}`);
      expect(result.uploaded.sort()).toEqual([...image.blobs.keys()].sort());

      expect(await skopeoInspectDigest(refText)).toBe(image.digest);
      const layout = path.join(tmp, `skopeo-${format}`);
      await skopeoCopy(refText, layout, "v1");
      const copied = await wasmFromLayout(layout, "v1");
      expect(copied.manifestDigest).toBe(image.digest);
      expect(copied.wasm.equals(Buffer.from(wasm))).toBe(true);

      const pulled = await pullImage(parseImageReference(refText), { retry: fastRetry });
      expect(pulled.variant).toBe(format);
      expect(pulled.digest).toBe(image.digest);
      expect(Buffer.from(pulled.wasm).equals(Buffer.from(wasm))).toBe(true);
    });
  }

  it("skips blobs the registry already has, and pulls by digest", async () => {
    const image = buildWasmImage(wasm);
    const first = await pushImage(image, parseImageReference(`${registry.host}/filters/again:v1`), { retry: fastRetry });
    expect(first.uploaded).toHaveLength(2);
    const second = await pushImage(image, parseImageReference(`${registry.host}/filters/again:v2`), { retry: fastRetry });
    expect(second.uploaded).toEqual([]);
    expect(second.skipped).toHaveLength(2);
    const byDigest = await pullImage(parseImageReference(`${registry.host}/filters/again@${image.digest}`));
    expect(Buffer.from(byDigest.wasm).equals(Buffer.from(wasm))).toBe(true);
  });

  it("uploads in chunks (POST, PATCH…, PUT) when a blob is larger than the chunk size", async () => {
    // A module with a large data segment, so the layers span several 1 KiB chunks.
    const big = new Uint8Array(wasm.length + 5000 + 7);
    big.set(wasm);
    const image = buildWasmImage(big, { format: "oci" });
    const progress: Array<[string, number, number]> = [];
    const refText = `${registry.host}/filters/chunked:v1`;
    await pushImage(image, parseImageReference(refText), {
      chunkSize: 1024,
      retry: fastRetry,
      progress: { update: (label, done, total) => progress.push([label, done, total]), finish() {} },
    });
    const wasmDigest = image.manifest.layers[1].digest;
    const wasmProgress = progress.filter(([label]) => label.includes(wasmDigest.slice(7, 19))).map(([, done]) => done);
    const expected = [0];
    for (let sent = 1024; sent < big.length; sent += 1024) expected.push(sent);
    expected.push(big.length);
    expect(wasmProgress).toEqual(expected);
    const layout = path.join(tmp, "skopeo-chunked");
    await skopeoCopy(refText, layout, "v1");
    expect((await wasmFromLayout(layout, "v1")).wasm.equals(Buffer.from(big))).toBe(true);
  });
});

describe.skipIf(Boolean(missing))("registry with htpasswd (bcrypt) auth", () => {
  let registry: RunningRegistry;
  const user = { username: "alice", password: "correct horse" };
  beforeAll(async () => {
    registry = await startRegistry({ kind: "htpasswd", ...user });
  });
  afterAll(() => registry?.stop());

  it("pushes with credentials from flags, the environment and ~/.docker/config.json", async () => {
    const image = buildWasmImage(wasm);
    const ref = parseImageReference(`${registry.host}/secure/hello:v1`);
    const fromFlags = resolveCredentials(registry.host, { ...user, env: {} });
    expect((await pushImage(image, ref, { credentials: fromFlags, retry: fastRetry })).digest).toBe(image.digest);

    const fromEnv = resolveCredentials(registry.host, { env: { PROXYSCRIPT_REGISTRY_USER: user.username, PROXYSCRIPT_REGISTRY_PASSWORD: user.password } });
    expect((await pushImage(image, parseImageReference(`${registry.host}/secure/hello:v2`), { credentials: fromEnv })).skipped).toHaveLength(2);

    const dockerDir = path.join(tmp, "docker-config");
    await rm(dockerDir, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(dockerDir, { recursive: true }));
    await writeFile(path.join(dockerDir, "config.json"), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${user.username}:${user.password}`).toString("base64") } } }));
    const fromDocker = resolveCredentials(registry.host, { env: { DOCKER_CONFIG: dockerDir } });
    expect(fromDocker?.source).toContain("config.json");
    const pulled = await pullImage(ref, { credentials: fromDocker });
    expect(Buffer.from(pulled.wasm).equals(Buffer.from(wasm))).toBe(true);

    const layout = path.join(tmp, "skopeo-htpasswd");
    await skopeoCopy(`${registry.host}/secure/hello:v1`, layout, "v1", `${user.username}:${user.password}`);
    expect((await wasmFromLayout(layout, "v1")).wasm.equals(Buffer.from(wasm))).toBe(true);
  });

  it("fails clearly with a wrong password, and without any credentials", async () => {
    const ref = parseImageReference(`${registry.host}/secure/denied:v1`);
    const wrong = { username: "alice", password: "wrong", source: "--username/--password" };
    await expect(pushImage(buildWasmImage(wasm), ref, { credentials: wrong, retry: fastRetry })).rejects.toThrow(
      /authentication failed by registry 127\.0\.0\.1:\d+ as "alice" \(credentials from --username\/--password\): HTTP 401/,
    );
    await expect(pushImage(buildWasmImage(wasm), ref, { retry: fastRetry })).rejects.toThrow(
      /registry 127\.0\.0\.1:\d+ requires a login \(Basic realm "proxyscript-test"\): pass --username\/--password/,
    );
  });
});

describe.skipIf(Boolean(missing))("registry with token auth (Bearer challenge flow)", () => {
  let registry: RunningRegistry;
  let tokens: TokenServer;
  let dir: string;
  const user = { username: "bob", password: "hunter2" };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "proxyscript-token-"));
    tokens = await startTokenServer(dir, user);
    registry = await startRegistry({ kind: "token", realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.rootCertBundle });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("gets a token for the repository scope and pushes; skopeo reads the image with the same service", async () => {
    const image = buildWasmImage(wasm, { format: "oci" });
    const refText = `${registry.host}/tokened/hello:v1`;
    const credentials = { ...user, source: "test" };
    const result = await pushImage(image, parseImageReference(refText), { credentials, retry: fastRetry });
    expect(result.digest).toBe(image.digest);
    expect(tokens.grants).toContain("repository:tokened/hello:pull,push");
    const pulled = await pullImage(parseImageReference(refText), { credentials });
    expect(Buffer.from(pulled.wasm).equals(Buffer.from(wasm))).toBe(true);
    expect(await skopeoInspectDigest(refText, `${user.username}:${user.password}`)).toBe(image.digest);
  });

  it("reports a refused token request clearly", async () => {
    const credentials = { username: "bob", password: "nope", source: "PROXYSCRIPT_REGISTRY_USER/PROXYSCRIPT_REGISTRY_PASSWORD" };
    await expect(pushImage(buildWasmImage(wasm), parseImageReference(`${registry.host}/tokened/x:v1`), { credentials, retry: fastRetry })).rejects.toThrow(
      /token request to http:\/\/127\.0\.0\.1:\d+\/token: authentication failed by registry .* as "bob" .*HTTP 401/,
    );
  });
});
