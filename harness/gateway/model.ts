// The gateway model: what a proxyscript.yaml declares, after parsing and validation.
// Every target (embedded proxy, envoy.yaml, Kubernetes manifests) is generated from this.

export interface Listener {
  /** Bind address. Default 127.0.0.1. */
  address: string;
  /** Default 10000. */
  port: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface Cluster {
  name: string;
  endpoints: Endpoint[];
  /** "http" (default) or "https" (TLS to the upstream). */
  protocol: "http" | "https";
  /** Connect timeout in milliseconds. Default 5000. */
  connectTimeoutMs: number;
  /** Speak HTTP/2 to the upstream (gRPC services called with grpc_call / grpc_stream need it). Default false. */
  http2?: boolean;
}

export interface RouteMatch {
  /** Exactly one of prefix / path. Default: prefix "/". */
  prefix?: string;
  path?: string;
  headers?: Array<{ name: string; exact?: string; present?: boolean }>;
}

export interface Route {
  /** Default "route-<index>". When `routes` is omitted and one cluster exists: one route "default". */
  name: string;
  match: RouteMatch;
  /** Target cluster name (must be declared). */
  cluster: string;
  /** Kubernetes: hostnames for the HTTPRoute. */
  hostnames: string[];
  /** Names of the filters that run on this route, in chain order. Default: every filter. */
  filters: string[];
  /** Route timeout in milliseconds. Default 15000. 0 ("0s") disables it, as in Envoy. */
  timeoutMs: number;
}

export interface FilterCode {
  /** AssemblyScript entry that `proxyscript build` compiles to `wasm`, if given. */
  source?: string;
  /** Local .wasm path, resolved against the gateway file's folder (absolute after loading).
   *  When only `source` is given: `<gateway folder>/build/<filter name>.wasm`. */
  wasm: string;
  /** OCI image reference for Kubernetes (e.g. registry.example.com/filters/jwt:v1). */
  image?: string;
  /** Image digest "sha256:…" once pushed. */
  imageDigest?: string;
  /** HTTP(S) URL serving the .wasm, for Kubernetes `code.type: HTTP`. */
  url?: string;
  /** sha256 of the .wasm, hex. */
  sha256?: string;
}

export interface Filter {
  name: string;
  code: FilterCode;
  /** Envoy root_id. Default "". */
  rootId: string;
  /** Plugin configuration, as JSON text. Default "{}". */
  config: string;
  /** The parsed config, when it was given as YAML/JSON structure. */
  configValue?: unknown;
  /** VM configuration, as text. */
  vmConfig: string;
  failOpen: boolean;
  /** JSON Schema file the config was checked against (absolute): `config_schema`, else a
   *  `config.schema.json` beside the source, the .wasm, or the folder above a `build/` holding it. */
  configSchema?: string;
}

export interface Gateway {
  /** Folder of the gateway file, against which relative paths were resolved. */
  baseDir: string;
  /** Kubernetes: Gateway the HTTPRoutes attach to, and the namespace. */
  kubernetes: { gatewayName: string; gatewayNamespace?: string; namespace: string };
  // Defaults: gatewayName "eg" (Envoy Gateway's quickstart), namespace "default",
  // gatewayNamespace unset (= namespace).
  listener: Listener;
  /** Worker VMs per filter (Envoy's --concurrency). Default 1. */
  workers: number;
  clusters: Cluster[];
  routes: Route[];
  filters: Filter[];
}
