// A minimal in-memory distribution API on 127.0.0.1 with fault injection, for failures a real
// registry will not produce on demand: 5xx mid-upload, dropped connections, corrupt blobs.
import { createHash } from "node:crypto";
import http from "node:http";

export interface Fault {
  /** Which requests fail, e.g. (m, p) => m === "PUT" && p.includes("/blobs/uploads/"). */
  match: (method: string, pathname: string) => boolean;
  /** How many matching requests fail; Infinity for always. */
  times: number;
  /** 500 by default; "drop" destroys the socket without an answer. */
  status?: number | "drop";
}

export interface FakeRegistry {
  host: string;
  blobs: Map<string, Buffer>;
  manifests: Map<string, { bytes: Buffer; type: string }>;
  /** Every request as "METHOD /path". */
  log: string[];
  faults: Fault[];
  /** Serve these bytes for the blob instead of the stored ones (a corrupt registry or proxy). */
  corruptBlobs: Map<string, Buffer>;
  /** Announce this Content-Length for these blobs (then close): a registry serving something huge. */
  hugeBlobs: Map<string, number>;
  /** Send this Docker-Content-Digest with manifests instead of the true one. */
  lyingManifestDigest?: string;
  stop(): Promise<void>;
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export async function startFakeRegistry(): Promise<FakeRegistry> {
  const state: Omit<FakeRegistry, "host" | "stop"> = {
    blobs: new Map(),
    manifests: new Map(),
    log: [],
    faults: [],
    corruptBlobs: new Map(),
    hugeBlobs: new Map(),
  };
  const uploads = new Map<string, Buffer[]>();
  let uploadCounter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const method = req.method ?? "GET";
      state.log.push(`${method} ${url.pathname}`);
      const fault = state.faults.find((f) => f.times > 0 && f.match(method, url.pathname));
      if (fault) {
        fault.times--;
        if (fault.status === "drop") {
          req.socket.destroy();
          return;
        }
        res.writeHead(fault.status ?? 500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "UNKNOWN", message: "injected failure" }] }));
        return;
      }
      const body = Buffer.concat(chunks);
      const m = /^\/v2\/(.+?)\/(blobs|manifests)\/(.*)$/.exec(url.pathname);
      if (!m) {
        res.writeHead(url.pathname === "/v2/" ? 200 : 404).end();
        return;
      }
      const [, repo, kind, rest] = m;
      if (kind === "blobs" && rest.startsWith("uploads/")) {
        const id = rest.slice("uploads/".length);
        if (method === "POST") {
          const newId = `u${++uploadCounter}`;
          uploads.set(newId, []);
          res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${newId}` }).end();
          return;
        }
        const parts = uploads.get(id);
        if (!parts) {
          res.writeHead(404).end();
          return;
        }
        parts.push(body);
        if (method === "PATCH") {
          res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}` }).end();
          return;
        }
        const whole = Buffer.concat(parts);
        const digest = url.searchParams.get("digest") ?? "";
        if (sha256(whole) !== digest) {
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "DIGEST_INVALID" }] }));
          return;
        }
        state.blobs.set(digest, whole);
        uploads.delete(id);
        res.writeHead(201, { location: `/v2/${repo}/blobs/${digest}`, "docker-content-digest": digest }).end();
        return;
      }
      if (kind === "blobs" && state.hugeBlobs.has(rest) && method === "GET") {
        res.writeHead(200, { "content-length": state.hugeBlobs.get(rest)! });
        res.write(Buffer.alloc(1024));
        setTimeout(() => res.destroy(), 100);
        return;
      }
      if (kind === "blobs") {
        const blob = state.corruptBlobs.get(rest) ?? state.blobs.get(rest);
        if (!blob) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { "content-length": blob.length, "docker-content-digest": rest });
        res.end(method === "HEAD" ? undefined : blob);
        return;
      }
      if (method === "PUT") {
        const digest = sha256(body);
        const entry = { bytes: body, type: req.headers["content-type"] ?? "" };
        state.manifests.set(`${repo}:${rest}`, entry);
        state.manifests.set(`${repo}:${digest}`, entry);
        res.writeHead(201, { "docker-content-digest": digest }).end();
        return;
      }
      const manifest = state.manifests.get(`${repo}:${rest}`);
      if (!manifest) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": manifest.type, "docker-content-digest": state.lyingManifestDigest ?? sha256(manifest.bytes) });
      res.end(method === "HEAD" ? undefined : manifest.bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
