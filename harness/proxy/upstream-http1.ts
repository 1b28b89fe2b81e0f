// An upstream request over HTTP/1.1 (Node's http/https client on keep-alive agents).
import http from "node:http";
import https from "node:https";
import type { HeaderList } from "../host/api.ts";
import { headerValue, outgoingHeaders, responseHeaderList, toWire, wireList } from "./headers.ts";
import type { UpstreamHandlers, UpstreamRequest, UpstreamTarget } from "./upstream.ts";

export class Http1Upstreams {
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  /** Throws when the headers cannot be encoded (e.g. a value with CR/LF), as Envoy's codec refuses them. */
  open(target: UpstreamTarget, headers: HeaderList, handlers: UpstreamHandlers): UpstreamRequest {
    const out = outgoingHeaders(headers);
    const authority = headerValue(headers, ":authority");
    if (authority) out.host = toWire(authority);
    const req = (target.secure ? https : http).request({
      host: target.host,
      port: target.port,
      method: headerValue(headers, ":method") ?? "GET",
      path: toWire(headerValue(headers, ":path") ?? "/"),
      headers: out,
      agent: target.secure ? this.agents.https : this.agents.http,
    });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      handlers.onError(err);
    };
    const connectTimer = setTimeout(() => {
      req.destroy(new Error(`connect timeout after ${target.connectTimeoutMs} ms`));
    }, target.connectTimeoutMs);
    req.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
    });
    req.on("error", (err) => { clearTimeout(connectTimer); fail(err); });
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      // HTTP/1.1 has no end-of-stream flag on headers: the end arrives as onEnd.
      handlers.onHeaders(res.statusCode ?? 502, responseHeaderList(res.statusCode ?? 502, res.headers).slice(1), false);
      res.on("data", (chunk: Buffer) => {
        const pending = handlers.onData(chunk);
        if (pending) {
          res.pause();
          pending.then(() => res.resume(), () => res.resume());
        }
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        handlers.onEnd(wireList(res.trailers));
      });
      res.on("error", fail);
      res.on("aborted", () => fail(new Error("upstream reset the response")));
    });
    return {
      write: (chunk) => { if (chunk.byteLength > 0) req.write(chunk); },
      end: (last, trailers) => {
        if (trailers && trailers.length > 0) {
          // Trailers need chunked framing, which a body written before end() selects.
          if (last && last.byteLength > 0) req.write(last);
          req.addTrailers(outgoingHeaders(trailers));
          req.end();
        } else if (last && last.byteLength > 0) {
          req.end(last);
        } else {
          req.end();
        }
      },
      destroy: () => { clearTimeout(connectTimer); settled = true; req.destroy(); },
    };
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
