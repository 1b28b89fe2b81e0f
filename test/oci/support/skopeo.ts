// skopeo as the independent client: copy a pushed image to an OCI layout and get plugin.wasm out
// of it with the `tar` package's extractor (not our own reader), so a passing test means another
// implementation of the distribution API and the image format agrees with ours.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { x as extractTar } from "tar";
import { SKOPEO_BIN } from "./registry.ts";

const run = promisify(execFile);

export async function skopeoCopy(ref: string, layoutDir: string, tag: string, creds?: string): Promise<void> {
  const args = ["--insecure-policy", "copy", "--src-tls-verify=false", ...(creds ? ["--src-creds", creds] : []), `docker://${ref}`, `oci:${layoutDir}:${tag}`];
  await run(SKOPEO_BIN, args, { timeout: 60_000 });
}

/** The digest of the manifest skopeo fetches (`inspect --raw`: skopeo refuses to interpret wasm artifacts). */
export async function skopeoInspectDigest(ref: string, creds?: string): Promise<string> {
  const { stdout } = await run(SKOPEO_BIN, ["inspect", "--raw", "--tls-verify=false", ...(creds ? ["--creds", creds] : []), `docker://${ref}`], {
    timeout: 60_000,
    encoding: "buffer",
  });
  // skopeo ends the raw bytes with one newline of its own.
  const raw = stdout.at(-1) === 0x0a ? stdout.subarray(0, -1) : stdout;
  return `sha256:${createHash("sha256").update(raw).digest("hex")}`;
}

export async function wasmFromLayout(layoutDir: string, tag: string): Promise<{ wasm: Buffer; manifestDigest: string; layerTypes: string[] }> {
  const blob = (digest: string) => path.join(layoutDir, "blobs", "sha256", digest.replace("sha256:", ""));
  const index = JSON.parse(await readFile(path.join(layoutDir, "index.json"), "utf8"));
  const entry = index.manifests.find((m: { annotations?: Record<string, string> }) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (!entry) throw new Error(`skopeo's layout has no ${tag}`);
  const manifest = JSON.parse(await readFile(blob(entry.digest), "utf8")) as { layers: Array<{ mediaType: string; digest: string }> };
  const layerTypes = manifest.layers.map((l) => l.mediaType);
  const wasmLayer = manifest.layers.find((l) => l.mediaType === "application/vnd.module.wasm.content.layer.v1+wasm");
  if (wasmLayer) return { wasm: await readFile(blob(wasmLayer.digest)), manifestDigest: entry.digest, layerTypes };
  const last = manifest.layers[manifest.layers.length - 1];
  const out = path.join(layoutDir, "extracted");
  await mkdir(out, { recursive: true });
  await extractTar({ file: blob(last.digest), cwd: out });
  return { wasm: await readFile(path.join(out, "plugin.wasm")), manifestDigest: entry.digest, layerTypes };
}
