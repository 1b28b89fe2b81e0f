// One request to an upstream endpoint, whatever protocol the cluster speaks: the exchange and
// http_call drive it the same way over HTTP/1.1 (upstream-http1.ts) and HTTP/2 (upstream-http2.ts).
import type { HeaderList } from "../host/api.ts";

/** What an upstream answers, event by event. */
export interface UpstreamHandlers {
  /**
   * Response headers; `headers` excludes `:status` and connection-specific fields. `endStream`:
   * nothing follows them (HTTP/2 HEADERS with END_STREAM, e.g. a gRPC trailers-only answer).
   */
  onHeaders(status: number, headers: HeaderList, endStream: boolean): void;
  /** A body chunk; the upstream is read no further until the returned promise settles (backpressure). */
  onData(chunk: Uint8Array): void | Promise<void>;
  /** The response is complete; `trailers` is empty when the upstream sent none. */
  onEnd(trailers: HeaderList): void;
  /** The request failed (connect error, reset) before the response completed. */
  onError(err: Error): void;
}

/** The request side of an upstream exchange. */
export interface UpstreamRequest {
  write(chunk: Uint8Array): void;
  /** Ends the request: `last` is its final body chunk (HTTP/1.1 then sends a content-length), `trailers` its trailers. */
  end(last?: Uint8Array, trailers?: HeaderList): void;
  /** Abandons the exchange (a connection with a half-done exchange is not reused). */
  destroy(): void;
}

/** Where and how to send one request. */
export interface UpstreamTarget {
  host: string;
  port: number;
  secure: boolean;
  connectTimeoutMs: number;
}
