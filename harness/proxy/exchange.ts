// One downstream request/response exchange: feeds the client's request into the route's filter
// chain, forwards what the filters release to the upstream cluster, and feeds the upstream's
// response back through the chain to the client. Calls into the stream are serialized, as Envoy
// runs one stream's events on one worker thread in order.
import type { ServerResponse } from "node:http";
import { Http2ServerResponse } from "node:http2";
import { randomUUID } from "node:crypto";
import type { FilterChain, HeaderList, HttpStream, StreamSink } from "../host/api.ts";
import type { Route } from "../gateway/model.ts";
import type { ClusterSet } from "./clusters.ts";
import { downstreamProtocol, headerValue, outgoingHeaders, requestHasBody, requestHeaderList, wireList, type DownstreamRequest } from "./headers.ts";
import type { UpstreamRequest } from "./upstream.ts";

const EMPTY = new Uint8Array(0);

/** Response headers Envoy knows to carry no body: answers to HEAD, 204, 304, content-length 0. */
function responseIsHeadersOnly(method: string, status: number, headers: HeaderList): boolean {
  return method === "HEAD" || status === 204 || status === 304 || headerValue(headers, "content-length") === "0";
}

export interface ExchangeContext {
  route: Route;
  chain: FilterChain;
  clusters: ClusterSet;
  remoteAddress: string;
  localAddress: string;
}

export class Exchange {
  private stream!: HttpStream;
  private queue: Promise<void> = Promise.resolve();
  private upstream: UpstreamRequest | null = null;
  private upstreamResponseStarted = false;
  private headersOnlyResponse = false;
  private routeTimer: NodeJS.Timeout | null = null;
  private downstreamDone = false;
  private upstreamComplete = false;

  constructor(private readonly req: DownstreamRequest, private readonly res: ServerResponse | Http2ServerResponse, private readonly ctx: ExchangeContext) {}

  start(): void {
    const { req, res, ctx } = this;
    const sink: StreamSink = {
      upstreamHeaders: (headers, end) => this.openUpstream(headers, end),
      upstreamData: (chunk, end) => this.writeUpstream(chunk, end),
      upstreamTrailers: (trailers) => this.upstream?.end(undefined, trailers),
      downstreamHeaders: (headers, end) => this.writeDownstreamHeaders(headers, end),
      downstreamData: (chunk, end) => this.writeDownstream(chunk, end),
      downstreamTrailers: (trailers) => {
        res.addTrailers(outgoingHeaders(trailers));
        this.endDownstream();
      },
      reset: () => this.abort(),
    };
    this.stream = ctx.chain.newStream(
      { remoteAddress: ctx.remoteAddress, localAddress: ctx.localAddress, protocol: downstreamProtocol(req), routeName: ctx.route.name, clusterName: ctx.route.cluster },
      sink,
    );
    res.on("error", () => this.abort());
    res.on("close", () => {
      if (!this.downstreamDone) this.run(() => this.stream.destroy());
      this.releaseUpstream();
      this.clearRouteTimer();
    });

    const headers = requestHeaderList(req, "http");
    // Envoy's connection manager adds these before any filter runs.
    if (!headerValue(headers, "x-forwarded-proto")) headers.push(["x-forwarded-proto", "http"]);
    if (!headerValue(headers, "x-request-id")) headers.push(["x-request-id", randomUUID()]);
    const hasBody = requestHasBody(req);
    this.run(() => this.stream.decodeHeaders(headers, !hasBody));
    if (!hasBody) {
      req.resume();
      return;
    }
    req.on("data", (chunk: Buffer) => {
      req.pause();
      this.run(() => this.stream.decodeData(chunk, false)).then(() => req.resume());
    });
    req.on("end", () => {
      const trailers = wireList(req.trailers);
      this.run(() => (trailers.length > 0 ? this.stream.decodeTrailers(trailers) : this.stream.decodeData(EMPTY, true)));
    });
    req.on("error", () => this.abort());
  }

