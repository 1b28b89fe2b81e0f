// An HTTP stream's context. Override the callbacks you need; each returns what Envoy should do next.
import * as host from "../abi/hostcalls";
import { Action, BufferType, MapType, Status, StreamType } from "../abi/enums";
import { HeaderPair } from "../abi/memory";
import { Body } from "../body";
import { HeaderMap } from "../headers";
import { BaseContext } from "./base";
import { RootContext } from "./root";

/** One direction of an HTTP stream: its headers, body and trailers. */
export class HttpMessage {
  readonly headers: HeaderMap;
  readonly trailers: HeaderMap;
  readonly body: Body;

  constructor(contextId: u32, headers: MapType, trailers: MapType, body: BufferType) {
    this.headers = new HeaderMap(contextId, headers);
    this.trailers = new HeaderMap(contextId, trailers);
    this.body = new Body(contextId, body);
  }
}

export class HttpContext extends BaseContext {
  readonly request: HttpMessage;
  readonly response: HttpMessage;

  constructor(id: u32, readonly root: RootContext) {
    super(id);
    this.request = new HttpMessage(id, MapType.HttpRequestHeaders, MapType.HttpRequestTrailers, BufferType.HttpRequestBody);
    this.response = new HttpMessage(id, MapType.HttpResponseHeaders, MapType.HttpResponseTrailers, BufferType.HttpResponseBody);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    return Action.Continue;
  }

  /** `bodySize` is what is buffered so far; return Action.Pause to buffer more before deciding. */
  onRequestBody(bodySize: u32, endOfStream: bool): Action {
    return Action.Continue;
  }

  onRequestTrailers(numTrailers: u32): Action {
    return Action.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    return Action.Continue;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): Action {
    return Action.Continue;
  }

  onResponseTrailers(numTrailers: u32): Action {
    return Action.Continue;
  }

  /** Resumes a request paused by Action.Pause (proxy_continue_stream). */
  continueRequest(): Status {
    this.makeEffective();
    return host.continueStream(StreamType.Request);
  }

  /** Resumes a response paused by Action.Pause. */
  continueResponse(): Status {
    this.makeEffective();
    return host.continueStream(StreamType.Response);
  }

  /** Ends the request direction (proxy_close_stream). */
  closeRequest(): Status {
    this.makeEffective();
    return host.closeStream(StreamType.Request);
  }

  /** Ends the response direction (proxy_close_stream). */
  closeResponse(): Status {
    this.makeEffective();
    return host.closeStream(StreamType.Response);
  }

  /**
   * Answers the client directly; the request goes no further upstream. `grpcStatus` -1 means
   * none (a gRPC status sets grpc-status/grpc-message for gRPC clients).
   */
  sendLocalResponse(statusCode: u32, details: string = "", body: string = "", headers: HeaderPair[] = [], grpcStatus: i32 = -1): Status {
    return this.sendLocalResponseBytes(statusCode, details, String.UTF8.encode(body), headers, grpcStatus);
  }

  sendLocalResponseBytes(statusCode: u32, details: string, body: ArrayBuffer, headers: HeaderPair[], grpcStatus: i32 = -1): Status {
    this.makeEffective();
    return host.sendLocalResponse(statusCode, details, body, headers, grpcStatus);
  }
}
