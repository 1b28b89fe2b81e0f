// The embedded proxy: a real HTTP server (HTTP/1.1 and cleartext HTTP/2 on one port) that runs
// each request through its route's filter chain in the embedded host and forwards it to the
// route's cluster.
import { createFilterChain, loadPlugin } from "../host/index.ts";
import type { FilterChain, LogEntry, Plugin } from "../host/api.ts";
import type { Gateway } from "../gateway/model.ts";
import { ClusterSet } from "./clusters.ts";
import { Exchange } from "./exchange.ts";
import { requestHeaderList } from "./headers.ts";
import { createListener } from "./listener.ts";
import { selectRoute } from "./routes.ts";

export interface ProxyOptions {
  /** Port to listen on; default the gateway's listener port (0 picks a free one). */
  port?: number;
  /** Address to bind; default the gateway's listener address. */
  address?: string;
  /** Every filter log line as it happens. */
  onLog?: (entry: LogEntry) => void;
}

export interface RunningProxy {
  url: string;
  port: number;
  /** Loaded filters by name (logs, metrics). */
  plugins: ReadonlyMap<string, Plugin>;
  close(): Promise<void>;
}

function formatAddress(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

export async function startProxy(gateway: Gateway, options: ProxyOptions = {}): Promise<RunningProxy> {
  const clusters = new ClusterSet(gateway.clusters);
  const plugins = new Map<string, Plugin>();
  try {
    for (const filter of gateway.filters) {
      plugins.set(
        filter.name,
        await loadPlugin({
          wasm: filter.code.wasm,
          name: filter.name,
          rootId: filter.rootId,
          vmConfig: filter.vmConfig,
          config: filter.config,
          workers: gateway.workers,
          failOpen: filter.failOpen,
          clusters,
          logLevel: "info",
          onLog: options.onLog,
        }),
      );
    }
  } catch (err) {
    await Promise.all([...plugins.values()].map((p) => p.close()));
    throw err;
  }
  const chains = new Map<string, FilterChain>();
  for (const route of gateway.routes) {
    chains.set(route.name, createFilterChain(route.filters.map((name) => plugins.get(name)!)));
  }

  const listener = createListener((req, res) => {
    const headers = requestHeaderList(req, "http");
    const route = selectRoute(gateway.routes, req.url ?? "/", headers);
    if (!route) {
      // Envoy answers an unrouted request 404 with an empty body.
      res.writeHead(404, { "content-length": "0" });
      res.end();
      req.resume();
      return;
    }
    const socket = req.socket;
    new Exchange(req, res, {
      route,
      chain: chains.get(route.name)!,
      clusters,
      remoteAddress: formatAddress(socket.remoteAddress ?? "127.0.0.1", socket.remotePort ?? 0),
      localAddress: formatAddress(socket.localAddress ?? "127.0.0.1", socket.localPort ?? 0),
    }).start();
  });
  listener.http1.on("clientError", (_err, socket) => {
    // A malformed request gets Envoy's answer to one, and never reaches a filter.
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  });

  const address = options.address ?? gateway.listener.address;
  const port = options.port ?? gateway.listener.port;
  const bound = await listener.listen(port, address);
  return {
    url: `http://${formatAddress(address, bound)}`,
    port: bound,
    plugins,
    async close() {
      await listener.close();
      clusters.close();
      await Promise.all([...plugins.values()].map((p) => p.close()));
    },
  };
}

export { startEchoServer } from "./echo.ts";
