// `proxyscript manifests` end to end: a gateway file whose filter names an image on a real
// loopback registry; --push uploads it and the EnvoyExtensionPolicy carries the digest that the
// registry (as skopeo sees it) serves.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../harness/kube/labels.ts";
import { runCli } from "../oci/support/run-cli.ts";
import { missingTools, REGISTRY_BIN, SKOPEO_BIN, startRegistry, type RunningRegistry } from "../oci/support/registry.ts";
import { skopeoCopy, skopeoInspectDigest, wasmFromLayout } from "../oci/support/skopeo.ts";
import { tinyWasm } from "../oci/support/tiny-wasm.ts";
import { CRD_FILES, crdsMissing, crdValidator } from "./support/crds.ts";

let dir: string;
let wasm: Uint8Array;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "proxyscript-manifests-"));
  wasm = await tinyWasm();
  mkdirSync(path.join(dir, "build"));
  writeFileSync(path.join(dir, "build", "hello.wasm"), wasm);
  // Never read the machine's own Docker credentials.
  process.env.DOCKER_CONFIG = dir;
});
afterAll(() => {
  delete process.env.DOCKER_CONFIG;
  rmSync(dir, { recursive: true, force: true });
});

function writeGateway(image: string): string {
  const file = path.join(dir, "proxyscript.yaml");
  writeFileSync(file, `
kubernetes: { namespace: demo }
clusters:
  - { name: backend, url: "http://backend.demo.svc:8080" }
filters:
  - name: hello
    wasm: build/hello.wasm
    image: ${image}
    config: { greeting: hi }
routes:
  - { name: all, match: { prefix: / }, cluster: backend }
`);
  return file;
}

it("writes YAML to stdout, warns on stderr, and exits 2 on a bad target", async () => {
  const file = writeGateway("registry.example.com/filters/hello:v1");
  const result = await runCli(["manifests", file]);
  expect(result.code, result.stderr).toBe(0);
  const objects = parseAllDocuments(result.stdout).map((d) => d.toJS()) as KubeObject[];
  expect(objects.map((o) => o.kind)).toEqual(["HTTPRoute", "EnvoyExtensionPolicy"]);
  expect(result.stderr).toBe(
    `warning: filter "hello": image registry.example.com/filters/hello:v1 has no digest, so the cluster cannot verify it (push with --push, or set image_digest)\n`,
  );
  if (!crdsMissing) expect(objects.flatMap((o) => crdValidator().validate(o))).toEqual([]);
  const bad = await runCli(["manifests", file, "--target", "linkerd"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe(`proxyscript: --target must be one of envoy-gateway, istio, not "linkerd"\n`);
  const missing = await runCli(["manifests", path.join(dir, "nope.yaml")]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("gateway file not found");
});

it.skipIf(Boolean(crdsMissing))("--crds validates the output against CRD files and names kinds it had no CRD for", async () => {
  const file = writeGateway("registry.example.com/filters/hello:v1");
  const all = await runCli(["manifests", file, "--crds", ...CRD_FILES]);
  expect(all.code, all.stderr).toBe(0);
  expect(all.stderr).not.toContain("--crds");
  const onlyPolicy = await runCli(["manifests", file, "--crds", CRD_FILES[0]]);
  expect(onlyPolicy.code, onlyPolicy.stderr).toBe(0);
  expect(onlyPolicy.stderr).toContain("warning: --crds: no CRD given for gateway.networking.k8s.io/v1 HTTPRoute; those objects were not validated\n");
  const absent = await runCli(["manifests", file, "--crds", path.join(dir, "nope.yaml")]);
  expect(absent.code).toBe(2);
  expect(absent.stderr).toBe(`proxyscript: --crds: ${path.join(dir, "nope.yaml")} does not exist\n`);
});

const missing = missingTools(REGISTRY_BIN, SKOPEO_BIN);
if (missing) console.warn(`skipping manifests --push test: ${missing}`);

describe.skipIf(Boolean(missing))("manifests --push", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it("pushes each filter's image and writes the pushed digest into the policy", async () => {
    const ref = `${registry.host}/filters/hello:v1`;
    const file = writeGateway(ref);
    const out = path.join(dir, "k8s", "manifests.yaml");
    const result = await runCli(["manifests", file, "--push", "-o", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const objects = parseAllDocuments(readFileSync(out, "utf8")).map((d) => d.toJS()) as KubeObject[];
    const policy = objects.find((o) => o.kind === "EnvoyExtensionPolicy")!;
    const entry = (policy.spec.wasm as Array<{ code: { image: { url: string; sha256: string } }; config: unknown }>)[0];
    expect(entry.code.image.url).toBe(ref);
    expect(`sha256:${entry.code.image.sha256}`).toBe(await skopeoInspectDigest(ref));
    expect(entry.config).toEqual({ greeting: "hi" });
    const layout = path.join(dir, "skopeo");
    await skopeoCopy(ref, layout, "v1");
    expect((await wasmFromLayout(layout, "v1")).wasm.equals(Buffer.from(wasm))).toBe(true);
    if (!crdsMissing) expect(objects.flatMap((o) => crdValidator().validate(o))).toEqual([]);

    // Builds are reproducible: the digest computed offline from the .wasm is the one pushed.
    const offline = await runCli(["manifests", file, "--digests-from-wasm", "--json"]);
    expect(offline.code, offline.stderr).toBe(0);
    const offlinePolicy = (JSON.parse(offline.stdout) as KubeObject[]).find((o) => o.kind === "EnvoyExtensionPolicy")!;
    expect(offlinePolicy.spec.wasm).toEqual(policy.spec.wasm);
    const both = await runCli(["manifests", file, "--push", "--digests-from-wasm"]);
    expect(both.stderr).toBe("proxyscript: give --push or --digests-from-wasm, not both\n");
  });
});
