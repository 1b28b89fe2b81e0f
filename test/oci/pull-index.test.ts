// Pulling through an image index (multi-platform tag): the wasm entry, or the only entry, is used.
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { canonicalJsonBytes } from "../../harness/oci/canonical-json.ts";
import { sha256Digest } from "../../harness/oci/digest.ts";
import { buildWasmImage } from "../../harness/oci/image.ts";
import { OCI_INDEX, OCI_MANIFEST } from "../../harness/oci/media-types.ts";
import { pullImage } from "../../harness/oci/pull.ts";
import { pushImage } from "../../harness/oci/push.ts";
import { parseImageReference } from "../../harness/oci/reference.ts";
import { startFakeRegistry, type FakeRegistry } from "./support/fake-registry.ts";
import { tinyWasm } from "./support/tiny-wasm.ts";

let wasm: Uint8Array;
let registry: FakeRegistry;
beforeAll(async () => {
  wasm = await tinyWasm();
});
beforeEach(async () => {
  registry = await startFakeRegistry();
});
afterEach(() => registry.stop());

function storeIndex(repo: string, tag: string, entries: Array<{ digest: string; size: number; platform: Record<string, string> }>) {
  const index = canonicalJsonBytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries.map((e) => ({ mediaType: OCI_MANIFEST, ...e })) });
  registry.manifests.set(`${repo}:${tag}`, { bytes: Buffer.from(index), type: OCI_INDEX });
  registry.manifests.set(`${repo}:${sha256Digest(index)}`, { bytes: Buffer.from(index), type: OCI_INDEX });
}

it("follows an index to its wasm platform entry", async () => {
  const image = buildWasmImage(wasm);
  const other = buildWasmImage(new Uint8Array([...wasm, 9]));
  await pushImage(image, parseImageReference(`${registry.host}/f/multi@${image.digest}`));
  await pushImage(other, parseImageReference(`${registry.host}/f/multi@${other.digest}`));
  storeIndex("f/multi", "v1", [
    { digest: other.digest, size: other.manifestBytes.length, platform: { os: "linux", architecture: "amd64" } },
    { digest: image.digest, size: image.manifestBytes.length, platform: { os: "wasip1", architecture: "wasm" } },
  ]);
  const pulled = await pullImage(parseImageReference(`${registry.host}/f/multi:v1`));
  expect(pulled.digest).toBe(image.digest);
  expect(Buffer.from(pulled.wasm).equals(Buffer.from(wasm))).toBe(true);
});

it("refuses an index with several entries and none for wasm, saying what to do", async () => {
  const image = buildWasmImage(wasm);
  storeIndex("f/native", "v1", [
    { digest: image.digest, size: 1, platform: { os: "linux", architecture: "amd64" } },
    { digest: image.digest, size: 1, platform: { os: "linux", architecture: "arm64" } },
  ]);
  await expect(pullImage(parseImageReference(`${registry.host}/f/native:v1`))).rejects.toThrow(
    /f\/native is an index of 2 images and none is for wasm; pull one by digest/,
  );
});
