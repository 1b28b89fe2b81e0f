// The OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/<hex>`): what
// `image build` writes and `image push` reads, the same format skopeo's `oci:DIR` uses.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../cli/errors.ts";
import { canonicalJson } from "./canonical-json.ts";
import { digestHex, isDigest, verifyDigest, type Digest } from "./digest.ts";
import type { Descriptor, ImageManifest, WasmImage } from "./image.ts";
import { OCI_INDEX, REF_NAME_ANNOTATION } from "./media-types.ts";

const LAYOUT_FILE = "oci-layout";
const LAYOUT_VERSION = { imageLayoutVersion: "1.0.0" };

interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export function isImageLayout(dir: string): boolean {
  return existsSync(path.join(dir, LAYOUT_FILE));
}

function blobPath(dir: string, digest: string): string {
  return path.join(dir, "blobs", "sha256", digestHex(digest));
}

async function readIndex(dir: string): Promise<ImageIndex> {
  const file = path.join(dir, "index.json");
  let index: ImageIndex;
  try {
    index = JSON.parse(await readFile(file, "utf8")) as ImageIndex;
  } catch (error) {
    throw new UserError(`${file}: not a readable OCI image index (${(error as Error).message})`);
  }
  if (!Array.isArray(index.manifests)) throw new UserError(`${file}: field "manifests" must be a list`);
  return index;
}

/**
 * Writes `image` into the layout at `dir` under tag `refName`. An existing layout keeps its other
 * images (an entry with the same tag is replaced); a non-empty folder that is not a layout is refused.
 */
export async function writeImageLayout(dir: string, image: WasmImage, refName: string): Promise<void> {
  let manifests: Descriptor[] = [];
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    if (!isImageLayout(dir)) throw new UserError(`${dir} exists and is not an OCI image layout; choose an empty or new folder`);
    manifests = (await readIndex(dir)).manifests.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] !== refName);
  }
  await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
  const all: Array<[string, Uint8Array]> = [...image.blobs, [image.digest, image.manifestBytes]];
  for (const [digest, bytes] of all) await writeFile(blobPath(dir, digest), bytes);
  manifests.push({
    mediaType: image.manifest.mediaType ?? "application/vnd.oci.image.manifest.v1+json",
    digest: image.digest,
    size: image.manifestBytes.length,
    annotations: { [REF_NAME_ANNOTATION]: refName },
  });
  const index: ImageIndex = { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
  await writeFile(path.join(dir, LAYOUT_FILE), canonicalJson(LAYOUT_VERSION));
  await writeFile(path.join(dir, "index.json"), canonicalJson(index));
}

async function readBlob(dir: string, digest: string, what: string): Promise<Uint8Array> {
  if (!isDigest(digest)) throw new UserError(`${dir}: ${what} has an invalid digest "${digest}" (expected sha256:<64 hex>)`);
  const file = blobPath(dir, digest);
  if (!existsSync(file)) throw new UserError(`${dir}: ${what} ${digest} is missing (no ${path.relative(dir, file)})`);
  const bytes = new Uint8Array(await readFile(file));
  verifyDigest(bytes, digest, `${what} in ${dir}`);
  return bytes;
}

/** Reads one image from a layout: the one tagged `refName`, or the only one when no tag is given. */
export async function readImageLayout(dir: string, refName?: string): Promise<WasmImage> {
  if (!isImageLayout(dir)) throw new UserError(`${dir} is not an OCI image layout (no ${LAYOUT_FILE} file)`);
  const index = await readIndex(dir);
  const tags = index.manifests.map((m) => m.annotations?.[REF_NAME_ANNOTATION] ?? "(untagged)");
  let entry: Descriptor | undefined;
  if (refName !== undefined) {
    entry = index.manifests.find((m) => m.annotations?.[REF_NAME_ANNOTATION] === refName);
    if (!entry) throw new UserError(`${dir} has no image tagged "${refName}" (it has: ${tags.join(", ") || "none"})`);
  } else if (index.manifests.length === 1) {
    entry = index.manifests[0];
  } else {
    throw new UserError(`${dir} holds ${index.manifests.length} images (${tags.join(", ")}); name one as ${dir}:<tag>`);
  }
  const manifestBytes = await readBlob(dir, entry.digest, "manifest");
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as ImageManifest;
  if (!manifest.config || !Array.isArray(manifest.layers)) {
    throw new UserError(`${dir}: manifest ${entry.digest} is not an image manifest (needs "config" and "layers")`);
  }
  const blobs = new Map<Digest, Uint8Array>();
  for (const [i, d] of [manifest.config, ...manifest.layers].entries()) {
    blobs.set(d.digest, await readBlob(dir, d.digest, i === 0 ? "config" : `layer ${i - 1}`));
  }
  return { manifest, manifestBytes, digest: entry.digest as Digest, blobs };
}
