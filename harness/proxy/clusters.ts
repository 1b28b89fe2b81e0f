// Named clusters of the gateway file as real HTTP endpoints: the proxy forwards routed requests to
// them and resolves filters' http_call / grpc_call through them, round-robin over each cluster's
// endpoints, over HTTP/1.1 or (clusters with `http2: true`) HTTP/2.
import type { ClusterRequest, ClusterResolver, ClusterResponse, ClusterStream, ClusterStreamHandlers, HeaderList } from "../host/api.ts";
import type { Cluster, Endpoint } from "../gateway/model.ts";
import { Http1Upstreams } from "./upstream-http1.ts";
import { Http2Upstreams } from "./upstream-http2.ts";
import type { UpstreamHandlers, UpstreamRequest } from "./upstream.ts";

/**
 * What a filter's http_call gets when the upstream cannot be reached: Envoy's async client runs
 * the router, whose local reply arrives as a response (onSuccess), not as a failure.
 */
const CONNECT_ERROR_BODY = "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
const UPSTREAM_CONNECT_ERROR: ClusterResponse = {
  status: 503,
  headers: [["content-length", String(CONNECT_ERROR_BODY.length)], ["content-type", "text/plain"]],
  body: CONNECT_ERROR_BODY,
};

export class ClusterSet implements ClusterResolver {
  private readonly byName = new Map<string, Cluster>();
  private readonly nextEndpoint = new Map<string, number>();
  private readonly http1 = new Http1Upstreams();
  private readonly http2 = new Http2Upstreams();

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

  /**
   * Sends `headers` (with :method, :path, :authority) to the next endpoint of `cluster`; the
   * caller writes the body and hears the answer through `handlers`. Throws when the headers
   * cannot be encoded.
   */
  open(cluster: string, headers: HeaderList, handlers: UpstreamHandlers): UpstreamRequest {
    const { cluster: c, endpoint } = this.pick(cluster);
    const target = { host: endpoint.host, port: endpoint.port, secure: c.protocol === "https", connectTimeoutMs: c.connectTimeoutMs };
    return (c.http2 ? this.http2 : this.http1).open(target, headers, handlers);
  }

  /** A filter's gRPC stream: a live exchange, each message sent and answered as it comes. */
  openStream(cluster: string, headers: HeaderList, handlers: ClusterStreamHandlers): ClusterStream {
    return this.open(cluster, headers, handlers);
  }

  /** A filter's http_call (or grpc_call): the whole response, or the failure Envoy reports. */
  call(request: ClusterRequest): Promise<ClusterResponse> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: ClusterResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      let status = 502;
      let headersSeen = false;
      let headers: HeaderList = [];
      const chunks: Uint8Array[] = [];
      let upstream: UpstreamRequest;
      try {
        upstream = this.open(request.cluster, request.headers, {
          onHeaders: (s, h) => { status = s; headers = h; headersSeen = true; },
          onData: (chunk) => { chunks.push(chunk); },
          onEnd: (trailers) => settle({ status, headers, body: Buffer.concat(chunks), trailers }),
          onError: () => settle(headersSeen ? { failure: "reset" } : UPSTREAM_CONNECT_ERROR),
        });
      } catch {
        // Envoy's codec refuses headers it cannot encode; the call fails as a reset.
        resolve({ failure: "reset" });
        return;
      }
      const timer = setTimeout(() => {
        settle({ failure: "timeout" });
        upstream.destroy();
      }, request.timeoutMs);
      upstream.end(request.body, request.trailers);
    });
  }

  close(): void {
    this.http1.close();
    this.http2.close();
  }
}
