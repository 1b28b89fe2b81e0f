// Envoy's HTTP filter manager for one stream through a chain of plugins: decode in chain order,
// encode in reverse, with Envoy's stop/buffer/continue rules, local replies, failure policy, and
// the access-log and teardown callbacks at the end.
import { BufferType, DATA_ACTIONS, HEADERS_ACTIONS, MapType, StreamType, TRAILERS_ACTIONS, WasmResult } from "./abi.ts";
import type { CallbackRecord, HeaderList, HttpStream, StreamInfo, StreamSink } from "./api.ts";
import { localReplyRequest, prepareLocalReply } from "./local-reply.ts";
import { EMPTY_BYTES, concatBytes, encodeUtf8 } from "./memory.ts";
import type { PluginImpl } from "./plugin.ts";
import type { BodyBuffer, StreamBinding } from "./runtime.ts";
import { TRAPPED, type VmContext, type WasmVm } from "./vm.ts";

type Direction = "request" | "response";

/** What one filter holds back in one direction. */
interface Hold {
  headersHeld: boolean;
  headersEos: boolean;
  /** Stopped on headers: later data and trailers wait here without reaching the filter. */
  stoppedAll: boolean;
  /** A body callback stopped: data waits here until the filter continues. */
  dataStopped: boolean;
  /** StopIterationAndBuffer: the next body callback sees everything buffered so far. */
  buffering: boolean;
  buffered: BodyBuffer;
  trailersHeld: HeaderList | null;
  /** The end of the stream has reached this filter. */
  endSeen: boolean;
  /** The filter asked for buffering (…AndBuffer) rather than flow control (…AndWatermark): the limit applies. */
  limited: boolean;
}

function newHold(): Hold {
  return { headersHeld: false, headersEos: false, stoppedAll: false, dataStopped: false, buffering: false, buffered: { bytes: EMPTY_BYTES }, trailersHeld: null, endSeen: false, limited: false };
}

class DirectionState {
  readonly holds: Hold[];
  headers: HeaderList | null = null;
  trailers: HeaderList | null = null;
  /** End of stream delivered to the sink. */
  done = false;
  /** No more input is processed (local reply, reset). */
  aborted = false;
  constructor(readonly dir: Direction, readonly order: number[]) {
    this.holds = order.map(() => newHold());
  }
}

/** What a filter's context may access right now (null: not in its phase, Envoy answers BadArgument). */
interface SlotView {
  requestHeaders: HeaderList | null; requestBody: BodyBuffer | null; requestTrailers: HeaderList | null;
  responseHeaders: HeaderList | null; responseBody: BodyBuffer | null; responseTrailers: HeaderList | null;
}

function emptyView(): SlotView {
  return { requestHeaders: null, requestBody: null, requestTrailers: null, responseHeaders: null, responseBody: null, responseTrailers: null };
}

/**
 * One plugin's place in this stream, and the stream side of its context (the StreamBinding host
 * calls reach). A class, not a literal of closures: one is made per filter per request.
 */
class Slot implements StreamBinding {
  readonly ctx: VmContext;
  created = false;
  /** Failed (trap) or its VM died: no more callbacks for this stream. */
  skip = false;
  view: SlotView = emptyView();

  constructor(private readonly stream: FilterStream, readonly plugin: PluginImpl, readonly vm: WasmVm, readonly index: number) {
    this.ctx = vm.createStreamContext(this);
  }

  map(type: MapType): HeaderList | null {
    switch (type) {
      case MapType.RequestHeaders: return this.view.requestHeaders;
      case MapType.RequestTrailers: return this.view.requestTrailers;
      case MapType.ResponseHeaders: return this.view.responseHeaders;
      case MapType.ResponseTrailers: return this.view.responseTrailers;
      default: return null;
    }
  }

  body(type: BufferType): BodyBuffer | null {
    return type === BufferType.HttpRequestBody ? this.view.requestBody : type === BufferType.HttpResponseBody ? this.view.responseBody : null;
  }

  continueStream(type: StreamType): WasmResult {
    return this.stream.continueFromFilter(this, type);
  }

  closeStream(type: StreamType): WasmResult {
    return this.stream.closeFromFilter(this, type);
  }

  sendLocalResponse(status: number, body: Uint8Array, headers: HeaderList, grpcStatus: number, details: string): void {
    this.stream.localReplyFromFilter(status, body, headers, grpcStatus, details);
  }

