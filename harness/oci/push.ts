// `image push`: every blob the registry lacks (HEAD first), then the manifest under the tag.
import type { Credentials } from "./credentials.ts";
import type { WasmImage } from "./image.ts";
import { OCI_MANIFEST } from "./media-types.ts";
import { silentProgress, type Progress } from "./progress.ts";
import { formatImageReference, type ImageReference } from "./reference.ts";
import { RegistryClient, type RetryPolicy } from "./registry-client.ts";
import { UserError } from "../cli/errors.ts";

export interface TransferOptions {
  credentials?: Credentials;
  insecure?: boolean;
  retry?: Partial<RetryPolicy>;
  chunkSize?: number;
  progress?: Progress;
  timeoutMs?: number;
}

export interface PushResult {
  /** registry/repo:tag@sha256:… */
  reference: string;
  digest: string;
  /** Blobs uploaded, and those the registry already had. */
  uploaded: string[];
  skipped: string[];
}

export function clientFor(ref: ImageReference, options: TransferOptions, onUploadProgress?: (digest: string, sent: number, total: number) => void): RegistryClient {
  return new RegistryClient({
    registry: ref.registry,
    repository: ref.repository,
    credentials: options.credentials,
    insecure: options.insecure,
    retry: options.retry,
    chunkSize: options.chunkSize,
    timeoutMs: options.timeoutMs,
    onUploadProgress,
  });
}

export async function pushImage(image: WasmImage, ref: ImageReference, options: TransferOptions = {}): Promise<PushResult> {
  const progress = options.progress ?? silentProgress;
  const label = (digest: string) => `uploading ${digest.slice(7, 19)}`;
  const client = clientFor(ref, options, (digest, sent, total) => progress.update(label(digest), sent, total));
  if (ref.digest && ref.digest !== image.digest) {
    throw new UserError(`the reference names digest ${ref.digest} but the image's digest is ${image.digest}`);
  }
  const uploaded: string[] = [];
  const skipped: string[] = [];
  try {
    for (const [digest, bytes] of image.blobs) {
      if (await client.hasBlob(digest)) {
        skipped.push(digest);
        continue;
      }
      progress.update(label(digest), 0, bytes.length);
      await client.uploadBlob(digest, bytes);
      uploaded.push(digest);
    }
    const tagOrDigest = ref.tag ?? image.digest;
    const reported = await client.putManifest(tagOrDigest, image.manifest.mediaType ?? OCI_MANIFEST, image.manifestBytes);
    if (reported && reported !== image.digest) {
      throw new UserError(`the registry stored the manifest as ${reported}, not ${image.digest}: it rewrote the manifest`);
    }
  } finally {
    progress.finish();
  }
  return {
    reference: `${formatImageReference({ ...ref, digest: undefined })}@${image.digest}`,
    digest: image.digest,
    uploaded,
    skipped,
  };
}
