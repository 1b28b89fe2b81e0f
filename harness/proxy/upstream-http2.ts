// An upstream request over HTTP/2 (h2c, or h2 over TLS with ALPN), one multiplexed session per
// endpoint as Envoy keeps for clusters with http2_protocol_options: what gRPC services need.
import http2 from "node:http2";
import type { HeaderList } from "../host/api.ts";
import { outgoingHeaders, toWire, wireList } from "./headers.ts";
import type { UpstreamHandlers, UpstreamRequest, UpstreamTarget } from "./upstream.ts";

/** HTTP/2 allows `te` only as "trailers" (RFC 9113 §8.2.2); gRPC requires that value. */
function requestHeaders(headers: HeaderList, secure: boolean): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = outgoingHeaders(headers);
  for (const [name, value] of headers) {
    if (name.startsWith(":") && name !== ":scheme") out[name] = toWire(value);
    if (name === "te" && value.trim().toLowerCase() === "trailers") out.te = "trailers";
  }
  out[":scheme"] = secure ? "https" : "http";
  out[":method"] ??= "GET";
  out[":path"] ??= "/";
  return out;
}

export class Http2Upstreams {
  private readonly sessions = new Map<string, http2.ClientHttp2Session>();

  private session(target: UpstreamTarget): http2.ClientHttp2Session {
    const key = `${target.secure ? "https" : "http"}://${target.host}:${target.port}`;
    const existing = this.sessions.get(key);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = http2.connect(key);
    this.sessions.set(key, session);
    const forget = () => { if (this.sessions.get(key) === session) this.sessions.delete(key); };
    session.on("close", forget);
    session.on("goaway", forget);
    // Errors reach each stream as well; without this listener a refused connect would throw.
    session.on("error", forget);
    // The proxy's server keeps the process alive; an idle upstream session should not.
    session.unref();
    const timer = setTimeout(() => {
      session.destroy(new Error(`connect timeout after ${target.connectTimeoutMs} ms`));
    }, target.connectTimeoutMs);
    session.once("connect", () => clearTimeout(timer));
    session.once("close", () => clearTimeout(timer));
    return session;
  }

  open(target: UpstreamTarget, headers: HeaderList, handlers: UpstreamHandlers): UpstreamRequest {
    const outgoing = requestHeaders(headers, target.secure);
    const session = this.session(target);
    // Trailers are only known once the request body is done: waitForTrailers keeps the stream
    // open after the last DATA frame until end() sends them (or an empty END_STREAM frame).
    const stream = session.request(outgoing, { waitForTrailers: true });
    let trailersToSend: HeaderList = [];
    let received: HeaderList = [];
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      handlers.onError(err);
    };
    stream.on("wantTrailers", () => stream.sendTrailers(outgoingHeaders(trailersToSend)));
    stream.on("response", (responseHeaders, flags) => {
      // The frame's END_STREAM flag (stream.endAfterHeaders is not yet set when 'response' fires).
      const endStream = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      handlers.onHeaders(Number(responseHeaders[":status"] ?? 502), wireList(responseHeaders), endStream);
    });
    stream.on("trailers", (trailers) => { received = wireList(trailers); });
    stream.on("data", (chunk: Buffer) => {
      const pending = handlers.onData(chunk);
      if (pending) {
        stream.pause();
        pending.then(() => stream.resume(), () => stream.resume());
      }
    });
    stream.on("end", () => {
      if (settled) return;
      settled = true;
      handlers.onEnd(received);
    });
    stream.on("error", fail);
    stream.on("close", () => {
      if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) fail(new Error(`upstream reset the stream (HTTP/2 error code ${stream.rstCode})`));
      else if (!settled) fail(new Error("upstream closed the stream before the response completed"));
    });
    return {
      write: (chunk) => { if (chunk.byteLength > 0) stream.write(chunk); },
      end: (last, trailers) => {
        trailersToSend = trailers ?? [];
        if (last && last.byteLength > 0) stream.end(last);
        else stream.end();
      },
      destroy: () => {
        settled = true;
        if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
      },
    };
  }

  close(): void {
    for (const session of this.sessions.values()) session.destroy();
    this.sessions.clear();
  }
}