  propertySources(): ReturnType<StreamBinding["propertySources"]> {
    return this.stream.propertySourcesFor(this);
  }

  setProperty(path: string, value: Uint8Array): WasmResult {
    return this.stream.setFilterState(path, value);
  }
}

const FAIL_STREAM_DETAILS = "wasm_fail_stream";

let nextConnectionId = 1;

export class FilterStream implements HttpStream {
  readonly callbacks: CallbackRecord[] = [];
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly slots: Slot[];
  private decode: DirectionState;
  private encode: DirectionState;
  private responseStarted = false;
  private ignoreUpstreamResponse = false;
  private ended = false;
  private dispatching = 0;
  private readonly pending: Array<() => void> = [];
  private readonly filterState = new Map<string, Uint8Array>();
  private readonly startNanos: bigint;
  private readonly connectionId = nextConnectionId++;
  private requestBodyBytes = 0;
  private responseBodyBytes = 0;
  private responseCodeDetails = "";
  /** Final maps kept for properties and on_log. */
  private requestHeadersSeen: HeaderList | null = null;
  private responseHeadersSeen: HeaderList | null = null;
  private responseTrailersSeen: HeaderList | null = null;
  /** Set when a local reply was requested during the current callback (Envoy's stopNextIteration). */
  private stopNextIteration = false;

  constructor(
    plugins: readonly PluginImpl[],
    private readonly info: StreamInfo,
    private readonly sink: StreamSink,
    worker: number,
    /** Envoy's per_connection_buffer_limit_bytes: what a buffering filter may hold (default 1 MiB). */
    private readonly bufferLimitBytes = 1024 * 1024,
  ) {
    this.finished = new Promise((resolve) => { this.resolveFinished = resolve; });
    this.slots = plugins.map((plugin, index) => new Slot(this, plugin, plugin.vmFor(worker), index));
    const order = plugins.map((_, i) => i);
    this.decode = new DirectionState("request", order);
    this.encode = new DirectionState("response", [...order].reverse());
    this.startNanos = plugins[0]?.clock.nowNanos() ?? 0n;
  }

  // ---- Public input -----------------------------------------------------------------------------

  async decodeHeaders(headers: HeaderList, endOfStream: boolean): Promise<void> {
    if (this.ended || this.decode.aborted || this.decode.headers !== null) return;
    this.decode.headers = normalize(headers);
    this.requestHeadersSeen = this.decode.headers;
    this.pushHeaders(this.decode, 0, endOfStream);
    this.drain();
  }

  async decodeData(chunk: Uint8Array, endOfStream: boolean): Promise<void> {
    if (this.ended || this.decode.aborted) return;
    this.requestBodyBytes += chunk.byteLength;
    this.pushData(this.decode, 0, chunk, endOfStream);
    this.drain();
  }

  async decodeTrailers(trailers: HeaderList): Promise<void> {
    if (this.ended || this.decode.aborted) return;
    this.decode.trailers = normalize(trailers);
    this.pushTrailers(this.decode, 0, this.decode.trailers);
    this.drain();
  }

  async encodeHeaders(headers: HeaderList, endOfStream: boolean): Promise<void> {
    if (this.ended || this.ignoreUpstreamResponse || this.encode.headers !== null) return;
    this.encode.headers = normalize(headers);
    this.responseHeadersSeen = this.encode.headers;
    this.responseCodeDetails ||= "via_upstream";
    this.pushHeaders(this.encode, 0, endOfStream);
    this.drain();
  }

  async encodeData(chunk: Uint8Array, endOfStream: boolean): Promise<void> {
    if (this.ended || this.ignoreUpstreamResponse) return;
    this.responseBodyBytes += chunk.byteLength;
    this.pushData(this.encode, 0, chunk, endOfStream);
    this.drain();
  }

  async encodeTrailers(trailers: HeaderList): Promise<void> {
    if (this.ended || this.ignoreUpstreamResponse) return;
    this.encode.trailers = normalize(trailers);
    this.responseTrailersSeen = this.encode.trailers;
    this.pushTrailers(this.encode, 0, this.encode.trailers);
    this.drain();
  }

  async destroy(): Promise<void> {
    this.finish();
  }

  // ---- Iteration --------------------------------------------------------------------------------

