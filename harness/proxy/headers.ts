// Converts between Node's HTTP/1 and HTTP/2 header objects and the ABI's header lists the way
// Envoy's codecs do: lower-case names, `host` becomes `:authority`, hop-by-hop headers are dropped.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { HeaderList } from "../host/api.ts";

/** A downstream request over either protocol the listener speaks. */
export type DownstreamRequest = IncomingMessage | Http2ServerRequest;

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

function pushValues(out: HeaderList, name: string, value: string | string[] | undefined): void {
  if (value === undefined) return;
  if (Array.isArray(value)) for (const v of value) out.push([name, v]);
  else out.push([name, value]);
}

function isHttp2(req: DownstreamRequest): req is Http2ServerRequest {
  return req.httpVersionMajor === 2;
}

/** Request headers as filters see them: pseudo-headers first, then the rest in arrival order. */
export function requestHeaderList(req: DownstreamRequest, scheme: string): HeaderList {
  const list: HeaderList = [
    [":authority", (isHttp2(req) ? req.authority : req.headers.host) ?? ""],
    [":path", req.url ?? "/"],
    [":method", req.method ?? "GET"],
    [":scheme", scheme],
  ];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name.startsWith(":") || name === "host") continue;
    // `te: trailers` is end-to-end in gRPC (Envoy keeps it); other hop-by-hop headers are dropped.
    if (HOP_BY_HOP.has(name) && !(name === "te" && raw[i + 1].trim().toLowerCase() === "trailers")) continue;
    list.push([name, raw[i + 1]]);
  }
  return list;
}

/** The protocol as Envoy names it (%PROTOCOL%, the request.protocol property). */
export function downstreamProtocol(req: DownstreamRequest): string {
  return isHttp2(req) ? "HTTP/2" : `HTTP/${req.httpVersion}`;
}

/** Response headers from an upstream: `:status` first. */
export function responseHeaderList(status: number, headers: IncomingHttpHeaders): HeaderList {
  const list: HeaderList = [[":status", String(status)]];
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP.has(name)) continue;
    pushValues(list, name, value);
  }
  return list;
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
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
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
