// A client for the OCI distribution API of one repository: blob existence, blob upload
// (monolithic POST+PUT or chunked POST+PATCH…+PUT), manifest PUT/GET, blob GET, with the
// registry's authentication challenge flow (registry-auth.ts) and retries with backoff on 5xx,
// 429 and dropped connections (retry.ts). Uses Node's built-in fetch.
import { UserError } from "../cli/errors.ts";
import type { Credentials } from "./credentials.ts";
import { verifyDigest } from "./digest.ts";
import { registryBaseUrl } from "./reference.ts";
import { bodySnippet, identity, RegistryAuth } from "./registry-auth.ts";
import { DEFAULT_RETRY, RetryableError, withRetry, type RetryPolicy } from "./retry.ts";

export type { RetryPolicy } from "./retry.ts";

export interface RegistryClientOptions {
  registry: string;
  repository: string;
  credentials?: Credentials;
  /** Plain HTTP to a non-loopback registry. */
  insecure?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Blobs larger than this go up in chunks of this size (PATCH); smaller ones in one PUT. Default 8 MiB. */
  chunkSize?: number;
  /** Called as upload bytes are accepted by the registry. */
  onUploadProgress?: (digest: string, sent: number, total: number) => void;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
}

/** Envoy Gateway refuses modules over 256 MiB; a layer (gzip adds little) gets some headroom. */
export const MAX_BLOB_BYTES = 300 * 1024 * 1024;

const CONNECTION_DROPPED = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ETIMEDOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code;
}

interface RequestInit2 {
  method: string;
  /** Path under the base URL, or an absolute URL (upload locations). */
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Status codes that are a success for this call. */
  expect: number[];
  what: string;
}