  private slotAt(d: DirectionState, k: number): Slot {
    return this.slots[d.order[k]!]!;
  }

  private pushHeaders(d: DirectionState, k: number, eos: boolean): void {
    if (d.aborted || this.ended) return;
    if (k === d.order.length) return this.emitHeaders(d, eos);
    const slot = this.slotAt(d, k);
    const hold = d.holds[k]!;
    if (eos) hold.endSeen = true;
    if (slot.skip || (d.dir === "response" && !slot.created)) return this.pushHeaders(d, k + 1, eos);
    const headers = d.headers!;
    if (d.dir === "request") slot.view.requestHeaders = headers; else slot.view.responseHeaders = headers;
    const action = this.callFilter(slot, d.dir === "request" ? "proxy_on_request_headers" : "proxy_on_response_headers", HEADERS_ACTIONS, headers.length, eos);
    if (action === "Failed") return;
    if (action === "Continue" || action === "ContinueAndDontEndStream") {
      if (d.dir === "request") slot.view.requestHeaders = null; else slot.view.responseHeaders = null;
      this.drain();
      return this.pushHeaders(d, k + 1, eos);
    }
    // Every stop on headers pauses all iteration (Envoy turns StopIteration into StopAllIterationAndWatermark).
    hold.headersHeld = true;
    hold.headersEos = eos;
    hold.stoppedAll = true;
    hold.limited = action === "StopAllIterationAndBuffer";
    this.drain();
  }

  private pushData(d: DirectionState, k: number, chunk: Uint8Array, eos: boolean): void {
    if (d.aborted || this.ended) return;
    if (k === d.order.length) return this.emitData(d, chunk, eos);
    const slot = this.slotAt(d, k);
    const hold = d.holds[k]!;
    if (hold.stoppedAll) {
      hold.buffered.bytes = concatBytes(hold.buffered.bytes, chunk);
      if (eos) hold.endSeen = true;
      if (hold.limited && hold.buffered.bytes.byteLength > this.bufferLimitBytes) this.bufferOverflow(d);
      return;
    }
    if (eos) hold.endSeen = true;
    if (slot.skip || (d.dir === "response" && !slot.created)) return this.pushData(d, k + 1, chunk, eos);
    // After …AndBuffer the callback sees everything held so far plus this chunk (Envoy ≥ 1.32 adds the
    // chunk to the buffer first, so the limit applies to the sum); after …AndWatermark it sees only
    // the new chunk while earlier ones stay held.
    const held = hold.buffering ? EMPTY_BYTES : hold.buffered.bytes;
    const body: BodyBuffer = hold.buffering ? hold.buffered : { bytes: EMPTY_BYTES };
    body.bytes = concatBytes(body.bytes, chunk);
    if (hold.buffering && hold.limited && body.bytes.byteLength > this.bufferLimitBytes) return this.bufferOverflow(d);
    if (d.dir === "request") slot.view.requestBody = body; else slot.view.responseBody = body;
    const action = this.callFilter(slot, d.dir === "request" ? "proxy_on_request_body" : "proxy_on_response_body", DATA_ACTIONS, body.bytes.byteLength, eos);
    if (action === "Failed") return;
    if (action === "Continue") {
      if (d.dir === "request") slot.view.requestBody = null; else slot.view.responseBody = null;
      hold.buffered = { bytes: EMPTY_BYTES };
      hold.buffering = false;
      hold.dataStopped = false;
      this.drain();
      return this.pushData(d, k + 1, concatBytes(held, body.bytes), eos);
    }
    hold.dataStopped = true;
    if (action === "StopIterationAndBuffer") {
      hold.buffering = true;
      hold.limited = true;
      hold.buffered = body;
      if (body.bytes.byteLength > this.bufferLimitBytes) return this.bufferOverflow(d);
    } else {
      // Watermark keeps the chunk held (flow control, no limit); NoBuffer drops it.
      hold.buffering = false;
      hold.limited = false;
      hold.buffered = { bytes: action === "StopIterationAndWatermark" ? concatBytes(held, body.bytes) : held };
      if (d.dir === "request") slot.view.requestBody = null; else slot.view.responseBody = null;
    }
    this.drain();
  }

