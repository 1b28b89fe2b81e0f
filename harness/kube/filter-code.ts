// Where a cluster fetches a filter's module from: an OCI image (url + the image's manifest digest)
// or an HTTP(S) URL (url + the module's sha256, computed from the local .wasm when not given).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Filter } from "../gateway/model.ts";

export type FilterCodeSource =
  | { type: "Image"; url: string; sha256?: string }
  | { type: "HTTP"; url: string; sha256: string };

const SHA256_HEX = /^[a-f0-9]{64}$/;

export interface CodeResult {
  code?: FilterCodeSource;
  problems: string[];
  warnings: string[];
}

export function filterCodeSource(filter: Filter, imageDigests: ReadonlyMap<string, string> = new Map()): CodeResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const { image, url } = filter.code;
  if (image && url) problems.push("give image or url for Kubernetes, not both");
  if (image) {
    const digest = imageDigests.get(filter.name) ?? filter.code.imageDigest;
    const hex = digest?.replace(/^sha256:/, "");
    if (hex !== undefined && !SHA256_HEX.test(hex)) problems.push(`image_digest "${digest}" is not sha256:<64 lower-case hex>`);
    if (hex === undefined) warnings.push(`filter "${filter.name}": image ${image} has no digest, so the cluster cannot verify it (push with --push, or set image_digest)`);
    const code: FilterCodeSource = { type: "Image", url: image, ...(hex !== undefined ? { sha256: hex } : {}) };
    return { code: problems.length ? undefined : code, problems, warnings };
  }
  if (url) {
    if (!/^https?:\/\//.test(url)) problems.push(`url "${url}" must be http:// or https://`);
    let sha256 = filter.code.sha256?.replace(/^sha256:/, "");
    if (sha256 === undefined) {
      if (existsSync(filter.code.wasm)) {
        sha256 = createHash("sha256").update(readFileSync(filter.code.wasm)).digest("hex");
      } else {
        problems.push(`url needs sha256, and the local module ${filter.code.wasm} to compute it from does not exist (build it first, or set sha256)`);
      }
    } else if (!SHA256_HEX.test(sha256)) {
      problems.push(`sha256 "${filter.code.sha256}" is not 64 lower-case hex digits`);
    }
    return { code: sha256 && !problems.length ? { type: "HTTP", url, sha256 } : undefined, problems, warnings };
  }
  problems.push("needs image (an OCI reference, e.g. registry.example.com/filters/x:v1) or url (where the cluster downloads the .wasm) for Kubernetes");
  return { problems, warnings };
}
