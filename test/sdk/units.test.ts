// The SDK's pure parts (JSON, config reader, durations, base64, UTF-8) and its memory hygiene,
// run inside the real .wasm through the embedded host (test/sdk/fixtures/units).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter } from "../../harness/testing.ts";
import { buildWasm } from "../support/build.ts";
import { seededRandom as rng } from "../support/random.ts";

let f: LoadedFilter;

beforeAll(async () => {
  f = await loadFilter(await buildWasm("test/sdk/fixtures/units/index.ts"));
});
afterAll(async () => {
  await f?.close();
});

async function unit(name: string, input: { arg?: string; body?: string | Uint8Array } = {}): Promise<any> {
  const headers: Record<string, string> = { "x-unit": name };
  if (input.arg !== undefined) headers["x-arg"] = input.arg;
  const r = await f.request({ method: "POST", path: "/u", headers, body: input.body });
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body);
}


function randomJson(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 7));
  const strings = ["", "a", "é", "😀 emoji", "quote\" back\\slash", "tab\tnl\n", "\u0001\u001f", "中文", "/slash", "\u2028"];
  switch (pick) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return [0, -1, 1.5, 1e21, -2.5e-7, 123456789, 0.1, 9007199254740991, Math.floor(next() * 1e9) / 1000][Math.floor(next() * 9)];
    case 3: return strings[Math.floor(next() * strings.length)];
    case 4: return strings[Math.floor(next() * strings.length)]! + String(Math.floor(next() * 100));
    case 5: return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(next, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(next() * 4);
      for (let i = 0; i < n; i++) o[`k${i}${strings[Math.floor(next() * strings.length)]}`] = randomJson(next, depth + 1);
      return o;
    }
  }
}

describe("JSON parser and serializer", () => {
  it("parses and re-serializes valid documents to the same value (escapes, surrogate pairs, numbers)", async () => {
    const docs = [
      '{"a":1,"b":[true,false,null],"c":"x\\n\\u00e9\\ud83d\\ude00"}',
      " [1.5, -0, 1e3, 1E-2, 123456789012, 0.1, 1.7976931348623157e308, 5e-324] ",
      '"\\u0041\\"\\/\\\\\\b\\f\\r\\t"',
      "{}", "[]", "0", "-1", "true", "null", '""',
      '{"nested":{"deep":[[[{"x":[]}]]]}}',
      '{"é":"ü","emoji":"😀"}',
    ];
    for (const doc of docs) {
      const out = await unit("json", { body: doc });
      expect(out.ok, `${doc}: ${out.error}`).toBe(true);
      // Compared with JavaScript's own round trip (which also writes -0 as 0).
      expect(JSON.parse(out.value)).toEqual(JSON.parse(JSON.stringify(JSON.parse(doc))));
    }
  });

  it("round-trips 150 random documents exactly as JavaScript's JSON does", async () => {
    const next = rng(42);
    for (let i = 0; i < 150; i++) {
      const value = randomJson(next, 0);
      const doc = JSON.stringify(value, null, i % 3 === 0 ? 2 : undefined);
      const out = await unit("json", { body: doc });
      expect(out.ok, `${doc}: ${out.error}`).toBe(true);
      expect(JSON.parse(out.value)).toEqual(value);
    }
  });

  it("handles a large document (≈200 KB, thousands of escapes) in linear time", async () => {
    const value = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `user "${i}"\n`, tags: ["a", "b"], score: i * 1.5, ok: i % 2 === 0 }));
    const doc = JSON.stringify(value);
    const started = performance.now();
    const out = await unit("json", { body: doc });
    expect(out.ok).toBe(true);
    expect(JSON.parse(out.value)).toEqual(value);
    // Generous bound for a loaded CI machine; the quadratic serializer this guards against took minutes.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("reports the error and its byte offset for invalid documents", async () => {
    const cases: Array<[string | Uint8Array, number, RegExp]> = [
      ["", 0, /unexpected end of input, expected a value/],
      ["{\"a\":1,}", 7, /expected a string key/],
      ["[1,]", 3, /unexpected ']', expected a value/],
      ["[01]", 2, /leading zeros/],
      ["[1 2]", 3, /expected ',' or ']'/],
      ["{\"k\" 1}", 5, /expected ':' after object key/],
      ["1 2", 2, /unexpected '2' after the JSON value/],
      ["tru", 0, /expected 'true'/],
      ["\"a\tb\"", 2, /control character 0x9 must be escaped/],
      ["\"\\ud800\"", 1, /unpaired high surrogate/],
      ["\"\\udc00\"", 1, /unpaired low surrogate/],
      ["\"\\ud800\\u0041\"", 1, /not followed by a low surrogate/],
      ["\"\\x\"", 1, /invalid escape sequence/],
      ["\"\\u12g4\"", 5, /four hex digits/],
      ["\"abc", 4, /unterminated string/],
      ["{\"a\":1,\"a\":2}", 7, /duplicate key "a"/],
      ["1e400", 0, /number out of range/],
      ["-", 1, /unexpected end of input in a number/],
      ["1.", 2, /expected a digit after the decimal point/],
      ["1e+", 3, /expected a digit in the exponent/],
      [new Uint8Array([0x22, 0xc0, 0xaf, 0x22]), 1, /invalid UTF-8/], // overlong '/'
      [new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), 1, /invalid UTF-8/], // encoded surrogate
      [new Uint8Array([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]), 1, /invalid UTF-8/], // > U+10FFFF
      [new Uint8Array([0x22, 0x61, 0xe2, 0x82]), 2, /invalid UTF-8/], // truncated
    ];
    for (const [doc, offset, message] of cases) {
      const out = await unit("json", { body: doc });
      const label = typeof doc === "string" ? doc : Buffer.from(doc).toString("hex");
      expect(out.ok, label).toBe(false);
      expect(out.offset, `${label}: ${out.error}`).toBe(offset);
      expect(out.error, label).toMatch(message);
      expect(out.error, label).toMatch(new RegExp(`^invalid JSON at offset ${offset}: `));
    }
  });

  it("limits nesting depth to 128 instead of exhausting the stack", async () => {
    expect((await unit("json", { body: "[".repeat(128) + "]".repeat(128) })).ok).toBe(true);
    const deep = await unit("json", { body: "[".repeat(129) + "]".repeat(129) });
    expect(deep.ok).toBe(false);
    expect(deep.error).toMatch(/nesting deeper than 128 levels/);
    const hostile = await unit("json", { body: "{\"a\":".repeat(100_000) });
    expect(hostile.ok).toBe(false);
  });

  it("serializes strings with the escapes JSON requires", async () => {
    for (const text of ["plain", "quote\" back\\ nl\n tab\t cr\r", "\u0000\u0001\u001f", "é😀中", "</script>"]) {
      const out = await unit("json-quote", { body: text });
      expect(JSON.parse(out.quoted)).toBe(text);
    }
  });

  it("builds values through the API and serializes them (integers without fraction, NaN as null)", async () => {
    const out = await unit("json-build");
    expect(out.reparsed).toBe(true);
    expect(out.text).toBe('{"s":"a\\"b\\\\c\\n\\u0001é😀","n":-12.5,"i":1000000000000000,"nan":null,"b":true,"z":null,"a":[1,{}]}');
  });
});