  private pushTrailers(d: DirectionState, k: number, trailers: HeaderList): void {
    if (d.aborted || this.ended) return;
    if (k === d.order.length) return this.emitTrailers(d, trailers);
    const slot = this.slotAt(d, k);
    const hold = d.holds[k]!;
    hold.endSeen = true;
    if (hold.stoppedAll) { hold.trailersHeld = trailers; return; }
    if (slot.skip || (d.dir === "response" && !slot.created)) return this.pushTrailers(d, k + 1, trailers);
    if (d.dir === "request") slot.view.requestTrailers = trailers; else slot.view.responseTrailers = trailers;
    const action = this.callFilter(slot, d.dir === "request" ? "proxy_on_request_trailers" : "proxy_on_response_trailers", TRAILERS_ACTIONS, trailers.length, false);
    if (action === "Failed") return;
    if (action === "Continue") {
      if (d.dir === "request") slot.view.requestTrailers = null; else slot.view.responseTrailers = null;
      this.drain();
      // Trailers continuing also release data the filter had stopped (Envoy's commonHandleAfterTrailersCallback).
      const data = hold.buffered.bytes;
      hold.buffered = { bytes: EMPTY_BYTES };
      hold.buffering = false;
      hold.dataStopped = false;
      if (data.byteLength > 0) this.pushData(d, k + 1, data, false);
      return this.pushTrailers(d, k + 1, trailers);
    }
    hold.trailersHeld = trailers;
    this.drain();
  }

  /** proxy_continue_stream from the filter at chain index `index`. */
  private resume(d: DirectionState, index: number): void {
    if (d.aborted || this.ended) return;
    const k = d.order.indexOf(index);
    const hold = d.holds[k]!;
    const slot = this.slots[index]!;
    if (hold.headersHeld) {
      hold.headersHeld = false;
      hold.stoppedAll = false;
      if (d.dir === "request") slot.view.requestHeaders = null; else slot.view.responseHeaders = null;
      const pendingData = hold.buffered.bytes;
      const trailers = hold.trailersHeld;
      hold.buffered = { bytes: EMPTY_BYTES };
      hold.trailersHeld = null;
      const endsWithHeaders = hold.headersEos;
      this.pushHeaders(d, k + 1, endsWithHeaders);
      if (endsWithHeaders) return;
      // Data and trailers that arrived while stopped go through this filter first (iterate from current).
      const dataEos = hold.endSeen && trailers === null;
      if (pendingData.byteLength > 0 || dataEos) {
        hold.endSeen = false;
        this.pushData(d, k, pendingData, dataEos);
      }
      if (trailers !== null) this.pushTrailers(d, k, trailers);
      return;
    }
    if (hold.dataStopped || hold.trailersHeld !== null) {
      const data = hold.buffered.bytes;
      const trailers = hold.trailersHeld;
      hold.buffered = { bytes: EMPTY_BYTES };
      hold.buffering = false;
      hold.dataStopped = false;
      hold.trailersHeld = null;
      if (d.dir === "request") { slot.view.requestBody = null; slot.view.requestTrailers = null; } else { slot.view.responseBody = null; slot.view.responseTrailers = null; }
      const dataEos = hold.endSeen && trailers === null;
      if (data.byteLength > 0 || dataEos) this.pushData(d, k + 1, data, dataEos);
      if (trailers !== null) this.pushTrailers(d, k + 1, trailers);
    }
  }

  // ---- Output -----------------------------------------------------------------------------------

  private emitHeaders(d: DirectionState, eos: boolean): void {
    const headers = d.headers!;
    if (d.dir === "request") {
      this.sink.upstreamHeaders(headers, eos);
      if (eos) d.done = true;
    } else {
      this.responseStarted = true;
      this.responseHeadersSeen = headers;
      this.sink.downstreamHeaders(headers, eos);
      if (eos) { d.done = true; this.finish(); }
    }
  }

  private emitData(d: DirectionState, chunk: Uint8Array, eos: boolean): void {
    if (d.dir === "request") {
      this.sink.upstreamData(chunk, eos);
      if (eos) d.done = true;
    } else {
      this.sink.downstreamData(chunk, eos);
      if (eos) { d.done = true; this.finish(); }
    }
  }

  private emitTrailers(d: DirectionState, trailers: HeaderList): void {
    if (d.dir === "request") {
      this.sink.upstreamTrailers(trailers);
      d.done = true;
    } else {
      this.responseTrailersSeen = trailers;
      this.sink.downstreamTrailers(trailers);
      d.done = true;
      this.finish();
    }
  }

