// Envoy attributes (properties): a generic path reader/writer, and typed getters that decode
// Envoy's encodings — strings raw, integers 8-byte little-endian, booleans 1 byte, timestamps
// and durations as i64 nanoseconds, maps as a serialized header map.
import * as host from "./abi/hostcalls";
import { Status } from "./abi/enums";
import { deserializeHeaderPairs, HeaderPair } from "./abi/memory";

/** Raw bytes of the property at `path` (e.g. ["request", "path"]), or null when absent. */
export function getProperty(path: string[]): ArrayBuffer | null {
  return host.getProperty(path);
}

/** Sets a (filter-state) property; Envoy accepts writes under paths the filter owns. */
export function setProperty(path: string[], value: ArrayBuffer): Status {
  return host.setProperty(path, value);
}

export function setPropertyString(path: string[], value: string): Status {
  return host.setProperty(path, String.UTF8.encode(value));
}

export function getPropertyString(path: string[]): string | null {
  const bytes = host.getProperty(path);
  return bytes !== null ? String.UTF8.decode(bytes) : null;
}

/** An integer property (8-byte little-endian), or `fallback` when absent or not 8 bytes. */
export function getPropertyInt(path: string[], fallback: i64 = -1): i64 {
  const bytes = host.getProperty(path);
  if (bytes === null || bytes.byteLength != 8) return fallback;
  return load<i64>(changetype<usize>(bytes));
}

/** A boolean property (1 byte), or `fallback` when absent. */
export function getPropertyBool(path: string[], fallback: bool = false): bool {
  const bytes = host.getProperty(path);
  if (bytes === null || bytes.byteLength < 1) return fallback;
  return load<u8>(changetype<usize>(bytes)) != 0;
}

/** A map property (e.g. request.headers) as pairs; empty when absent. */
export function getPropertyMap(path: string[]): HeaderPair[] {
  const bytes = host.getProperty(path);
  return bytes !== null ? deserializeHeaderPairs(bytes) : new Array<HeaderPair>();
}

// ---- request.* ----
/** Path with query ("/a?b=1"). */
export function requestPath(): string | null { return getPropertyString(["request", "path"]); }
/** Path without query. */
export function requestUrlPath(): string | null { return getPropertyString(["request", "url_path"]); }
export function requestHost(): string | null { return getPropertyString(["request", "host"]); }
export function requestScheme(): string | null { return getPropertyString(["request", "scheme"]); }
export function requestMethod(): string | null { return getPropertyString(["request", "method"]); }
export function requestHeaders(): HeaderPair[] { return getPropertyMap(["request", "headers"]); }
export function requestReferer(): string | null { return getPropertyString(["request", "referer"]); }
export function requestUserAgent(): string | null { return getPropertyString(["request", "useragent"]); }
/** Request start time in nanoseconds since the epoch (-1 when absent). */
export function requestTimeNanos(): i64 { return getPropertyInt(["request", "time"]); }
/** x-request-id. */
export function requestId(): string | null { return getPropertyString(["request", "id"]); }
/** "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3". */
export function requestProtocol(): string | null { return getPropertyString(["request", "protocol"]); }
export function requestDurationNanos(): i64 { return getPropertyInt(["request", "duration"]); }
export function requestSize(): i64 { return getPropertyInt(["request", "size"]); }
export function requestTotalSize(): i64 { return getPropertyInt(["request", "total_size"]); }

// ---- response.* ----
export function responseCode(): i64 { return getPropertyInt(["response", "code"]); }
export function responseCodeDetails(): string | null { return getPropertyString(["response", "code_details"]); }
export function responseFlags(): i64 { return getPropertyInt(["response", "flags"]); }
export function responseGrpcStatus(): i64 { return getPropertyInt(["response", "grpc_status"]); }
export function responseHeaders(): HeaderPair[] { return getPropertyMap(["response", "headers"]); }
export function responseSize(): i64 { return getPropertyInt(["response", "size"]); }

// ---- source.* / destination.* ----
/** Downstream peer "ip:port". */
export function sourceAddress(): string | null { return getPropertyString(["source", "address"]); }
export function sourcePort(): i64 { return getPropertyInt(["source", "port"]); }
/** Local (listener) "ip:port". */
export function destinationAddress(): string | null { return getPropertyString(["destination", "address"]); }
export function destinationPort(): i64 { return getPropertyInt(["destination", "port"]); }

// ---- connection.* ----
export function connectionId(): i64 { return getPropertyInt(["connection", "id"]); }
export function connectionMtls(): bool { return getPropertyBool(["connection", "mtls"]); }
export function connectionTlsVersion(): string | null { return getPropertyString(["connection", "tls_version"]); }
export function connectionRequestedServerName(): string | null { return getPropertyString(["connection", "requested_server_name"]); }
export function connectionSubjectPeerCertificate(): string | null { return getPropertyString(["connection", "subject_peer_certificate"]); }

// ---- plugin, node, cluster, route ----
export function pluginName(): string | null { return getPropertyString(["plugin_name"]); }
export function pluginRootId(): string | null { return getPropertyString(["plugin_root_id"]); }
export function pluginVmId(): string | null { return getPropertyString(["plugin_vm_id"]); }
export function nodeId(): string | null { return getPropertyString(["node", "id"]); }
/** A string value of the Envoy node's metadata (node.metadata.<key>). */
export function nodeMetadataValue(key: string): string | null { return getPropertyString(["node", "metadata", key]); }
export function clusterName(): string | null { return getPropertyString(["cluster_name"]); }
export function routeName(): string | null { return getPropertyString(["route_name"]); }
export function listenerDirection(): i64 { return getPropertyInt(["listener_direction"]); }
