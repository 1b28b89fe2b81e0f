// proxy_get_property paths and Envoy's value encodings: strings raw, integers 8-byte little-endian,
// booleans 1 byte, timestamps and durations as int64 nanoseconds, maps as serialized pairs.
import type { HeaderList, StreamInfo } from "./api.ts";
import { encodeUtf8 } from "./memory.ts";
import { serializePairs } from "./pairs.ts";

export type PropertyValue = Uint8Array | undefined;

export function int64(v: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt(v), true);
  return out;
}
export function bool(v: boolean): Uint8Array {
  return Uint8Array.of(v ? 1 : 0);
}
const str = encodeUtf8;

/** What the property resolver may read; stream fields are absent on root contexts. */
export interface PropertySources {
  pluginName: string;
  rootId: string;
  vmId: string;
  /** User-supplied values by dotted path (node.id, node.metadata.x, …). */
  extra: Record<string, string | Uint8Array>;
  stream?: {
    info: StreamInfo;
    connectionId: number;
    startNanos: bigint;
    requestHeaders: HeaderList | null;
    responseHeaders: HeaderList | null;
    responseTrailers: HeaderList | null;
    requestBodyBytes: number;
    responseBodyBytes: number;
    responseCodeDetails: string;
    filterState: Map<string, Uint8Array>;
    nowNanos: bigint;
  };
}

function header(headers: HeaderList | null, name: string): string | undefined {
  if (headers === null) return undefined;
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}

function splitAddress(address: string): { host: string; port: number | undefined } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (m === null) return { host: address, port: undefined };
  return { host: m[1]!, port: Number(m[2]) };
}

function headerSize(headers: HeaderList | null): number {
  if (headers === null) return 0;
  let n = 0;
  for (const [k, v] of headers) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/** Resolves `segments` (the NUL-separated path) to its encoded value, or undefined for NotFound. */
export function resolveProperty(segments: string[], src: PropertySources): PropertyValue {
  const dotted = segments.join(".");
  const extra = src.extra[dotted];
  if (extra !== undefined) return typeof extra === "string" ? str(extra) : extra;
  const s = src.stream;
  if (s !== undefined) {
    const state = s.filterState.get(dotted);
    if (state !== undefined) return state;
  }
  const [top, ...rest] = segments;
  switch (top) {
    case "plugin_name": return rest.length === 0 ? str(src.pluginName) : undefined;
    case "plugin_root_id": return rest.length === 0 ? str(src.rootId) : undefined;
    case "plugin_vm_id": return rest.length === 0 ? str(src.vmId) : undefined;
    case "cluster_name": return s?.info.clusterName !== undefined && rest.length === 0 ? str(s.info.clusterName) : undefined;
    case "route_name": return s?.info.routeName !== undefined && rest.length === 0 ? str(s.info.routeName) : undefined;
    case "connection_id": return s !== undefined && rest.length === 0 ? int64(s.connectionId) : undefined;
    case "xds":
      // Newer Envoy groups these under xds.*; node.* values given in `properties` serve xds.node.* too.
      if (rest[0] === "node") { const v = src.extra[["node", ...rest.slice(1)].join(".")]; return v === undefined ? undefined : typeof v === "string" ? str(v) : v; }
      if (rest[0] === "cluster_name" && s?.info.clusterName !== undefined) return str(s.info.clusterName);
      if (rest[0] === "route_name" && s?.info.routeName !== undefined) return str(s.info.routeName);
      return undefined;
    case "request": return s === undefined ? undefined : requestProperty(rest, s);
    case "response": return s === undefined ? undefined : responseProperty(rest, s);
    case "source":
    case "destination": {
      if (s === undefined) return undefined;
      const { host, port } = splitAddress(top === "source" ? s.info.remoteAddress : s.info.localAddress);
      if (rest.length === 1 && rest[0] === "address") return str(top === "source" ? s.info.remoteAddress : s.info.localAddress);
      if (rest.length === 1 && rest[0] === "port" && port !== undefined) return int64(port);
      if (rest.length === 1 && rest[0] === "host") return str(host);
      return undefined;
    }
    case "connection":
      if (s === undefined) return undefined;
      if (rest[0] === "id") return int64(s.connectionId);
      if (rest[0] === "mtls") return bool(false);
      return undefined;
    default:
      return undefined;
  }
}

function requestProperty(rest: string[], s: NonNullable<PropertySources["stream"]>): PropertyValue {
  const h = s.requestHeaders;
  const path = header(h, ":path");
  switch (rest[0]) {
    case "path": return path !== undefined ? str(path) : undefined;
    case "url_path": return path !== undefined ? str(path.split("?")[0]!) : undefined;
    case "query": { if (path === undefined) return undefined; const i = path.indexOf("?"); return str(i < 0 ? "" : path.slice(i + 1)); }
    case "host": { const v = header(h, ":authority"); return v !== undefined ? str(v) : undefined; }
    case "scheme": { const v = header(h, ":scheme"); return v !== undefined ? str(v) : undefined; }
    case "method": { const v = header(h, ":method"); return v !== undefined ? str(v) : undefined; }
    case "referer": { const v = header(h, "referer"); return v !== undefined ? str(v) : undefined; }
    case "useragent": { const v = header(h, "user-agent"); return v !== undefined ? str(v) : undefined; }
    case "id": { const v = header(h, "x-request-id"); return v !== undefined ? str(v) : undefined; }
    case "protocol": return str(s.info.protocol);
    case "time": return int64(s.startNanos);
    case "duration": return int64(s.nowNanos - s.startNanos);
    case "size": return int64(s.requestBodyBytes);
    case "total_size": return int64(s.requestBodyBytes + headerSize(h));
    case "headers":
      if (h === null) return undefined;
      if (rest.length === 1) return serializePairs(h);
      if (rest.length === 2) { const v = header(h, rest[1]!.toLowerCase()); return v !== undefined ? str(v) : undefined; }
      return undefined;
    default: return undefined;
  }
}

function responseProperty(rest: string[], s: NonNullable<PropertySources["stream"]>): PropertyValue {
  const h = s.responseHeaders;
  switch (rest[0]) {
    case "code": { const v = header(h, ":status"); return v !== undefined ? int64(Number(v)) : undefined; }
    case "code_details": return s.responseCodeDetails !== "" ? str(s.responseCodeDetails) : undefined;
    case "flags": return int64(0);
    case "grpc_status": { const v = header(s.responseTrailers, "grpc-status") ?? header(h, "grpc-status"); return v !== undefined ? int64(Number(v)) : undefined; }
    case "size": return int64(s.responseBodyBytes);
    case "total_size": return int64(s.responseBodyBytes + headerSize(h) + headerSize(s.responseTrailers));
    case "headers":
    case "trailers": {
      const map = rest[0] === "headers" ? h : s.responseTrailers;
      if (map === null) return undefined;
      if (rest.length === 1) return serializePairs(map);
      if (rest.length === 2) { const v = header(map, rest[1]!.toLowerCase()); return v !== undefined ? str(v) : undefined; }
      return undefined;
    }
    default: return undefined;
  }
}