describe("durations", () => {
  it("parses Envoy/Go-style durations to nanoseconds", async () => {
    const cases: Array<[string, number, string]> = [
      ["1s", 1e9, "1s"], ["250ms", 250e6, "250ms"], ["1.5s", 1.5e9, "1500ms"], ["1m30s", 90e9, "90s"],
      ["100us", 100e3, "100us"], ["10ns", 10, "10ns"], ["2h", 7200e9, "7200s"], ["0", 0, "0s"], [".5s", 0.5e9, "500ms"],
    ];
    for (const [text, nanos, back] of cases) {
      const out = await unit("duration", { arg: text });
      expect(out, text).toEqual({ ok: true, nanos, millis: Math.trunc(nanos / 1e6), text: back });
    }
  });

  it("refuses malformed or negative durations", async () => {
    for (const text of ["", "1", "s", "-1s", "1x", "1 s", "ms", "1.5.2s", "soon"]) {
      expect((await unit("duration", { arg: text })).ok, text).toBe(false);
    }
  });
});

describe("base64", () => {
  it("encodes the RFC 4648 test vectors and random bytes like Node", async () => {
    for (const text of ["", "f", "fo", "foo", "foob", "fooba", "foobar"]) {
      const out = await unit("base64-encode", { body: text });
      expect(out.std).toBe(Buffer.from(text).toString("base64"));
      expect(out.url).toBe(Buffer.from(text).toString("base64url"));
    }
    const next = rng(7);
    for (let n = 1; n < 40; n += 3) {
      const bytes = new Uint8Array(Array.from({ length: n }, () => Math.floor(next() * 256)));
      const out = await unit("base64-encode", { body: bytes });
      expect(out.std).toBe(Buffer.from(bytes).toString("base64"));
      expect(out.url).toBe(Buffer.from(bytes).toString("base64url"));
      expect((await unit("base64-decode", { arg: out.std })).hex).toBe(Buffer.from(bytes).toString("hex"));
      expect((await unit("base64url-decode", { arg: out.url })).hex).toBe(Buffer.from(bytes).toString("hex"));
    }
  });

  it("decodes strictly: bad characters, bad padding and non-zero trailing bits are refused", async () => {
    expect(await unit("base64-decode", { arg: "Zm9vYmFy" })).toEqual({ ok: true, hex: "666f6f626172" });
    expect(await unit("base64-decode", { arg: "Zg==" })).toEqual({ ok: true, hex: "66" });
    for (const bad of ["Zg", "Zg=", "Zh==", "Z===", "Zm9v!", "Zm9v-_", "Zg==Zg==", "Z"]) {
      expect((await unit("base64-decode", { arg: bad })).ok, bad).toBe(false);
    }
    expect(await unit("base64url-decode", { arg: "-_8" })).toEqual({ ok: true, hex: "fbff" });
    expect(await unit("base64url-decode", { arg: "Zg" })).toEqual({ ok: true, hex: "66" });
    expect(await unit("base64url-decode", { arg: "Zg==" })).toEqual({ ok: true, hex: "66" });
    for (const bad of ["+/8", "Zh", "Z", "Zg=", "a b"]) {
      expect((await unit("base64url-decode", { arg: bad })).ok, bad).toBe(false);
    }
  });
});

