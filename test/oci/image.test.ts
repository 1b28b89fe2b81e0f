// Image building without a registry: reproducibility, the fetchers' acceptance rules, the layout.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Header } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Digest } from "../../harness/oci/digest.ts";
import { extractWasmFromImage } from "../../harness/oci/fetcher-rules.ts";
import { buildWasmImage, type WasmImage } from "../../harness/oci/image.ts";
import { readImageLayout, writeImageLayout } from "../../harness/oci/layout.ts";
import {
  OCI_IMAGE_CONFIG, OCI_LAYER_TAR_GZIP, OCI_MANIFEST, WASM_CONFIG, WASM_CONTENT_LAYER,
} from "../../harness/oci/media-types.ts";
import { buildPluginLayer, extractPluginWasm } from "../../harness/oci/plugin-layer.ts";
import { tinyWasm } from "./support/tiny-wasm.ts";

let wasm: Uint8Array;
let tmp: string;

beforeAll(async () => {
  wasm = await tinyWasm();
  tmp = await mkdtemp(path.join(os.tmpdir(), "proxyscript-image-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const readerOf = (image: WasmImage) => async (digest: string) => {
  const blob = image.blobs.get(digest as never);
  if (!blob) throw new Error(`no blob ${digest}`);
  return blob;
};

describe("compat variant", () => {
  it("is one tar+gzip layer holding plugin.wasm, annotated compat, as Envoy Gateway expects", async () => {
    const image = buildWasmImage(wasm, { format: "compat" });
    expect(image.manifest.mediaType).toBe(OCI_MANIFEST);
    expect(image.manifest.config.mediaType).toBe(OCI_IMAGE_CONFIG);
    expect(image.manifest.layers).toHaveLength(1);
    expect(image.manifest.layers[0].mediaType).toBe(OCI_LAYER_TAR_GZIP);
    expect(image.manifest.annotations).toEqual({ "module.wasm.image/variant": "compat" });
    const extracted = await extractWasmFromImage(image.manifest, readerOf(image));
    expect(extracted.variant).toBe("compat");
    expect(Buffer.from(extracted.wasm).equals(Buffer.from(wasm))).toBe(true);
  });

  it("writes a tar with fixed metadata and a gzip header without time, name or OS", () => {
    const layer = buildPluginLayer(wasm);
    const header = new Header(Buffer.from(layer.tar), 0);
    expect(header.path).toBe("plugin.wasm");
    expect(header.mode).toBe(0o644);
    expect(header.uid).toBe(0);
    expect(header.gid).toBe(0);
    expect(header.mtime?.getTime()).toBe(0);
    expect(header.size).toBe(wasm.length);
    expect(header.cksumValid).toBe(true);
    // gzip: magic, deflate, no FNAME flag, MTIME 0, OS 255.
    expect([...layer.gzip.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect([...layer.gzip.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(layer.gzip[9]).toBe(255);
    expect(Buffer.from(gunzipSync(layer.gzip)).equals(Buffer.from(layer.tar))).toBe(true);
    // The config's diff_id is the digest of the uncompressed tar.
    const image = buildWasmImage(wasm);
    const config = JSON.parse(Buffer.from(image.blobs.get(image.manifest.config.digest)!).toString());
    expect(config.rootfs.diff_ids).toEqual([sha256Digest(layer.tar)]);
  });

  it("refuses a layer without plugin.wasm with the file list in the message", () => {
    const header = new Header({ path: "other.wasm", size: 4, mode: 0o644, type: "File", mtime: new Date(0) });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    const tar = Buffer.concat([block, Buffer.from("abcd"), Buffer.alloc(508 + 1024)]);
    expect(() => extractPluginWasm(gzipSync(tar))).toThrow(/plugin\.wasm not found in the layer \(it holds: other\.wasm\)/);
    expect(() => extractPluginWasm(new Uint8Array([1, 2, 3]))).toThrow(/not a valid gzip stream/);
  });
});

describe("oci variant", () => {
  it("has exactly two layers, one the raw wasm, and the wasm runtime config", async () => {
    const image = buildWasmImage(wasm, { format: "oci", rootIds: ["hello"] });
    expect(image.manifest.config.mediaType).toBe(WASM_CONFIG);
    expect(image.manifest.layers.map((l) => l.mediaType)).toEqual([WASM_CONFIG, WASM_CONTENT_LAYER]);
    const runtime = JSON.parse(Buffer.from(image.blobs.get(image.manifest.config.digest)!).toString());
    expect(runtime).toMatchObject({ type: "envoy_proxy", config: { root_ids: ["hello"] } });
    const wasmLayer = image.manifest.layers[1];
    expect(Buffer.from(image.blobs.get(wasmLayer.digest)!).equals(Buffer.from(wasm))).toBe(true);
    const extracted = await extractWasmFromImage(image.manifest, readerOf(image));
    expect(extracted.variant).toBe("oci");
    expect(Buffer.from(extracted.wasm).equals(Buffer.from(wasm))).toBe(true);
  });
});

describe("the fetcher rules refuse what Envoy Gateway refuses", () => {
  it("a last layer of another media type, and a wasm artifact with three layers", async () => {
    const compat = buildWasmImage(wasm);
    const wrongType = { ...compat.manifest, layers: [{ ...compat.manifest.layers[0], mediaType: "application/vnd.oci.image.layer.v1.tar" }] };
    await expect(extractWasmFromImage(wrongType, readerOf(compat))).rejects.toThrow(
      /as compat variant: invalid media type application\/vnd\.oci\.image\.layer\.v1\.tar \(expect application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip\); as oci variant: number of layers must be 2 but got 1/,
    );
    const oci = buildWasmImage(wasm, { format: "oci" });
    const threeLayers = { ...oci.manifest, layers: [...oci.manifest.layers, oci.manifest.layers[0]] };
    await expect(extractWasmFromImage(threeLayers, readerOf(oci))).rejects.toThrow(/number of layers must be 2 but got 3/);
    const noWasmLayer = { ...oci.manifest, layers: [oci.manifest.layers[0], oci.manifest.layers[0]] };
    await expect(extractWasmFromImage(noWasmLayer, readerOf(oci))).rejects.toThrow(/could not find the layer of type application\/vnd\.module\.wasm\.content\.layer\.v1\+wasm/);
  });
});

describe("Docker-format images (as `docker build` + `docker push` make them)", () => {
  it("are read from their last Docker tar+gzip layer, and refused with an OCI layer type", async () => {
    const compat = buildWasmImage(wasm);
    const docker = {
      ...compat.manifest,
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      layers: [{ ...compat.manifest.layers[0], mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip" }],
    };
    const extracted = await extractWasmFromImage(docker, readerOf(compat));
    expect(extracted.variant).toBe("docker");
    expect(Buffer.from(extracted.wasm).equals(Buffer.from(wasm))).toBe(true);
    const mixed = { ...docker, layers: compat.manifest.layers };
    await expect(extractWasmFromImage(mixed, readerOf(compat))).rejects.toThrow(
      /as a Docker image: invalid media type application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip \(expect application\/vnd\.docker\.image\.rootfs\.diff\.tar\.gzip\)/,
    );
  });
});

describe("reproducibility", () => {
  it("the same module gives the same digest, in both variants, and a changed module another", () => {
    for (const format of ["compat", "oci"] as const) {
      const a = buildWasmImage(wasm, { format });
      const b = buildWasmImage(new Uint8Array(wasm), { format });
      expect(a.digest).toBe(b.digest);
      expect(Buffer.from(a.manifestBytes).equals(Buffer.from(b.manifestBytes))).toBe(true);
      const changed = new Uint8Array([...wasm, 0]);
      expect(buildWasmImage(changed, { format }).digest).not.toBe(a.digest);
    }
    expect(buildWasmImage(wasm, { format: "compat" }).digest).not.toBe(buildWasmImage(wasm, { format: "oci" }).digest);
  });

  it("two layouts written from the same module are byte-identical, file for file", async () => {
    const dirs = [path.join(tmp, "one"), path.join(tmp, "two")];
    for (const dir of dirs) await writeImageLayout(dir, buildWasmImage(wasm), "v1");
    const listing = async (dir: string) => {
      const files: Record<string, string> = {};
      for (const name of ["oci-layout", "index.json"]) files[name] = (await readFile(path.join(dir, name))).toString("hex");
      for (const blob of await readdir(path.join(dir, "blobs", "sha256"))) {
        files[blob] = (await readFile(path.join(dir, "blobs", "sha256", blob))).toString("hex");
      }
      return files;
    };
    const [a, b] = await Promise.all(dirs.map(listing));
    expect(Object.keys(a)).toHaveLength(2 + 3);
    expect(a).toEqual(b);
  });
});

describe("OCI layout", () => {
  it("round-trips, keeps other tags, and names the tags it has when one is missing", async () => {
    const dir = path.join(tmp, "layout");
    const compat = buildWasmImage(wasm);
    const oci = buildWasmImage(wasm, { format: "oci" });
    await writeImageLayout(dir, compat, "v1");
    await writeImageLayout(dir, oci, "v1-oci");
    const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8"));
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations["org.opencontainers.image.ref.name"])).toEqual(["v1", "v1-oci"]);
    const back = await readImageLayout(dir, "v1-oci");
    expect(back.digest).toBe(oci.digest);
    expect(back.blobs.size).toBe(oci.blobs.size);
    await expect(readImageLayout(dir)).rejects.toThrow(/holds 2 images \(v1, v1-oci\); name one/);
    await expect(readImageLayout(dir, "v2")).rejects.toThrow(/has no image tagged "v2" \(it has: v1, v1-oci\)/);
  });

  it("detects a corrupted blob and refuses a folder that is not a layout", async () => {
    const dir = path.join(tmp, "corrupt");
    const image = buildWasmImage(wasm);
    await writeImageLayout(dir, image, "v1");
    const layer = image.manifest.layers[0].digest;
    await writeFile(path.join(dir, "blobs", "sha256", layer.slice(7)), "tampered");
    await expect(readImageLayout(dir, "v1")).rejects.toThrow(new RegExp(`digest mismatch for layer 0 in .*: expected ${layer}`));
    const notLayout = path.join(tmp, "not-layout");
    await writeImageLayout(path.join(notLayout, "x"), image, "v1");
    await expect(writeImageLayout(notLayout, image, "v1")).rejects.toThrow(/exists and is not an OCI image layout/);
  });
});
