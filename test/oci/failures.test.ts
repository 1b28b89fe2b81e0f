// Failures are clear and lose nothing: unreachable registry, 5xx mid-upload (retried with
// backoff, then a clear error), dropped connections, 403, and digest mismatches on pull.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWasmImage } from "../../harness/oci/image.ts";
import { pullImage } from "../../harness/oci/pull.ts";
import { pushImage } from "../../harness/oci/push.ts";
import { parseImageReference } from "../../harness/oci/reference.ts";
import { startFakeRegistry, type FakeRegistry } from "./support/fake-registry.ts";
import { freePort } from "./support/registry.ts";
import { tinyWasm } from "./support/tiny-wasm.ts";

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await tinyWasm();
});

const retry = { attempts: 3, baseDelayMs: 20 };
const isUploadFinish = (method: string, pathname: string) => method === "PUT" && pathname.includes("/blobs/uploads/");

it("an unreachable registry (closed port) is one clear error, not a retry loop", async () => {
  const port = await freePort();
  const started = Date.now();
  // With a 3 s backoff, any retry would show in the elapsed time.
  await expect(pushImage(buildWasmImage(wasm), parseImageReference(`127.0.0.1:${port}/f/x:v1`), { retry: { attempts: 3, baseDelayMs: 3000 } })).rejects.toThrow(
    new RegExp(`cannot reach registry 127\\.0\\.0\\.1:${port} at http://127\\.0\\.0\\.1:${port}/v2/f/x/blobs/sha256:[a-f0-9]{64}: connection refused \\(is the registry running\\?\\)`),
  );
  expect(Date.now() - started).toBeLessThan(2500);
});

describe("against a registry that fails on purpose", () => {
  let registry: FakeRegistry;
  beforeEach(async () => {
    registry = await startFakeRegistry();
  });
  afterEach(() => registry.stop());

  it("retries an upload that gets 500 twice, then succeeds with the whole image intact", async () => {
    registry.faults.push({ match: isUploadFinish, times: 2 });
    const image = buildWasmImage(wasm);
    const started = Date.now();
    const result = await pushImage(image, parseImageReference(`${registry.host}/f/retry:v1`), { retry });
    expect(result.digest).toBe(image.digest);
    // First blob: three sessions (two failed, new POST each time); second blob: one.
    expect(registry.log.filter((l) => l.startsWith("POST"))).toHaveLength(4);
    // Backoff waited 20 ms then 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    const pulled = await pullImage(parseImageReference(`${registry.host}/f/retry:v1`), { retry });
    expect(Buffer.from(pulled.wasm).equals(Buffer.from(wasm))).toBe(true);
  });

  it("gives up on a registry that always answers 500, with the step and the answer, and tags nothing", async () => {
    registry.faults.push({ match: isUploadFinish, times: Infinity });
    const image = buildWasmImage(wasm);
    await expect(pushImage(image, parseImageReference(`${registry.host}/f/broken:v1`), { retry })).rejects.toThrow(
      /uploading blob sha256:[a-f0-9]{64} failed after 3 attempts against http:\/\/127\.0\.0\.1:\d+; last error: completing the upload of sha256:[a-f0-9]{64}: HTTP 500 \(.*injected failure/,
    );
    expect(registry.manifests.size).toBe(0);
    expect(registry.log.filter((l) => l.startsWith("PUT /v2/f/broken/manifests"))).toHaveLength(0);
  });

  it("retries a connection dropped mid-request", async () => {
    registry.faults.push({ match: (m, p) => m === "PUT" && p.includes("/manifests/"), times: 1, status: "drop" });
    const image = buildWasmImage(wasm, { format: "oci" });
    const result = await pushImage(image, parseImageReference(`${registry.host}/f/drop:v1`), { retry });
    expect(result.digest).toBe(image.digest);
    expect(registry.log.filter((l) => l.startsWith("PUT /v2/f/drop/manifests"))).toHaveLength(2);
  });

  it("reports 403 as access denied without retrying", async () => {
    registry.faults.push({ match: (m) => m === "POST", times: Infinity, status: 403 });
    await expect(pushImage(buildWasmImage(wasm), parseImageReference(`${registry.host}/f/denied:v1`), { retry })).rejects.toThrow(
      /starting the upload of sha256:[a-f0-9]{64}: access denied by registry 127\.0\.0\.1:\d+ anonymously: HTTP 403/,
    );
    expect(registry.log.filter((l) => l.startsWith("POST"))).toHaveLength(1);
  });

  it("refuses a pulled blob whose bytes do not match its digest", async () => {
    const image = buildWasmImage(wasm);
    await pushImage(image, parseImageReference(`${registry.host}/f/corrupt:v1`), { retry });
    const layer = image.manifest.layers[0].digest;
    registry.corruptBlobs.set(layer, Buffer.from("not the layer you pushed"));
    await expect(pullImage(parseImageReference(`${registry.host}/f/corrupt:v1`), { retry })).rejects.toThrow(
      new RegExp(`^digest mismatch for blob ${layer} of f/corrupt: expected ${layer}, got sha256:[a-f0-9]{64}`),
    );
  });

  it("refuses a manifest that does not match the digest the registry names, or the one asked for", async () => {
    const image = buildWasmImage(wasm);
    await pushImage(image, parseImageReference(`${registry.host}/f/lying:v1`), { retry });
    registry.lyingManifestDigest = `sha256:${"0".repeat(64)}`;
    await expect(pullImage(parseImageReference(`${registry.host}/f/lying:v1`), { retry })).rejects.toThrow(
      /digest mismatch for manifest f\/lying:v1: expected sha256:0{64}, got sha256:/,
    );
    registry.lyingManifestDigest = undefined;
    const other = buildWasmImage(new Uint8Array([...wasm, 1]));
    // Store the other image's manifest under this image's digest: asking by digest must catch it.
    registry.manifests.set(`f/lying:${image.digest}`, { bytes: Buffer.from(other.manifestBytes), type: "application/vnd.oci.image.manifest.v1+json" });
    await expect(pullImage(parseImageReference(`${registry.host}/f/lying@${image.digest}`), { retry })).rejects.toThrow(
      new RegExp(`digest mismatch for manifest f/lying:${image.digest}: expected ${image.digest}, got ${other.digest}`),
    );
  });

  it("refuses a blob larger than a Wasm image layer may be, without downloading it", async () => {
    const image = buildWasmImage(wasm);
    await pushImage(image, parseImageReference(`${registry.host}/f/huge:v1`), { retry });
    const layer = image.manifest.layers[0].digest;
    registry.hugeBlobs.set(layer, 2 * 1024 * 1024 * 1024);
    await expect(pullImage(parseImageReference(`${registry.host}/f/huge:v1`), { retry })).rejects.toThrow(
      new RegExp(`^blob ${layer} of f/huge is 2147483648 bytes; more than the 314572800 a Wasm image layer may have$`),
    );
  });

  it("refuses to push under a digest that is not the image's, before uploading anything", async () => {
    const other = `sha256:${"0".repeat(64)}`;
    await expect(pushImage(buildWasmImage(wasm), parseImageReference(`${registry.host}/f/pinned:v1@${other}`), { retry })).rejects.toThrow(
      new RegExp(`the reference names digest ${other} but the image's digest is sha256:[a-f0-9]{64}`),
    );
    expect(registry.log).toEqual([]);
  });

  it("names the missing image on pull", async () => {
    await expect(pullImage(parseImageReference(`${registry.host}/f/none:v9`), { retry })).rejects.toThrow(
      /127\.0\.0\.1:\d+\/f\/none:v9 not found in the registry/,
    );
  });
});
