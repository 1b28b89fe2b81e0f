// The gateway model as an Envoy v3 bootstrap (a plain object in proto3 JSON form, snake_case):
// admin on loopback, one listener with an http_connection_manager, the filters as
// envoy.filters.http.wasm before the router, and every declared cluster (routes' targets and
// http_call targets alike).
import { isIP } from "node:net";
import { formatProtoDuration } from "../gateway/duration.ts";
import type { Cluster, Filter, Gateway, Route } from "../gateway/model.ts";

export const WASM_RUNTIME = "envoy.wasm.runtime.v8";
export const HTTP_FILTER_PREFIX = "proxyscript.";
const TYPE = "type.googleapis.com/";

export interface BootstrapOptions {
  /** Where Envoy reads each filter's module. Default: the .wasm path on this machine. */
  wasmPath?: (filter: Filter) => string;
  /** Admin interface bind address and port. Default 127.0.0.1:9901. */
  adminAddress?: string;
  adminPort?: number;
  /** Overrides the listener's bind address (in a container: 0.0.0.0). */
  listenerAddress?: string;
  /** Overrides the listener's port (in a container the host port is mapped separately). */
  listenerPort?: number;
  /** Rewrites upstream hosts (in a container, loopback means the host: host.docker.internal). */
  upstreamHost?: (host: string) => string;
  /** CA bundle for verifying https upstreams. Default: the system bundle of the Envoy image. */
  trustedCaFile?: string;
}

/** The Envoy http filter name of a gateway filter (also the key of its per-route config). */
export function httpFilterName(filter: Pick<Filter, "name">): string {
  return HTTP_FILTER_PREFIX + filter.name;
}

function socketAddress(address: string, port: number) {
  return { socket_address: { address, port_value: port } };
}

function stringValue(value: string) {
  return { "@type": `${TYPE}google.protobuf.StringValue`, value };
}

function wasmFilter(filter: Filter, wasmPath: string) {
  const vmConfig: Record<string, unknown> = {
    vm_id: filter.name,
    runtime: WASM_RUNTIME,
    code: { local: { filename: wasmPath } },
  };
  if (filter.vmConfig) vmConfig.configuration = stringValue(filter.vmConfig);
  return {
    name: httpFilterName(filter),
    typed_config: {
      "@type": `${TYPE}envoy.extensions.filters.http.wasm.v3.Wasm`,
      config: {
        name: filter.name,
        root_id: filter.rootId,
        vm_config: vmConfig,
        configuration: stringValue(filter.config),
        // Envoy's fail_open: when the VM has failed, pass requests through instead of answering 503.
        fail_open: filter.failOpen,
      },
    },
  };
}

function routeEntry(route: Route, filters: Filter[]) {
  const match: Record<string, unknown> = route.match.path !== undefined ? { path: route.match.path } : { prefix: route.match.prefix ?? "/" };
  if (route.match.headers?.length) {
    match.headers = route.match.headers.map((h) =>
      h.exact !== undefined ? { name: h.name, string_match: { exact: h.exact } } : { name: h.name, present_match: h.present ?? true },
    );
  }
  const entry: Record<string, unknown> = {
    name: route.name,
    match,
    route: { cluster: route.cluster, timeout: formatProtoDuration(route.timeoutMs) },
  };
  // Filters a route does not list are switched off for it: Envoy's generic per-route
  // FilterConfig{disabled: true}, honoured by every HTTP filter (the wasm filter has no
  // per-route config of its own in the v3 API).
  const skipped = filters.filter((f) => !route.filters.includes(f.name));
  if (skipped.length) {
    entry.typed_per_filter_config = Object.fromEntries(
      skipped.map((f) => [httpFilterName(f), { "@type": `${TYPE}envoy.config.route.v3.FilterConfig`, disabled: true }]),
    );
  }
  return entry;
}

/**
 * Virtual hosts: one per distinct hostname (its routes plus the hostname-less ones, in declared
 * order) and a catch-all "*" for the hostname-less routes. Envoy forbids a domain in two hosts.
 */
