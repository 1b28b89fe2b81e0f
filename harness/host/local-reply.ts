// Envoy's Utility::prepareLocalReply/encodeLocalReply (source/common/http/utility.cc): the headers
// and body of a reply Envoy makes itself — a filter's proxy_send_local_response, the host's own
// 503/413/500 answers, and the router's 504 when an http_call times out.
import type { HeaderList } from "./api.ts";
import { httpToGrpcStatus } from "./grpc-call.ts";
import { indexOfHeader, removeHeader, setHeader } from "./header-list.ts";
import { EMPTY_BYTES } from "./memory.ts";
import { decodeUtf8, encodeUtf8 } from "./utf8.ts";

export interface LocalReply {
  headers: HeaderList;
  /** Empty when the reply ends with its headers (no body, a HEAD request, or gRPC's trailers-only form). */
  body: Uint8Array;
}

export interface LocalReplyRequest {
  /** The request's content-type is application/grpc…: answer in gRPC's trailers-only form. */
  grpc: boolean;
  /** A HEAD request: headers as for the body, but no body. */
  head: boolean;
}

/**
 * `:status`, then `extra` (the filter's headers, added as Envoy's addCopy adds them), then:
 * with a body, content-length (set) and content-type text/plain unless `extra` gave one; without a
 * body, no content-length or content-type at all (Envoy removes even the filter's). A gRPC request
 * gets HTTP 200, content-type application/grpc, grpc-status (the filter's header, else `grpcStatus`
 * when it is a known code, else mapped from `status`) and the body as percent-encoded grpc-message.
 */
export function prepareLocalReply(status: number, body: Uint8Array, extra: HeaderList, request: LocalReplyRequest, grpcStatus = -1): LocalReply {
  const headers: HeaderList = [[":status", String(status)]];
  for (const [name, value] of extra) headers.push([name, value]);
  if (request.grpc) {
    setHeader(headers, ":status", "200");
    setHeader(headers, "content-type", "application/grpc");
    const given = indexOfHeader(headers, "grpc-status", 0);
    if (given < 0 || headers[given]![1] === "") {
      setHeader(headers, "grpc-status", String(grpcStatus >= 0 && grpcStatus <= 16 ? grpcStatus : httpToGrpcStatus(status)));
    }
    if (body.byteLength > 0 && !request.head) setHeader(headers, "grpc-message", percentEncode(decodeUtf8(body)));
    removeHeader(headers, "content-length", 0);
    return { headers, body: EMPTY_BYTES };
  }
  if (body.byteLength > 0) {
    setHeader(headers, "content-length", String(body.byteLength));
    if (indexOfHeader(headers, "content-type", 0) < 0) headers.push(["content-type", "text/plain"]);
  } else {
    removeHeader(headers, "content-length", 0);
    removeHeader(headers, "content-type", 0);
  }
  return { headers, body: request.head ? EMPTY_BYTES : body };
}

/** What the local reply answers to, read from the request headers (null: none seen yet). */
export function localReplyRequest(requestHeaders: HeaderList | null): LocalReplyRequest {
  if (requestHeaders === null) return { grpc: false, head: false };
  const contentType = indexOfHeader(requestHeaders, "content-type", 0);
  const method = indexOfHeader(requestHeaders, ":method", 0);
  return {
    grpc: contentType >= 0 && requestHeaders[contentType]![1].startsWith("application/grpc"),
    head: method >= 0 && requestHeaders[method]![1] === "HEAD",
  };
}

/** gRPC's percent-encoding of grpc-message: bytes outside printable ASCII, and '%'. */
function percentEncode(text: string): string {
  let out = "";
  for (const byte of encodeUtf8(text)) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