  /** Runs `step` after every earlier step; a failing step resets the exchange instead of crashing. */
  private run(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step).catch((err) => {
      process.emitWarning(`proxyscript: stream failed: ${(err as Error).message}`);
      this.abort();
    });
    return this.queue;
  }

  private openUpstream(headers: HeaderList, end: boolean): void {
    const { ctx } = this;
    const method = headerValue(headers, ":method") ?? "GET";
    let upstream: UpstreamRequest;
    try {
      upstream = ctx.clusters.open(ctx.route.cluster, headers, {
        onHeaders: (status, responseHeaders, endStream) => this.onUpstreamHeaders(status, responseHeaders, method, endStream),
        onData: (chunk) => (this.headersOnlyResponse ? undefined : this.run(() => this.stream.encodeData(chunk, false))),
        onEnd: (trailers) => this.onUpstreamEnd(trailers),
        onError: () =>
          this.upstreamFailed(503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
      });
    } catch (err) {
      // Headers a filter left invalid (e.g. a value with CR/LF) cannot be encoded: Envoy's codec
      // fails the upstream request the same way.
      this.upstreamFailed(503, `upstream request could not be encoded: ${(err as Error).message}`);
      return;
    }
    this.upstream = upstream;
    // A route timeout of 0 means none, as in Envoy.
    if (ctx.route.timeoutMs > 0) this.routeTimer = setTimeout(() => this.upstreamFailed(504, "upstream request timeout"), ctx.route.timeoutMs);
    if (end) upstream.end();
  }

  private writeUpstream(chunk: Uint8Array, end: boolean): void {
    const upstream = this.upstream;
    if (!upstream) return;
    if (end) upstream.end(chunk);
    else upstream.write(chunk);
  }

  private onUpstreamHeaders(status: number, headers: HeaderList, method: string, endStream: boolean): void {
    this.clearRouteTimer();
    this.upstreamResponseStarted = true;
    this.headersOnlyResponse = endStream || responseIsHeadersOnly(method, status, headers);
    const end = this.headersOnlyResponse;
    // Nothing more will be forwarded: the exchange is done as far as connection reuse goes.
    if (end) this.upstreamComplete = true;
    this.run(() => this.stream.encodeHeaders([[":status", String(status)], ...headers], end));
  }

  private onUpstreamEnd(trailers: HeaderList): void {
    this.upstreamComplete = true;
    if (this.headersOnlyResponse) return;
    this.run(() => (trailers.length > 0 ? this.stream.encodeTrailers(trailers) : this.stream.encodeData(EMPTY, true)));
  }

  /** The router's own local reply (503/504), which passes through every filter's encode path. */
  private upstreamFailed(status: number, body: string): void {
    this.clearRouteTimer();
    this.upstream?.destroy();
    if (this.upstreamResponseStarted) {
      this.abort();
      return;
    }
    this.upstreamResponseStarted = true;
    const bytes = new TextEncoder().encode(body);
    const headers: HeaderList = [[":status", String(status)], ["content-length", String(bytes.length)], ["content-type", "text/plain"]];
    this.run(async () => {
      await this.stream.encodeHeaders(headers, false);
      await this.stream.encodeData(bytes, true);
    });
  }

  private writeDownstreamHeaders(headers: HeaderList, end: boolean): void {
    const status = Number(headerValue(headers, ":status") ?? "200");
    try {
      if (end && this.res instanceof Http2ServerResponse) {
        // One HEADERS frame with END_STREAM: gRPC clients read a trailers-only answer only so.
        this.res.stream.respond({ ...outgoingHeaders(headers), ":status": status }, { endStream: true });
        this.downstreamDone = true;
        this.releaseUpstream();
        return;
      }
      this.res.writeHead(status, outgoingHeaders(headers));
    } catch (err) {
      process.emitWarning(`proxyscript: invalid response headers: ${(err as Error).message}`);
      this.abort();
      return;
    }
    if (end) this.endDownstream();
  }

  private writeDownstream(chunk: Uint8Array, end: boolean): void {
    if (this.downstreamDone) return;
    if (chunk.length > 0) (this.res as ServerResponse).write(chunk);
    if (end) this.endDownstream();
  }

  private endDownstream(): void {
    if (this.downstreamDone) return;
    this.downstreamDone = true;
    this.res.end();
    this.releaseUpstream();
  }

  /** An upstream exchange cut short (local reply, client gone) cannot return to the keep-alive pool. */
  private releaseUpstream(): void {
    if (this.upstream && !this.upstreamComplete) this.upstream.destroy();
  }

  private clearRouteTimer(): void {
    if (this.routeTimer) clearTimeout(this.routeTimer);
    this.routeTimer = null;
  }

  private abort(): void {
    this.clearRouteTimer();
    this.upstream?.destroy();
    if (!this.downstreamDone) {
      this.downstreamDone = true;
      this.res.destroy();
    }
  }
}
