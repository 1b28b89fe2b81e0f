// Named clusters of the gateway file as real HTTP endpoints: the proxy forwards routed requests to
// them and resolves filters' http_call through them, round-robin over each cluster's endpoints.
import http from "node:http";
import https from "node:https";
import type { ClusterRequest, ClusterResolver, ClusterResponse, HeaderList } from "../host/api.ts";
import type { Cluster, Endpoint } from "../gateway/model.ts";
import { outgoingHeaders, headerValue, responseHeaderList } from "./headers.ts";

export class ClusterSet implements ClusterResolver {
  private readonly byName = new Map<string, Cluster>();
  private readonly nextEndpoint = new Map<string, number>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(clusters: readonly Cluster[]) {
    for (const c of clusters) this.byName.set(c.name, c);
  }

  has(cluster: string): boolean {
    return this.byName.has(cluster);
  }

  get(cluster: string): Cluster {
    const c = this.byName.get(cluster);
    if (!c) throw new Error(`unknown cluster "${cluster}"`);
    return c;
  }

  /** The next endpoint of `cluster`, round-robin. */
  pick(cluster: string): { cluster: Cluster; endpoint: Endpoint } {
    const c = this.get(cluster);
    const i = this.nextEndpoint.get(cluster) ?? 0;
    this.nextEndpoint.set(cluster, (i + 1) % c.endpoints.length);
    return { cluster: c, endpoint: c.endpoints[i % c.endpoints.length] };
  }

  /** Opens a request to `cluster` (the caller writes the body and reads the response). */
  open(cluster: string, method: string, path: string, headers: HeaderList): http.ClientRequest {
    const { cluster: c, endpoint } = this.pick(cluster);
    const secure = c.protocol === "https";
    const out = outgoingHeaders(headers);
    const authority = headerValue(headers, ":authority");
    if (authority) out.host = authority;
    return (secure ? https : http).request({
      host: endpoint.host,
      port: endpoint.port,
      method,
      path,
      headers: out,
      agent: secure ? this.agents.https : this.agents.http,
      timeout: c.connectTimeoutMs,
    });
  }

  /** A filter's http_call: the whole response, or the failure Envoy reports. */
  call(request: ClusterRequest): Promise<ClusterResponse> {
    return new Promise((resolve) => {
      const method = headerValue(request.headers, ":method") ?? "GET";
      const path = headerValue(request.headers, ":path") ?? "/";
      let settled = false;
      const settle = (r: ClusterResponse) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(r);
        }
      };
      const req = this.open(request.cluster, method, path, request.headers);
      const timer = setTimeout(() => {
        settle({ failure: "timeout" });
        req.destroy();
      }, request.timeoutMs);
      req.on("error", () => settle({ failure: "reset" }));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", () => settle({ failure: "reset" }));
        res.on("end", () => {
          const trailers: HeaderList = Object.entries(res.trailers).map(([k, v]) => [k, String(v)]);
          const headers = responseHeaderList(res.statusCode ?? 502, res.headers).slice(1);
          settle({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks), trailers });
        });
      });
      req.end(request.body.length > 0 ? Buffer.from(request.body) : undefined);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
