// Every host import's status codes and encodings, observed from inside a raw-ABI module: the probe
// filter writes what each call returned into request headers, which the echo upstream reflects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deserializePairs, serializePairs } from "../../harness/host/index.ts";
import { loadFilter, type LoadedFilter } from "../../harness/testing.ts";
import { buildRaw } from "./support/build-raw.ts";

let f: LoadedFilter;

beforeAll(async () => {
  f = await loadFilter(await buildRaw("probe"), {
    config: "name=abi",
    name: "abi",
    rootId: "my_root",
    vmId: "vm-7",
    logLevel: "debug",
    properties: { "node.id": "node-1", "node.metadata.region": "eu" },
    foreignFunctions: { echo: (args) => new Uint8Array([...args, ...new TextEncoder().encode("-pong")]) },
  });
});
afterAll(() => f.close());

function hex(s: string | Uint8Array | bigint | boolean): string {
  if (typeof s === "bigint") { const b = Buffer.alloc(8); b.writeBigInt64LE(s); return b.toString("hex"); }
  if (typeof s === "boolean") return s ? "01" : "00";
  return Buffer.from(s).toString("hex");
}

async function upstreamHeaders(op: string, extra: Record<string, string> = {}, path = "/p?q=1") {
  const r = await f.request({ method: "POST", path, authority: "api.example.com", headers: { "x-op": op, "user-agent": "vitest", ...extra } });
  expect(r.status).toBe(200);
  return r.upstreamRequest!.headers;
}

describe("header maps", () => {
  it("answers Envoy's status codes and keeps names lower-case", async () => {
    const h = await upstreamHeaders("headers");
    expect(h["x-dup"]).toBe("one, two");
    expect(h["x-get-missing"]).toBe("1"); // NotFound (ABI 0.2.x)
    expect(h["x-get-method"]).toBe("POST");
    expect(h["x-get-upper"]).toBe("0"); // lookups are case-insensitive (lower-cased)
    expect(h["x-bad-map-type"]).toBe("2"); // BadArgument
    expect(h["x-response-map-now"]).toBe("2"); // no response headers during the request phase
    expect(h["x-trailers-map-now"]).toBe("2");
    expect(h["x-replace"]).toBe("new");
    expect(h["x-remove-me"]).toBeUndefined();
    expect(h["x-oob"]).toBe("6"); // InvalidMemoryAccess, not a crash
    // proxy_get_header_map_size is Envoy's byteSize: the sum of name and value lengths.
    expect(Number(h["x-size-before-pairs"])).toBeGreaterThan(50);
  });

  it("serializes header maps byte-exactly (count, sizes, NUL-terminated names and values)", async () => {
    const bytes = serializePairs([[":method", "GET"], ["a", ""]]);
    expect(Buffer.from(bytes).toString("hex")).toBe(
      "02000000" + "07000000" + "03000000" + "01000000" + "00000000" + hex(":method") + "00" + hex("GET") + "00" + hex("a") + "00" + "00",
    );
    expect(deserializePairs(bytes)).toEqual([[":method", "GET"], ["a", ""]]);
    const r = await f.request({ path: "/", headers: { "x-op": "headers" } });
    // The module got the same format: the first four bytes are the pair count (little-endian),
    // the number of headers present when it asked.
    const count = Buffer.from(r.upstreamRequest!.headers["x-pairs-hex-prefix"]!, "hex").readUInt32LE(0);
    expect(count).toBe(r.upstreamRequest!.headerList.findIndex(([k]) => k === "x-pairs-hex-prefix"));
  });

  it("reports malformed serialized maps precisely instead of crashing", () => {
    expect(() => deserializePairs(new Uint8Array([5, 0, 0, 0, 1]))).toThrow(/declares 5 pairs but has only 5 bytes/);
    expect(() => deserializePairs(new Uint8Array([1, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 97, 0]))).toThrow(/pair 0 .* runs past the end/);
  });

  it("a malformed map from the module reads as empty (as Envoy) and the log says why; a bad pointer is InvalidMemoryAccess", async () => {
    const r = await f.request({ path: "/", headers: { "x-op": "bad-map" } });
    expect(r.upstreamRequest!.headerList).toEqual([["x-after-bad-map", "0"], ["x-bad-pointer", "6"]]);
    expect(r.logs.some((l) => l.level === "warn" && l.message.includes("proxy_set_header_map_pairs: serialized map declares 50 pairs but has only 6 bytes"))).toBe(true);
  });
});