function virtualHosts(gateway: Gateway) {
  const routes = (list: Route[]) => list.map((r) => routeEntry(r, gateway.filters));
  const hostnames = [...new Set(gateway.routes.flatMap((r) => r.hostnames))];
  const anyHost = gateway.routes.filter((r) => r.hostnames.length === 0);
  const hosts = hostnames.map((host) => ({
    name: `host-${host}`,
    domains: [host],
    routes: routes(gateway.routes.filter((r) => r.hostnames.length === 0 || r.hostnames.includes(host))),
  }));
  // "any-host" cannot collide with a "host-…" name.
  if (anyHost.length) hosts.push({ name: "any-host", domains: ["*"], routes: routes(anyHost) });
  return hosts;
}

function clusterEntry(cluster: Cluster, options: BootstrapOptions) {
  const endpoints = cluster.endpoints.map((e) => ({ ...e, host: options.upstreamHost?.(e.host) ?? e.host }));
  const allIps = endpoints.every((e) => isIP(e.host) !== 0);
  const entry: Record<string, unknown> = {
    name: cluster.name,
    type: allIps ? "STATIC" : "STRICT_DNS",
    connect_timeout: formatProtoDuration(cluster.connectTimeoutMs),
    lb_policy: "ROUND_ROBIN",
    load_assignment: {
      cluster_name: cluster.name,
      endpoints: [{ lb_endpoints: endpoints.map((e) => ({ endpoint: { address: socketAddress(e.host, e.port) } })) }],
    },
  };
  if (!allIps) entry.dns_lookup_family = "V4_PREFERRED";
  if (cluster.http2) {
    // HTTP/2 (h2c, or h2 over TLS) to the upstream, as gRPC needs.
    entry.typed_extension_protocol_options = {
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
        "@type": `${TYPE}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
        explicit_http_config: { http2_protocol_options: {} },
      },
    };
  }
  if (cluster.protocol === "https") {
    const sniHost = endpoints.find((e) => isIP(e.host) === 0)?.host;
    entry.transport_socket = {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": `${TYPE}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
        ...(sniHost ? { sni: sniHost } : {}),
        common_tls_context: {
          validation_context: { trusted_ca: { filename: options.trustedCaFile ?? "/etc/ssl/certs/ca-certificates.crt" } },
        },
      },
    };
  }
  return entry;
}

export function envoyBootstrap(gateway: Gateway, options: BootstrapOptions = {}) {
  const wasmPath = options.wasmPath ?? ((f: Filter) => f.code.wasm);
  return {
    node: { id: "proxyscript", cluster: "proxyscript" },
    admin: { address: socketAddress(options.adminAddress ?? "127.0.0.1", options.adminPort ?? 9901) },
    static_resources: {
      listeners: [
        {
          name: "proxyscript",
          address: socketAddress(options.listenerAddress ?? gateway.listener.address, options.listenerPort ?? gateway.listener.port),
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": `${TYPE}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
                    stat_prefix: "proxyscript",
                    codec_type: "AUTO",
                    // Route hostnames match with or without a port in the Host header.
                    strip_any_host_port: true,
                    access_log: [
                      { name: "envoy.access_loggers.stdout", typed_config: { "@type": `${TYPE}envoy.extensions.access_loggers.stream.v3.StdoutAccessLog` } },
                    ],
                    route_config: { name: "proxyscript", virtual_hosts: virtualHosts(gateway) },
                    http_filters: [
                      ...gateway.filters.map((f) => wasmFilter(f, wasmPath(f))),
                      { name: "envoy.filters.http.router", typed_config: { "@type": `${TYPE}envoy.extensions.filters.http.router.v3.Router` } },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: gateway.clusters.map((c) => clusterEntry(c, options)),
    },
  };
}

export type EnvoyBootstrap = ReturnType<typeof envoyBootstrap>;
