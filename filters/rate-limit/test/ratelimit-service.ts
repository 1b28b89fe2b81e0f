// A tiny envoyproxy/ratelimit stand-in speaking its JSON API (POST /json), on 127.0.0.1, for tests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ClusterHandler } from "../../../harness/testing.ts";

interface Descriptor { entries: Array<{ key: string; value: string }> }
export interface RateLimitRequest { domain: string; descriptors: Descriptor[] }

/** A tiny rate-limit service: `limit` requests per descriptor per minute, counted since start. */
export class RateLimitService {
  readonly received: RateLimitRequest[] = [];
  private readonly counts = new Map<string, number>();
  private server!: http.Server;
  url = "";

  constructor(private readonly limit: number) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (req.method !== "POST" || req.url !== "/json") {
          res.writeHead(404).end();
          return;
        }
        const request = JSON.parse(body) as RateLimitRequest;
        this.received.push(request);
        const statuses = request.descriptors.map((d) => {
          const key = request.domain + JSON.stringify(d.entries);
          const used = (this.counts.get(key) ?? 0) + 1;
          this.counts.set(key, used);
          const over = used > this.limit;
          return {
            code: over ? "OVER_LIMIT" : "OK",
            currentLimit: { requestsPerUnit: this.limit, unit: "MINUTE" },
            limitRemaining: Math.max(0, this.limit - used),
            durationUntilReset: "42s",
          };
        });
        const overall = statuses.some((s) => s.code === "OVER_LIMIT") ? "OVER_LIMIT" : "OK";
        res.writeHead(overall === "OK" ? 200 : 429, { "content-type": "application/json" });
        res.end(JSON.stringify({ overallCode: overall, statuses }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A cluster handler forwarding http_call requests to this service. */
  cluster(): ClusterHandler {
    return async (req) => {
      const res = await fetch(this.url + req.path, { method: req.method, body: req.body, headers: { "content-type": req.headers["content-type"] ?? "" } });
      return { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "" }, body: await res.text() };
    };
  }
}