  // ---- Filter calls and failures ----------------------------------------------------------------

  private ensureCreated(slot: Slot): boolean {
    if (slot.created) return true;
    slot.created = true;
    const r = slot.vm.call(slot.ctx.id, "proxy_on_context_create", slot.ctx.id, slot.vm.rootContextId);
    if (r === TRAPPED) { this.onFilterFailure(slot, "proxy_on_context_create"); return false; }
    slot.ctx.created = true;
    return true;
  }

  /** Calls one HTTP callback; returns its action name, or "Failed" when the filter failed and the stream was handled. */
  private callFilter(slot: Slot, name: string, actions: readonly string[], size: number, eos: boolean): string {
    const callback = name.slice(6); // without "proxy_"
    if (slot.vm.failed) return this.onFilterFailure(slot, callback);
    if (!this.ensureCreated(slot)) return this.failedResult(slot);
    this.dispatching++;
    this.stopNextIteration = false;
    const raw = slot.vm.call(slot.ctx.id, name, slot.ctx.id, size, eos ? 1 : 0);
    this.dispatching--;
    if (raw === TRAPPED) return this.onFilterFailure(slot, callback);
    let action: string;
    if (raw === undefined) action = "Continue";
    else {
      const n = Number(raw) >>> 0;
      action = n < actions.length ? actions[n]! : actions[actions.length - 1]!;
      if (this.stopNextIteration && action === "Continue") action = actions === HEADERS_ACTIONS ? "StopAllIterationAndWatermark" : actions === DATA_ACTIONS ? "StopIterationNoBuffer" : "StopIteration";
    }
    this.stopNextIteration = false;
    this.callbacks.push({ plugin: slot.plugin.name, callback, action });
    return action;
  }

  private onFilterFailure(slot: Slot, callback: string): string {
    if (!slot.skip) this.callbacks.push({ plugin: slot.plugin.name, callback, action: "Trap" });
    slot.skip = true;
    return this.failedResult(slot);
  }

  /** Envoy's failure policy: fail open skips the filter; fail closed answers 503 (or resets). */
  private failedResult(slot: Slot): string {
    slot.skip = true;
    if (slot.plugin.failOpen) return "Continue";
    this.failStream();
    return "Failed";
  }

  private failStream(): void {
    if (this.ended) return;
    if (!this.responseStarted) this.localReply(503, EMPTY_BYTES, [], FAIL_STREAM_DETAILS);
    else this.reset("wasm filter failed after the response started");
  }

  // ---- Stream actions the filters request -------------------------------------------------------

  private later(action: () => void): void {
    if (this.dispatching > 0) this.pending.push(action);
    else { action(); this.drain(); }
  }

  private drain(): void {
    if (this.dispatching > 0) return;
    while (this.pending.length > 0) this.pending.shift()!();
  }

  /** Envoy's sendLocalReply; headers and body as prepareLocalReply makes them. */
  private localReply(status: number, replyBody: Uint8Array, extra: HeaderList, details: string, grpcStatus = -1): void {
    if (this.ended) return;
    if (this.responseStarted) { this.reset(`local reply ${status} after the response started`); return; }
    this.responseCodeDetails = details;
    this.decode.aborted = true;
    this.ignoreUpstreamResponse = true;
    this.encode.aborted = true;
    const { headers, body } = prepareLocalReply(status, replyBody, extra, localReplyRequest(this.requestHeadersSeen), grpcStatus);
    if (this.encode.headers !== null) {
      // The response already entered the filter chain: Envoy sends the reply straight to the
      // client, bypassing the filters, so their state machines are not re-entered.
      this.encode.done = true;
      this.responseStarted = true;
      this.responseHeadersSeen = headers;
      this.sink.downstreamHeaders(headers, body.byteLength === 0);
      if (body.byteLength > 0) this.sink.downstreamData(body, true);
      this.finish();
      return;
    }
    // The reply goes through the response path of every filter that saw the request (the sender too).
    this.encode = new DirectionState("response", this.encode.order);
    this.encode.headers = headers;
    this.responseHeadersSeen = headers;
    for (const s of this.slots) { s.view.responseHeaders = null; s.view.responseBody = null; s.view.responseTrailers = null; }
    this.pushHeaders(this.encode, 0, body.byteLength === 0);
    if (body.byteLength > 0) this.pushData(this.encode, 0, body, true);
  }

