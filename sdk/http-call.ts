// Outbound HTTP calls (proxy_http_call) to a cluster Envoy knows, with the answer delivered to a
// handler object or, without one, to the calling context's onHttpCallResponse.
import * as host from "./abi/hostcalls";
import { BufferType, MapType, Status } from "./abi/enums";
import { HeaderPair } from "./abi/memory";
import { BaseContext } from "./context/base";
import { findHeader } from "./headers";

export class HttpCallResponse {
  constructor(
    readonly token: u32,
    /** Response headers including ":status"; empty when the call failed. */
    readonly headers: HeaderPair[],
    readonly body: ArrayBuffer,
    readonly trailers: HeaderPair[],
  ) {}

  /**
   * True when no response arrived (the call was reset): Envoy reports 0 headers. A timeout or an
   * unreachable upstream is not a failure here: Envoy's router answers it (504 / 503), check `status`.
   */
  get failed(): bool {
    return this.headers.length == 0;
  }

  /** The ":status" code, 0 when the call failed. */
  get status(): u32 {
    const text = findHeader(this.headers, ":status");
    if (text === null) return 0;
    return <u32>I32.parseInt(text, 10);
  }

  header(name: string): string | null {
    return findHeader(this.headers, name);
  }

  bodyText(): string {
    return String.UTF8.decode(this.body);
  }
}

/** Receives an http_call answer; extend it and keep whatever state you need in fields. */
export class HttpCallHandler {
  onResponse(response: HttpCallResponse): void {}
}

class PendingCall {
  constructor(readonly context: BaseContext, readonly handler: HttpCallHandler | null) {}
}

const pending = new Map<u32, PendingCall>();

/**
 * Sends an HTTP request to `cluster`. `headers` must include ":method", ":path" and ":authority".
 * Returns the call's token, or 0 when the host refused it (lastStatus(): BadArgument for an
 * unknown cluster or missing pseudo-headers).
 */
export function httpCall(
  context: BaseContext, cluster: string, headers: HeaderPair[], body: ArrayBuffer,
  trailers: HeaderPair[], timeoutMs: u32, handler: HttpCallHandler | null = null,
): u32 {
  context.makeEffective();
  const token = host.httpCall(cluster, headers, body, trailers, timeoutMs);
  if (token != 0 || host.lastStatus() == Status.Ok) pending.set(token, new PendingCall(context, handler));
  return token;
}

/** Number of calls waiting for an answer (for tests and shutdown). */
export function pendingHttpCalls(): i32 {
  return pending.size;
}

/** Drops calls made by a deleted context (Envoy cancels them with the stream; no answer follows). */
export function forgetHttpCallsOf(contextId: u32): void {
  const tokens = pending.keys();
  for (let i = 0; i < tokens.length; i++) {
    if (pending.get(tokens[i]).context.id == contextId) pending.delete(tokens[i]);
  }
}

/** Called by the ABI export proxy_on_http_call_response. */
export function deliverHttpCallResponse(contextId: u32, token: u32, numHeaders: u32, bodySize: u32, numTrailers: u32): void {
  if (!pending.has(token)) return;
  const call = pending.get(token);
  pending.delete(token);
  const headers = numHeaders > 0 ? host.getHeaderMapPairs(MapType.HttpCallResponseHeaders) : new Array<HeaderPair>();
  const body = bodySize > 0 ? host.getBufferBytes(BufferType.HttpCallResponseBody, 0, bodySize) : new ArrayBuffer(0);
  const trailers = numTrailers > 0 ? host.getHeaderMapPairs(MapType.HttpCallResponseTrailers) : new Array<HeaderPair>();
  const response = new HttpCallResponse(token, headers, body, trailers);
  const handler = call.handler;
  if (handler !== null) handler.onResponse(response);
  else call.context.onHttpCallResponse(response);
}