describe("properties", () => {
  const cases: Array<[string, string]> = [
    ["request.path", hex("/p?q=1")],
    ["request.url_path", hex("/p")],
    ["request.query", hex("q=1")],
    ["request.host", hex("api.example.com")],
    ["request.method", hex("POST")],
    ["request.scheme", hex("http")],
    ["request.useragent", hex("vitest")],
    ["request.headers.x-op", hex("prop:request.headers.x-op")],
    ["request.protocol", hex("HTTP/1.1")],
    ["request.headers.x-forwarded-proto", hex("http")],
    ["source.address", hex("203.0.113.7:51234")],
    ["source.port", hex(51234n)],
    ["destination.port", hex(10000n)],
    ["connection.mtls", hex(false)],
    ["plugin_name", hex("abi")],
    ["plugin_root_id", hex("my_root")],
    ["plugin_vm_id", hex("vm-7")],
    ["node.id", hex("node-1")],
    ["node.metadata.region", hex("eu")],
    ["xds.node.id", hex("node-1")],
  ];
  for (const [path, expected] of cases) {
    it(`${path} is encoded as Envoy encodes it`, async () => {
      const h = await upstreamHeaders(`prop:${path}`);
      expect(h["x-prop"]).toBe(`0:${expected}`);
    });
  }

  it("route_name, cluster_name and xds.* come from the stream's route", async () => {
    for (const [path, expected] of [["route_name", "r1"], ["cluster_name", "backend"], ["xds.route_name", "r1"], ["xds.cluster_name", "backend"]]) {
      const r = await f.request({ path: "/", headers: { "x-op": `prop:${path}` } }, { routeName: "r1", clusterName: "backend" });
      expect(r.upstreamRequest!.headers["x-prop"]).toBe(`0:${hex(expected!)}`);
    }
    expect((await upstreamHeaders("prop:route_name"))["x-prop"]).toBe("1");
  });

  it("request.time is the stream start in nanoseconds (8-byte LE)", async () => {
    const h = await upstreamHeaders("prop:request.time");
    const ns = Buffer.from(h["x-prop"]!.slice(2), "hex").readBigInt64LE(0);
    expect(ns).toBe(1_704_067_200_000_000_000n);
  });

  it("request.headers is the serialized header map", async () => {
    const h = await upstreamHeaders("prop:request.headers");
    const pairs = deserializePairs(Buffer.from(h["x-prop"]!.slice(2), "hex"));
    expect(pairs.slice(0, 3)).toEqual([[":method", "POST"], [":path", "/p?q=1"], [":authority", "api.example.com"]]);
  });

  it("unknown paths are NotFound", async () => {
    expect((await upstreamHeaders("prop:request.nope"))["x-prop"]).toBe("1");
    expect((await upstreamHeaders("prop:no_such_thing"))["x-prop"]).toBe("1");
    expect((await upstreamHeaders("prop:response.code"))["x-prop"]).toBe("1");
  });

  it("set_property stores a value the stream can read back", async () => {
    expect((await upstreamHeaders("setprop:my_key=hello"))["x-setprop"]).toBe(`0/0:${hex("hello")}`);
  });
});

describe("everything else", () => {
  it("logs, time, WASI, metrics, shared data, queues, buffers, foreign functions, gRPC", async () => {
    const r = await f.request({ path: "/", headers: { "x-op": "misc" } });
    const h = r.upstreamRequest!.headers;
    expect(h["x-log-level"]).toBe("1"); // debug
    expect(h["x-log-bad-level"]).toBe("2");
    expect(h["x-time"]).toBe("1704067200000000000");
    expect(h["x-wasi-time"]).toBe("1704067200000000000");
    expect(h["x-wasi-random"]).toBe("0");
    expect(h["x-wasi-random-too-big"]).toBe("28"); // EINVAL
    expect(h["x-wasi-path-open"]).toBe("44"); // ENOENT
    expect(h["x-wasi-environ"]).toBe("0");
    expect(h["x-wasi-fd-write"]).toBe("0/18");
    expect(h["x-wasi-fd-write-bad-fd"]).toBe("8"); // EBADF
    expect(r.logs.some((l) => l.level === "info" && l.message === "hello from stdout")).toBe(true);
    expect(h["x-counter-negative"]).toBe("2"); // counters only go up
    expect(h["x-gauge"]).toBe("3");
    expect(h["x-histogram-get"]).toBe("2"); // histograms cannot be read back
    expect(h["x-metric-unknown"]).toBe("1");
    expect(h["x-metric-bad-type"]).toBe("2");
    expect(r.metrics["abi_histogram"]).toBe(42n);
    expect(h["x-shared-missing"]).toBe("1");
    expect(h["x-shared"]).toBe("v1/0/8"); // stale CAS → CasMismatch
    expect(h["x-queue-missing"]).toBe("1");
    expect(h["x-dequeue-unknown"]).toBe("1");
    expect(h["x-body-now"]).toBe("1"); // no body buffer in the headers phase
    expect(h["x-plugin-config-now"]).toBe("1"); // plugin configuration only during configure
    expect(h["x-buffer-bad-type"]).toBe("2");
    expect(h["x-foreign"]).toBe("1");
    expect(h["x-foreign-echo"]).toBe("0/ping-pong");
    expect(h["x-grpc-call"]).toBe("4"); // unknown cluster → ParseFailure, as Envoy answers
    expect(h["x-effective-bad"]).toBe("2");
    expect(h["x-status"]).toBe("0");
    expect(h["x-http-call-bad-cluster"]).toBe("2"); // unknown cluster → BadArgument
    expect(f.metric("abi_requests")).toBeGreaterThan(0n);
  });

  it("Envoy's built-in foreign functions: zlib compress/uncompress (SerializationFailure on bad input)", async () => {
    const h = await upstreamHeaders("compress");
    const [s1, size, s2, text, s3] = h["x-compress"]!.split("/");
    expect([s1, s2, text, s3]).toEqual(["0", "0", "hello hello hello hello hello hello", "3"]);
    expect(Number(size)).toBeLessThan(35);
  });

  it("body buffers: prepend, append, bounded reads, and BadArgument for in-between writes", async () => {
    const r = await f.request({ method: "POST", path: "/", headers: { "x-op": "body-edit" }, body: "abc" });
    expect(r.upstreamRequest!.body).toBe("<abc>");
    const line = r.logs.find((l) => l.message.startsWith("abi: body-edit "))!.message;
    expect(line).toContain("body-edit 0020 slice=abc past=0");
  });
});
