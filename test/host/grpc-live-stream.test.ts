// proxy_grpc_stream through a resolver with live streams (openStream, as the proxy's clusters
// have): the exchange opens at grpc_stream, each grpc_send goes out as it happens, and the answer
// reaches the filter as Envoy's gRPC async stream delivers it — messages split across DATA chunks
// reassembled, trailers-only answers, non-200 answers, resets.
import { afterEach, describe, expect, it } from "vitest";
import type { ClusterResolver, ClusterStreamHandlers, HeaderList, Plugin, StreamSink } from "../../harness/host/api.ts";
import { createFilterChain, loadPlugin } from "../../harness/host/index.ts";
import { buildWasm } from "../support/build.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function framed(message: string): Uint8Array {
  const bytes = enc.encode(message);
  const out = new Uint8Array(5 + bytes.length);
  new DataView(out.buffer).setUint32(1, bytes.length, false);
  out.set(bytes, 5);
  return out;
}

/** A resolver whose one live stream is driven by the test; every request-side event is recorded. */
class ScriptedStreams implements ClusterResolver {
  events: string[] = [];
  handlers: ClusterStreamHandlers | null = null;
  opened: HeaderList = [];
  has(cluster: string): boolean { return cluster === "grpc"; }
  call(): Promise<never> { throw new Error("a live-stream resolver gets no whole calls for streams"); }
  openStream(cluster: string, headers: HeaderList, handlers: ClusterStreamHandlers) {
    this.events.push(`open ${cluster}`);
    this.opened = headers;
    this.handlers = handlers;
    return {
      write: (chunk: Uint8Array) => this.events.push(`write ${dec.decode(chunk.subarray(5))}`),
      end: () => this.events.push("end"),
      destroy: () => this.events.push("destroy"),
    };
  }
}

interface Answer { status_code: number; status_message: string; messages: string[]; initial_metadata: HeaderList; trailing_metadata: HeaderList }

const plugins: Plugin[] = [];
afterEach(async () => { for (const p of plugins.splice(0)) await p.close(); });

/** Starts a kitchen-sink stream with x-op grpc-stream; resolves with its local reply body. */
async function startStream(resolver: ScriptedStreams): Promise<{ answer: Promise<Answer> }> {
  const plugin = await loadPlugin({ wasm: await buildWasm("test/fixtures/kitchen-sink/index.ts"), clusters: resolver });
  plugins.push(plugin);
  let resolveAnswer!: (a: Answer) => void;
  const answer = new Promise<Answer>((r) => { resolveAnswer = r; });
  const chunks: Uint8Array[] = [];
  const sink: StreamSink = {
    upstreamHeaders() {}, upstreamData() {}, upstreamTrailers() {},
    downstreamHeaders() {},
    downstreamData(chunk, end) {
      chunks.push(chunk);
      if (end) resolveAnswer(JSON.parse(dec.decode(Buffer.concat(chunks))) as Answer);
    },
    downstreamTrailers() {},
  };
  const stream = createFilterChain([plugin]).newStream({ remoteAddress: "10.0.0.1:1234", localAddress: "127.0.0.1:10000", protocol: "HTTP/1.1" }, sink);
  await stream.decodeHeaders([[":method", "GET"], [":path", "/"], [":authority", "a"], [":scheme", "http"], ["x-op", "grpc-stream"]], true);
  return { answer };
}

describe("proxy_grpc_stream over a live resolver", () => {
  it("opens at grpc_stream and sends each message as the filter sends it, then half-closes", async () => {
    const streams = new ScriptedStreams();
    await startStream(streams);
    expect(streams.events).toEqual(["open grpc", "write one", "write two", "end"]);
    expect(streams.opened).toEqual(expect.arrayContaining([[":path", "/kitchen.Sink/Chat"], ["content-type", "application/grpc"], ["te", "trailers"], ["x-meta", "1"]]));
  });

  it("delivers initial metadata, messages split anywhere across chunks, trailing metadata and the status", async () => {
    const streams = new ScriptedStreams();
    const { answer } = await startStream(streams);
    const h = streams.handlers!;
    h.onHeaders(200, [["content-type", "application/grpc"], ["x-initial", "i"]], false);
    const both = Buffer.concat([framed("re:one"), framed("re:two")]);
    h.onData(both.subarray(0, 3)); // inside the first prefix
    h.onData(both.subarray(3, 14)); // the rest of message one and part of two's prefix
    h.onData(both.subarray(14));
    h.onEnd([["grpc-status", "0"], ["grpc-message", "done%20ok"], ["x-trailing", "t"]]);
    expect(await answer).toEqual({
      status_code: 0, status_message: "done ok", messages: ["re:one", "re:two"],
      initial_metadata: [[":status", "200"], ["content-type", "application/grpc"], ["x-initial", "i"]],
      trailing_metadata: [["grpc-status", "0"], ["grpc-message", "done%20ok"], ["x-trailing", "t"]],
    });
  });

  it("a trailers-only answer: empty initial metadata, its headers as trailing metadata, its grpc-status", async () => {
    const streams = new ScriptedStreams();
    const { answer } = await startStream(streams);
    streams.handlers!.onHeaders(200, [["content-type", "application/grpc"], ["grpc-status", "7"], ["grpc-message", "denied"]], true);
    streams.handlers!.onEnd([]); // the transport's own end afterwards changes nothing
    expect(await answer).toMatchObject({ status_code: 7, status_message: "denied", messages: [], initial_metadata: [] });
    expect((await answer).trailing_metadata).toContainEqual(["grpc-status", "7"]);
  });

  it("a non-200 answer closes with the mapped status; a body without trailers closes as UNKNOWN", async () => {
    const s1 = new ScriptedStreams();
    const r1 = await startStream(s1);
    s1.handlers!.onHeaders(503, [["content-type", "text/plain"]], false);
    expect(await r1.answer).toMatchObject({ status_code: 14, messages: [], initial_metadata: [], trailing_metadata: [] });

    const s2 = new ScriptedStreams();
    const r2 = await startStream(s2);
    s2.handlers!.onHeaders(200, [], false);
    s2.handlers!.onData(framed("partial answer"));
    s2.handlers!.onEnd([]);
    expect(await r2.answer).toMatchObject({ status_code: 2, messages: ["partial answer"] });
  });

  it("a compressed or oversized frame closes as INTERNAL; a reset before headers as UNAVAILABLE, after as INTERNAL", async () => {
    const compressed = new ScriptedStreams();
    const r1 = await startStream(compressed);
    compressed.handlers!.onHeaders(200, [], false);
    const frame = framed("zz");
    frame[0] = 1;
    compressed.handlers!.onData(frame);
    expect(await r1.answer).toMatchObject({ status_code: 13, messages: [] });

    const early = new ScriptedStreams();
    const r2 = await startStream(early);
    early.handlers!.onError(new Error("connection refused"));
    expect(await r2.answer).toMatchObject({ status_code: 14 });

    const late = new ScriptedStreams();
    const r3 = await startStream(late);
    late.handlers!.onHeaders(200, [], false);
    late.handlers!.onData(framed("one"));
    late.handlers!.onError(new Error("reset"));
    expect(await r3.answer).toMatchObject({ status_code: 13, messages: ["one"] });
  });
});