describe("UTF-8", () => {
  it("validates strictly and reports the first bad offset", async () => {
    expect(await unit("utf8", { body: "héllo 😀" })).toEqual({ valid: true, invalid_at: -1, text: "héllo 😀" });
    const bad: Array<[number[], number]> = [
      [[0x61, 0x80], 1], [[0xc0, 0xaf], 0], [[0x61, 0x62, 0xed, 0xa0, 0x80], 2], [[0xf4, 0x90, 0x80, 0x80], 0],
      [[0xe2, 0x82], 0], [[0xf8, 0x88, 0x80, 0x80, 0x80], 0], [[0xe0, 0x80, 0x80], 0],
    ];
    for (const [bytes, at] of bad) {
      expect(await unit("utf8", { body: new Uint8Array(bytes) }), bytes.join(",")).toEqual({ valid: false, invalid_at: at, text: null });
    }
  });
});

describe("config reader", () => {
  it("reads a valid configuration", async () => {
    const out = await unit("config", { body: JSON.stringify({ name: "n", mode: "fast", limit: 5, interval: "250ms", nested: { flag: true }, tags: ["a", "b"] }) });
    expect(out).toEqual({ ok: true, errors: [], name: "n", mode: "fast", limit: 5, interval_ns: 250e6, flag: true, tags: ["a", "b"] });
  });

  it("reports every problem with its field path", async () => {
    const out = await unit("config", { body: JSON.stringify({ mode: "turbo", limit: 500, interval: "soon", nested: { flag: "yes", extra: 1 }, tags: ["a", 2], nmae: "typo" }) });
    expect(out.ok).toBe(false);
    expect(out.errors).toEqual([
      "name: is required",
      'mode: expected one of "fast", "safe", got "turbo"',
      "limit: must be between 1 and 100, got 500",
      'interval: expected a duration like "1s", "250ms" or "1.5s", got "soon"',
      "nested.flag: expected true or false, got string",
      "nested.extra: unknown field",
      "tags[1]: expected a string, got number",
      "nmae: unknown field",
    ]);
  });

  it("reports a non-object configuration and invalid JSON", async () => {
    expect((await unit("config", { body: "[1]" })).errors).toContain("(root): expected an object, got array");
    expect((await unit("config", { body: "{" })).errors[0]).toMatch(/^invalid JSON at offset 1: /);
    expect((await unit("config", { body: JSON.stringify({ name: "x", limit: 1.5 }) })).errors).toEqual(["limit: expected an integer, got 1.5"]);
  });
});

describe("memory", () => {
  it("host-returned blocks are freed: thousands of header/body/property reads do not grow memory", async () => {
    // The first run may grow the heap once while the GC finds its pace; a steady state must follow.
    const warm = await unit("memory", { arg: "5000", body: "x".repeat(4096) });
    const out = await unit("memory", { arg: "5000", body: "x".repeat(4096) });
    expect(warm.pages_after).toBeGreaterThan(0);
    // 5000 rounds copy ~25 MB through the module; without freeing, memory would grow by hundreds of pages.
    expect(out.pages_after - out.pages_before).toBeLessThanOrEqual(4);
  });

  it("garbage is collected as callbacks return: 400 requests of 64 KiB bodies leave memory where it was", async () => {
    const body = "y".repeat(64 * 1024);
    for (let i = 0; i < 40; i++) await unit("memory", { arg: "1", body }); // reach the steady state
    const before = (await unit("memory", { arg: "0" })).pages_after;
    for (let i = 0; i < 400; i++) await unit("memory", { arg: "1", body });
    const after = (await unit("memory", { arg: "0" })).pages_after;
    // Each request leaves over 64 KiB of copies behind (the body read, the reply): ~26 MiB in all,
    // 400+ pages if nothing were collected. The collector keeps at most ~1 MiB (16 pages) of it.
    expect(after - before).toBeLessThanOrEqual(16);
  });
});