  /** Envoy's answer when a buffering filter exceeds the buffer limit: 413 on requests, 500 on responses. */
  private bufferOverflow(d: DirectionState): void {
    if (d.dir === "request") this.localReply(413, encodeUtf8("Payload Too Large"), [], "request_payload_too_large");
    else this.localReply(500, encodeUtf8("Internal Server Error"), [], "response_payload_too_large");
  }

  private reset(reason: string): void {
    if (this.ended) return;
    this.decode.aborted = true;
    this.encode.aborted = true;
    this.sink.reset?.(reason);
    this.finish();
  }

  // ---- Calls from a filter's context (through its Slot) ---------------------------------------

  continueFromFilter(slot: Slot, type: StreamType): WasmResult {
    if (type !== StreamType.Request && type !== StreamType.Response) return WasmResult.BadArgument;
    this.later(() => this.resume(type === StreamType.Request ? this.decode : this.encode, slot.index));
    return WasmResult.Ok;
  }

  closeFromFilter(slot: Slot, type: StreamType): WasmResult {
    if (type !== StreamType.Request && type !== StreamType.Response) return WasmResult.BadArgument;
    this.responseCodeDetails ||= FAIL_STREAM_DETAILS;
    this.later(() => this.reset(`closed by filter "${slot.plugin.name}"`));
    return WasmResult.Ok;
  }

  localReplyFromFilter(status: number, body: Uint8Array, headers: HeaderList, grpcStatus: number, details: string): void {
    if (this.dispatching > 0) this.stopNextIteration = true;
    this.later(() => this.localReply(status, body, headers, details, grpcStatus));
  }

  propertySourcesFor(slot: Slot): ReturnType<StreamBinding["propertySources"]> {
    return {
      info: this.info,
      connectionId: this.connectionId,
      startNanos: this.startNanos,
      requestHeaders: this.requestHeadersSeen,
      responseHeaders: this.responseHeadersSeen,
      responseTrailers: this.responseTrailersSeen,
      requestBodyBytes: this.requestBodyBytes,
      responseBodyBytes: this.responseBodyBytes,
      responseCodeDetails: this.responseCodeDetails,
      filterState: this.filterState,
      nowNanos: slot.plugin.clock.nowNanos(),
    };
  }

  setFilterState(path: string, value: Uint8Array): WasmResult {
    this.filterState.set(path, value);
    return WasmResult.Ok;
  }

  // ---- End of stream ----------------------------------------------------------------------------

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.decode.aborted = true;
    this.encode.aborted = true;
    // Access log for every filter (Envoy creates the context for it if the filter never ran), then teardown.
    for (const slot of this.slots) {
      if (slot.skip || slot.vm.failed) continue;
      if (!this.ensureCreatedQuiet(slot)) continue;
      slot.view = {
        requestHeaders: this.requestHeadersSeen, requestBody: null, requestTrailers: this.decode.trailers,
        responseHeaders: this.responseHeadersSeen, responseBody: null, responseTrailers: this.responseTrailersSeen,
      };
      slot.vm.call(slot.ctx.id, "proxy_on_log", slot.ctx.id);
    }
    for (const slot of this.slots) {
      if (!slot.created || slot.vm.failed) { slot.vm.deleteContext(slot.ctx.id); continue; }
      slot.vm.call(slot.ctx.id, "proxy_on_done", slot.ctx.id);
      if (!slot.vm.failed) slot.vm.call(slot.ctx.id, "proxy_on_delete", slot.ctx.id);
      slot.vm.deleteContext(slot.ctx.id);
    }
    this.resolveFinished();
  }

  private ensureCreatedQuiet(slot: Slot): boolean {
    if (slot.created) return true;
    slot.created = true;
    const r = slot.vm.call(slot.ctx.id, "proxy_on_context_create", slot.ctx.id, slot.vm.rootContextId);
    slot.ctx.created = r !== TRAPPED;
    return r !== TRAPPED;
  }
}

function normalize(headers: HeaderList): HeaderList {
  return headers.map(([k, v]) => [k.toLowerCase(), v]);
}

export function encodeBody(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? encodeUtf8(body) : body;
}
