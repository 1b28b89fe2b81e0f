// Converts between Node's HTTP/1 and HTTP/2 header objects and the ABI's header lists the way
// Envoy's codecs do: lower-case names, `host` becomes `:authority`, hop-by-hop headers are dropped.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { isUtf8 } from "node:buffer";
import type { HeaderList } from "../host/api.ts";

/**
 * Node hands header values over as byte strings (one char per byte, latin1) on HTTP/1.1 and
 * HTTP/2; filters read them as UTF-8 text. A value whose bytes are valid UTF-8 becomes that text,
 * so it reaches filters and upstreams byte for byte. Other bytes (obs-text, RFC 9110 §5.5) stay
 * one char per byte: filters see each as its latin1 character, and they leave UTF-8-encoded.
 */
export function fromWire(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  const bytes = Buffer.from(value, "latin1");
  return isUtf8(bytes) ? bytes.toString("utf8") : value;
}

/** The byte string Node writes for a value a filter left: its UTF-8 bytes. */
export function toWire(value: string): string {
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value;
}

/** Trailers (or any header object Node parsed) as a list, values as text. */
export function wireList(headers: NodeJS.Dict<string | string[] | number>): HeaderList {
  const list: HeaderList = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) list.push([name, fromWire(String(v))]);
  }
  return list;
}

/** A downstream request over either protocol the listener speaks. */
export type DownstreamRequest = IncomingMessage | Http2ServerRequest;

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);


function isHttp2(req: DownstreamRequest): req is Http2ServerRequest {
  return req.httpVersionMajor === 2;
}

/** Request headers as filters see them: pseudo-headers first, then the rest in arrival order. */
export function requestHeaderList(req: DownstreamRequest, scheme: string): HeaderList {
  const list: HeaderList = [
    [":authority", fromWire((isHttp2(req) ? req.authority : req.headers.host) ?? "")],
    [":path", fromWire(req.url ?? "/")],
    [":method", req.method ?? "GET"],
    [":scheme", scheme],
  ];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name.startsWith(":") || name === "host") continue;
    // `te: trailers` is end-to-end in gRPC (Envoy keeps it); other hop-by-hop headers are dropped.
    if (HOP_BY_HOP.has(name) && !(name === "te" && raw[i + 1].trim().toLowerCase() === "trailers")) continue;
    list.push([name, fromWire(raw[i + 1])]);
  }
  return list;
}

/** The protocol as Envoy names it (%PROTOCOL%, the request.protocol property). */
export function downstreamProtocol(req: DownstreamRequest): string {
  return isHttp2(req) ? "HTTP/2" : `HTTP/${req.httpVersion}`;
}

/** Response headers from an upstream: `:status` first. */
export function responseHeaderList(status: number, headers: IncomingHttpHeaders): HeaderList {
  return [[":status", String(status)], ...wireList(headers)];
}

/** Value of the first header named `name` (lower-case), or undefined. */
export function headerValue(list: HeaderList, name: string): string | undefined {
  for (const [n, v] of list) if (n === name) return v;
  return undefined;
}

/** Regular (non-pseudo) headers as Node's outgoing header object, repeated names as arrays. */
export function outgoingHeaders(list: HeaderList): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of list) {
    if (name.startsWith(":") || HOP_BY_HOP.has(name)) continue;
    const wire = toWire(value);
    const prev = out[name];
    if (prev === undefined) out[name] = wire;
    else if (Array.isArray(prev)) prev.push(wire);
    else out[name] = [prev, wire];
  }
  return out;
}

/** Whether the request carries a body (HTTP/2: no END_STREAM on its headers; HTTP/1.1 framing, RFC 9112 §6). */
export function requestHasBody(req: DownstreamRequest): boolean {
  if (isHttp2(req)) return !req.stream.endAfterHeaders;
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const length = req.headers["content-length"];
  return length !== undefined && length !== "0";
}