export class RegistryClient {
  readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly auth: RegistryAuth;
  private readonly chunkSize: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RegistryClientOptions) {
    this.baseUrl = registryBaseUrl(options.registry, options.insecure ?? false);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.chunkSize = options.chunkSize ?? 8 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.auth = new RegistryAuth(options.registry, options.credentials, this.timeoutMs);
  }

  private get repoPath(): string {
    return `/v2/${this.options.repository}`;
  }

  private withRetry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(what, this.baseUrl, this.retry, operation);
  }

  private async send(init: RequestInit2): Promise<Response> {
    const url = new URL(init.url, this.baseUrl).toString();
    const headers: Record<string, string> = { ...init.headers };
    if (this.auth.header) headers.authorization = this.auth.header;
    try {
      return await fetch(url, {
        method: init.method,
        headers,
        body: init.body as unknown as BodyInit | undefined,
        redirect: "follow",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const code = errorCode(error);
      if (code && CONNECTION_DROPPED.has(code)) throw new RetryableError(`${init.what}: connection lost (${code})`);
      if ((error as Error).name === "TimeoutError") throw new RetryableError(`${init.what}: no answer within ${this.timeoutMs} ms`);
      const reason = code === "ECONNREFUSED" ? "connection refused" : code === "ENOTFOUND" ? "host not found" : code ?? (error as Error).message;
      const hint = code === "ECONNREFUSED" ? " (is the registry running?)" : "";
      const tlsHint = /SSL|TLS|EPROTO/i.test(String(code) + String((error as { cause?: Error }).cause?.message))
        ? " (it may not speak HTTPS: use --insecure for a plain-HTTP registry)"
        : "";
      throw new UserError(`cannot reach registry ${this.options.registry} at ${url}: ${reason}${hint}${tlsHint}`);
    }
  }

  /** One request with the auth flow: on 401, answer the challenge once and send it again. */
  private async request(init: RequestInit2, scope: string): Promise<Response> {
    let response = await this.send(init);
    if (response.status === 401) {
      await response.arrayBuffer().catch(() => undefined);
      await this.auth.answer(response.headers.get("www-authenticate"), scope);
      response = await this.send(init);
      if (response.status === 401) throw await this.failure(response, init.what, "authentication failed");
    }
    if (init.expect.includes(response.status)) return response;
    if (response.status >= 500 || response.status === 429) {
      const detail = await bodySnippet(response);
      throw new RetryableError(`${init.what}: HTTP ${response.status}${detail}`);
    }
    if (response.status === 403) throw await this.failure(response, init.what, "access denied");
    throw await this.failure(response, init.what, "unexpected answer");
  }

  private async failure(response: Response, what: string, kind: string): Promise<UserError> {
    return new UserError(`${what}: ${kind} by registry ${this.options.registry} ${identity(this.options.credentials)}: HTTP ${response.status}${await bodySnippet(response)}`);
  }

  /** True when the registry already has the blob (HEAD 200), false on 404. */
  async hasBlob(digest: string): Promise<boolean> {
    return this.withRetry(`checking blob ${digest}`, async () => {
      const response = await this.request(
        { method: "HEAD", url: `${this.repoPath}/blobs/${digest}`, expect: [200, 404], what: `HEAD blob ${digest}` },
        this.pushScope,
      );
      return response.status === 200;
    });
  }

  private get pushScope(): string {
    return `repository:${this.options.repository}:pull,push`;
  }

  private get pullScope(): string {
    return `repository:${this.options.repository}:pull`;
  }

  /** Uploads one blob; a failed session is abandoned and the whole upload tried again. */
  async uploadBlob(digest: string, bytes: Uint8Array): Promise<void> {
    await this.withRetry(`uploading blob ${digest}`, async () => {
      const start = await this.request(
        { method: "POST", url: `${this.repoPath}/blobs/uploads/`, expect: [202], what: `starting the upload of ${digest}` },
        this.pushScope,
      );
      await start.arrayBuffer();
      let location = uploadLocation(start, digest);
      let body: Uint8Array | undefined = bytes;
      if (bytes.length > this.chunkSize) {
        for (let offset = 0; offset < bytes.length; offset += this.chunkSize) {
          const chunk = bytes.subarray(offset, Math.min(offset + this.chunkSize, bytes.length));
          const patched = await this.request(
            {
              method: "PATCH",
              url: location,
              headers: {
                "content-type": "application/octet-stream",
                "content-range": `${offset}-${offset + chunk.length - 1}`,
              },
              body: chunk,
              expect: [202],
              what: `uploading bytes ${offset}-${offset + chunk.length - 1} of ${digest}`,
            },
            this.pushScope,
          );
          await patched.arrayBuffer();
          location = uploadLocation(patched, digest);
          this.options.onUploadProgress?.(digest, offset + chunk.length, bytes.length);
        }
        body = undefined;
      }
      const finish = await this.request(
        {
          method: "PUT",
          url: withQuery(location, "digest", digest),
          headers: { "content-type": "application/octet-stream" },
          body: body ?? new Uint8Array(0),
          expect: [201],
          what: `completing the upload of ${digest}`,
        },
        this.pushScope,
      );
      await finish.arrayBuffer();
      if (body) this.options.onUploadProgress?.(digest, bytes.length, bytes.length);
    });
  }

  /** PUTs the manifest under `reference` (tag or digest); returns the digest the registry reports. */
  async putManifest(reference: string, mediaType: string, bytes: Uint8Array): Promise<string | undefined> {
    return this.withRetry(`uploading the manifest ${reference}`, async () => {
      const response = await this.request(
        {
          method: "PUT",
          url: `${this.repoPath}/manifests/${reference}`,
          headers: { "content-type": mediaType },
          body: bytes,
          expect: [201, 200],
          what: `PUT manifest ${this.options.repository}:${reference}`,
        },
        this.pushScope,
      );
      await response.arrayBuffer();
      return response.headers.get("docker-content-digest") ?? undefined;
    });
  }

  /** GETs a manifest; verifies it against the digest asked for, or the one the registry names. */
  async getManifest(reference: string, accept: string): Promise<{ bytes: Uint8Array; mediaType: string; digest: string | undefined }> {
    return this.withRetry(`fetching the manifest ${reference}`, async () => {
      const response = await this.request(
        {
          method: "GET",
          url: `${this.repoPath}/manifests/${reference}`,
          headers: { accept },
          expect: [200, 404],
          what: `GET manifest ${this.options.repository}:${reference}`,
        },
        this.pullScope,
      );
      if (response.status === 404) {
        await response.arrayBuffer();
        throw new UserError(`${this.options.registry}/${this.options.repository}:${reference} not found in the registry`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      const named = reference.startsWith("sha256:") ? reference : response.headers.get("docker-content-digest") ?? undefined;
      if (named) verifyDigest(bytes, named, `manifest ${this.options.repository}:${reference}`);
      return { bytes, mediaType: response.headers.get("content-type") ?? "", digest: named };
    });
  }

  /** GETs a blob and verifies its digest. */
  async getBlob(digest: string, maxBytes = MAX_BLOB_BYTES): Promise<Uint8Array> {
    return this.withRetry(`fetching blob ${digest}`, async () => {
      const response = await this.request(
        { method: "GET", url: `${this.repoPath}/blobs/${digest}`, expect: [200], what: `GET blob ${digest}` },
        this.pullScope,
      );
      const length = Number(response.headers.get("content-length") ?? "0");
      if (length > maxBytes) {
        await response.body?.cancel();
        throw new UserError(`blob ${digest} of ${this.options.repository} is ${length} bytes; more than the ${maxBytes} a Wasm image layer may have`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      verifyDigest(bytes, digest, `blob ${digest} of ${this.options.repository}`);
      return bytes;
    });
  }
}

function uploadLocation(response: Response, digest: string): string {
  const location = response.headers.get("location");
  if (!location) throw new UserError(`the registry gave no upload location for ${digest} (no Location header on ${response.status})`);
  // Relative locations resolve against the URL that answered.
  return new URL(location, response.url).toString();
}

function withQuery(location: string, key: string, value: string): string {
  const url = new URL(location);
  url.searchParams.set(key, value);
  return url.toString();
}
