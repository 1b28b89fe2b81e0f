// header-rewrite through the embedded host: the real .wasm, real Envoy semantics.
import { beforeAll, describe, expect, it } from "vitest";
import { loadChain, loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { PluginLoadError } from "../../../harness/host/api.ts";
import { buildWasm } from "../../../test/support/build.ts";

let wasm: string;
beforeAll(async () => {
  wasm = await buildWasm("filters/header-rewrite/index.ts");
});

async function withFilter<T>(config: object, run: (f: LoadedFilter) => Promise<T>): Promise<T> {
  const f = await loadFilter(wasm, { config });
  try {
    return await run(f);
  } finally {
    await f.close();
  }
}

/** The configure failure's log lines, joined; fails the test when the config was accepted. */
async function configError(config: unknown): Promise<string> {
  try {
    const f = await loadFilter(wasm, { config: typeof config === "string" ? config : JSON.stringify(config) });
    await f.close();
  } catch (e) {
    expect(e).toBeInstanceOf(PluginLoadError);
    return [(e as Error).message, ...(e as PluginLoadError).logs.map((l) => l.message)].join("\n");
  }
  throw new Error("the configuration was accepted");
}

describe("request operations", () => {
  it("set replaces every value, add appends, remove deletes every value, rename moves all values", async () => {
    await withFilter({
      request: { set: { "x-a": "1" }, add: { "x-b": "2" }, remove: ["x-c"], rename: { "x-old": "x-new" } },
    }, async (f) => {
      const r = await f.request({
        path: "/",
        headers: [["x-a", "old1"], ["x-a", "old2"], ["x-b", "first"], ["x-c", "c1"], ["x-c", "c2"], ["x-old", "o1"], ["x-old", "o2"], ["x-keep", "k"]],
      });
      const seen = r.upstreamRequest!.headerList;
      expect(seen.filter(([k]) => k === "x-a")).toEqual([["x-a", "1"]]);
      expect(seen.filter(([k]) => k === "x-b").map(([, v]) => v)).toEqual(["first", "2"]);
      expect(seen.some(([k]) => k === "x-c")).toBe(false);
      expect(seen.some(([k]) => k === "x-old")).toBe(false);
      expect(seen.filter(([k]) => k === "x-new").map(([, v]) => v)).toEqual(["o1", "o2"]);
      expect(r.upstreamRequest!.headers["x-keep"]).toBe("k");
    });
  });

  it("set adds a header that was absent; rename of an absent header does nothing; names are case-insensitive", async () => {
    await withFilter({ request: { set: { "X-Added": "yes" }, rename: { "x-missing": "x-target" } } }, async (f) => {
      const r = await f.request({ path: "/", headers: { "x-target": "kept" } });
      expect(r.upstreamRequest!.headers["x-added"]).toBe("yes");
      expect(r.upstreamRequest!.headers["x-target"]).toBe("kept");
    });
  });

  it("removes before it sets, so remove + set of one name leaves the new value", async () => {
    await withFilter({ request: { remove: ["x-a"], set: { "x-a": "new" } } }, async (f) => {
      const r = await f.request({ path: "/", headers: { "x-a": "old" } });
      expect(r.upstreamRequest!.headerList.filter(([k]) => k === "x-a")).toEqual([["x-a", "new"]]);
    });
  });

  it("add takes a list of values", async () => {
    await withFilter({ request: { add: { "x-multi": ["a", "b"] } } }, async (f) => {
      const r = await f.request({ path: "/" });
      expect(r.upstreamRequest!.headerList.filter(([k]) => k === "x-multi").map(([, v]) => v)).toEqual(["a", "b"]);
    });
  });
});

describe("response operations", () => {
  it("edit the upstream's response headers", async () => {
    await withFilter({
      response: { set: { server: "proxyscript" }, add: { "x-served-by": "edge" }, remove: ["x-internal"], rename: { "x-upstream-id": "x-id" } },
    }, async (f) => {
      const r = await f.request({ path: "/" }, {
        upstream: () => ({ status: 201, headers: { server: "nginx", "x-internal": "secret", "x-upstream-id": "42" }, body: "ok" }),
      });
      expect(r.status).toBe(201);
      expect(r.headers.server).toBe("proxyscript");
      expect(r.headers["x-served-by"]).toBe("edge");
      expect(r.headers["x-internal"]).toBeUndefined();
      expect(r.headers["x-upstream-id"]).toBeUndefined();
      expect(r.headers["x-id"]).toBe("42");
      expect(r.body).toBe("ok");
    });
  });
});

describe("rules", () => {
  const config = {
    request: { set: { "x-top": "1" } },
    rules: [
      { match: { prefix: "/api" }, request: { set: { "x-api": "yes" } }, response: { add: { "x-api-response": "yes" } } },
      { match: { path: "/exact", method: "GET" }, request: { set: { "x-exact": "yes" } } },
      { match: { headers: [{ name: "x-env", exact: "dev" }, { name: "x-debug", present: true }] }, request: { set: { "x-dev-debug": "yes" } } },
      { match: { prefix: "/api" }, request: { set: { "x-api": "second" } } },
    ],
  };

  it("apply every rule whose match holds, in order, after the top-level operations", async () => {
    await withFilter(config, async (f) => {
      const api = await f.request({ path: "/api/users?x=1" });
      expect(api.upstreamRequest!.headers["x-top"]).toBe("1");
      expect(api.upstreamRequest!.headers["x-api"]).toBe("second");
      expect(api.upstreamRequest!.headers["x-exact"]).toBeUndefined();
      expect(api.headers["x-api-response"]).toBe("yes");

      const other = await f.request({ path: "/other" });
      expect(other.upstreamRequest!.headers["x-top"]).toBe("1");
      expect(other.upstreamRequest!.headers["x-api"]).toBeUndefined();
      expect(other.headers["x-api-response"]).toBeUndefined();
    });
  });

  it("match the exact path without its query string, and the method", async () => {
    await withFilter(config, async (f) => {
      expect((await f.request({ path: "/exact?q=1" })).upstreamRequest!.headers["x-exact"]).toBe("yes");
      expect((await f.request({ path: "/exact/more" })).upstreamRequest!.headers["x-exact"]).toBeUndefined();
      expect((await f.request({ method: "POST", path: "/exact" })).upstreamRequest!.headers["x-exact"]).toBeUndefined();
    });
  });

  it("require every header condition", async () => {
    await withFilter(config, async (f) => {
      const both = await f.request({ path: "/", headers: { "x-env": "dev", "x-debug": "" } });
      expect(both.upstreamRequest!.headers["x-dev-debug"]).toBe("yes");
      const envOnly = await f.request({ path: "/", headers: { "x-env": "dev" } });
      expect(envOnly.upstreamRequest!.headers["x-dev-debug"]).toBeUndefined();
      const wrongEnv = await f.request({ path: "/", headers: { "x-env": "prod", "x-debug": "1" } });
      expect(wrongEnv.upstreamRequest!.headers["x-dev-debug"]).toBeUndefined();
    });
  });

  it("match RE2 regular expressions against the whole path and header values", async () => {
    await withFilter({
      rules: [
        { match: { path_regex: "/users/[0-9]+" }, request: { set: { "x-user-route": "yes" } } },
        { match: { headers: [{ name: "user-agent", regex: "(?i).*curl.*" }] }, request: { set: { "x-tool": "curl" } } },
      ],
    }, async (f) => {
      expect((await f.request({ path: "/users/42?x=1" })).upstreamRequest!.headers["x-user-route"]).toBe("yes");
      // Whole-path match: a matching substring is not enough.
      expect((await f.request({ path: "/users/42/posts" })).upstreamRequest!.headers["x-user-route"]).toBeUndefined();
      expect((await f.request({ path: "/v1/users/42" })).upstreamRequest!.headers["x-user-route"]).toBeUndefined();
      expect((await f.request({ path: "/", headers: { "user-agent": "CURL/8.0" } })).upstreamRequest!.headers["x-tool"]).toBe("curl");
      expect((await f.request({ path: "/", headers: { "user-agent": "wget" } })).upstreamRequest!.headers["x-tool"]).toBeUndefined();
    });
  });

  it("response-side rules match on the request that caused the response", async () => {
    await withFilter({
      rules: [{ match: { headers: [{ name: "x-trace", present: true }] }, response: { set: { "x-traced": "%REQ(x-trace)%" } } }],
    }, async (f) => {
      const traced = await f.request({ path: "/", headers: { "x-trace": "abc" } });
      expect(traced.headers["x-traced"]).toBe("abc");
      const plain = await f.request({ path: "/" });
      expect(plain.headers["x-traced"]).toBeUndefined();
    });
  });

  it("match the request as it arrived, not as earlier operations changed it", async () => {
    await withFilter({
      request: { remove: ["x-flag"] },
      rules: [{ match: { headers: [{ name: "x-flag", present: true }] }, request: { set: { "x-had-flag": "yes" } } }],
    }, async (f) => {
      const r = await f.request({ path: "/", headers: { "x-flag": "1" } });
      expect(r.upstreamRequest!.headers["x-had-flag"]).toBe("yes");
      expect(r.upstreamRequest!.headers["x-flag"]).toBeUndefined();
    });
  });
});

describe("formatter values", () => {
  it("substitute request and response headers, addresses, protocol, start time and %%", async () => {
    await withFilter({
      request: {
        set: {
          "x-copied": "%REQ(x-source)%",
          "x-fallback": "%REQ(x-missing?x-source)%",
          "x-short": "%REQ(x-source):3%",
          "x-client": "%DOWNSTREAM_REMOTE_ADDRESS%",
          "x-client-ip": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%",
          "x-protocol": "%PROTOCOL%",
          "x-start": "%START_TIME%",
          "x-percent": "100%% of %REQ(:method)% %REQ(:path)%",
          "x-absent": "%REQ(x-not-there)%",
        },
      },
      response: { set: { "x-echo-status": "%RESP(x-upstream-status)% for %REQ(x-source)%" } },
    }, async (f) => {
      const r = await f.request({ path: "/p", headers: { "x-source": "hello" } }, {
        remoteAddress: "198.51.100.4:4242",
        upstream: () => ({ status: 200, headers: { "x-upstream-status": "fine" } }),
      });
      const h = r.upstreamRequest!.headers;
      expect(h["x-copied"]).toBe("hello");
      expect(h["x-fallback"]).toBe("hello");
      expect(h["x-short"]).toBe("hel");
      expect(h["x-client"]).toBe("198.51.100.4:4242");
      expect(h["x-client-ip"]).toBe("198.51.100.4");
      expect(h["x-protocol"]).toBe("HTTP/1.1");
      // The test API's manual clock starts at 2024-01-01T00:00:00Z.
      expect(h["x-start"]).toMatch(/^2024-01-01T00:00:00\.\d{3}Z$/);
      expect(h["x-percent"]).toBe("100% of GET /p");
      // An empty formatted value is not added (Envoy's keep_empty_value: false).
      expect("x-absent" in h).toBe(false);
      expect(r.headers["x-echo-status"]).toBe("fine for hello");
    });
  });
});

describe("more formatter commands", () => {
  it("epoch seconds, local address and the response code", async () => {
    await withFilter({
      request: { set: { "x-epoch": "%START_TIME(%s)%", "x-local": "%DOWNSTREAM_LOCAL_ADDRESS%", "x-local-ip": "%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%" } },
      response: { set: { "x-code": "code=%RESPONSE_CODE%" } },
    }, async (f) => {
      const r = await f.request({ path: "/" }, { upstream: () => ({ status: 201 }) });
      expect(r.upstreamRequest!.headers["x-epoch"]).toBe("1704067200");
      expect(r.upstreamRequest!.headers["x-local"]).toBe("127.0.0.1:10000");
      expect(r.upstreamRequest!.headers["x-local-ip"]).toBe("127.0.0.1");
      expect(r.headers["x-code"]).toBe("code=201");
    });
  });
});

describe("start time", () => {
  it("formats the request's start time as ISO 8601 with milliseconds, across a leap day", async () => {
    await withFilter({ request: { set: { "x-start": "%START_TIME%", "x-epoch": "%START_TIME(%s)%" } } }, async (f) => {
      // From the manual clock's 2024-01-01T00:00:00.000Z to 2024-02-29T13:45:30.123Z.
      const target = Date.UTC(2024, 1, 29, 13, 45, 30, 123);
      await f.advanceTime(target - Date.UTC(2024, 0, 1));
      const r = await f.request({ path: "/" });
      expect(r.upstreamRequest!.headers["x-start"]).toBe("2024-02-29T13:45:30.123Z");
      expect(r.upstreamRequest!.headers["x-epoch"]).toBe(String(Math.floor(target / 1000)));
      await f.advanceTime(Date.UTC(2025, 2, 1, 0, 0, 0, 7) - target);
      expect((await f.request({ path: "/" })).upstreamRequest!.headers["x-start"]).toBe("2025-03-01T00:00:00.007Z");
    });
  });
});

describe("in a chain", () => {
  it("response operations also apply to a local reply from a later filter (Envoy's response path)", async () => {
    const rateLimit = await buildWasm("filters/rate-limit/index.ts");
    const chain = await loadChain([
      { wasm, config: { response: { set: { "x-served-by": "edge" } } } },
      { wasm: rateLimit, config: { stat_prefix: "edge", token_bucket: { max_tokens: 1, fill_interval: "1s" } } },
    ]);
    try {
      expect((await chain.request({ path: "/" })).headers["x-served-by"]).toBe("edge");
      const rejected = await chain.request({ path: "/" });
      expect(rejected.status).toBe(429);
      expect(rejected.upstreamRequest).toBeNull();
      expect(rejected.headers["x-served-by"]).toBe("edge");
    } finally {
      await chain.close();
    }
  });
});

describe("configuration errors", () => {
  it.each([
    [{ request: { set: { "bad name": "1" } } }, /request\.set\.bad name: invalid character ' ' at offset 3/],
    [{ request: { set: { "x-a": "line\r\nbreak" } } }, /request\.set\.x-a: header value contains CR at offset 4/],
    [{ request: { add: { "x-a": "nul\u0000" } } }, /request\.add\.x-a: header value contains NUL/],
    [{ request: { remove: [":path"] } }, /request\.remove\[0\]: pseudo-header ":path" cannot be modified/],
    [{ request: { remove: ["Host"] } }, /request\.remove\[0\]: header "host" cannot be modified/],
    [{ response: { remove: [":status"] } }, /response\.remove\[0\]: pseudo-header/],
    [{ request: { set: { "x-a": "%NOPE%" } } }, /request\.set\.x-a: unknown command %NOPE% at offset 0/],
    [{ request: { set: { "x-a": "50%" } } }, /request\.set\.x-a: '%' must start a command/],
    [{ request: { set: { "x-a": "%REQ(x-b" } } }, /unclosed '\('/],
    [{ request: { set: { "x-a": "%RESP(x-b)%" } } }, /only available in response header values/],
    [{ request: { rename: { "x-a": "x-a" } } }, /renames "x-a" to itself/],
    [{ rules: [{ match: { prefix: "api" } }] }, /rules\[0\]\.match\.prefix: expected a path starting with "\/"/],
    [{ rules: [{ match: { headers: [{ name: "x-a" }] } }] }, /rules\[0\]\.match\.headers\[0\]: needs one of exact, prefix, present or regex/],
    [{ requests: {} }, /requests: unknown field/],
    [{ rules: [{ match: { path_regex: "/a(b" } }] }, /rules\[0\]\.match\.path_regex: .* in \/\/a\(b\//],
    [{ rules: [{ match: { headers: [{ name: "x", regex: "(?=a)a" }] } }] }, /rules\[0\]\.match\.headers\[0\]\.regex: .*RE2 \(and so Envoy\) does not support/],
    [{ request: { set: { "x-a": 5 } } }, /request\.set\.x-a: expected a string header value, got number/],
    ["{not json", /invalid JSON at offset 1/],
  ])("rejects %j", async (config, expected) => {
    expect(await configError(config)).toMatch(expected);
  });

  it("reports every problem at once", async () => {
    const message = await configError({ request: { remove: ["host", ":authority"], set: { "a b": "1" } } });
    expect(message).toMatch(/request\.remove\[0\]/);
    expect(message).toMatch(/request\.remove\[1\]/);
    expect(message).toMatch(/request\.set\.a b/);
  });

  it("accepts an empty configuration and changes nothing", async () => {
    const f = await loadFilter(wasm, { config: "" });
    const r = await f.request({ path: "/", headers: { "x-a": "1" } });
    expect(r.upstreamRequest!.headers["x-a"]).toBe("1");
    await f.close();
  });
});
