// rate-limit through the embedded host: the real .wasm, shared data across worker VMs.
import { beforeAll, describe, expect, it } from "vitest";
import { loadFilter, type LoadedFilter, type TestResponse } from "../../../harness/testing.ts";
import { PluginLoadError } from "../../../harness/host/api.ts";
import { buildWasm } from "../../../test/support/build.ts";

let wasm: string;
beforeAll(async () => {
  wasm = await buildWasm("filters/rate-limit/index.ts");
});

const bucket = (max: number, interval = "1s", perFill = max) => ({ max_tokens: max, tokens_per_fill: perFill, fill_interval: interval });

async function withFilter<T>(config: object, run: (f: LoadedFilter) => Promise<T>, workers = 1): Promise<T> {
  const f = await loadFilter(wasm, { config, workers });
  try {
    return await run(f);
  } finally {
    await f.close();
  }
}

async function statuses(f: LoadedFilter, n: number, req: Parameters<LoadedFilter["request"]>[0], opts?: Parameters<LoadedFilter["request"]>[1]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await f.request(req, opts)).status);
  return out;
}

async function configError(config: unknown): Promise<string> {
  try {
    const f = await loadFilter(wasm, { config: JSON.stringify(config) });
    await f.close();
  } catch (e) {
    expect(e).toBeInstanceOf(PluginLoadError);
    return [(e as Error).message, ...(e as PluginLoadError).logs.map((l) => l.message)].join("\n");
  }
  throw new Error("the configuration was accepted");
}

describe("token bucket", () => {
  it("passes max_tokens requests, rejects the rest with 429 and Retry-After, refills every fill_interval", async () => {
    await withFilter({ stat_prefix: "edge", token_bucket: bucket(3, "1s") }, async (f) => {
      expect(await statuses(f, 5, { path: "/" })).toEqual([200, 200, 200, 429, 429]);
      const rejected = await f.request({ path: "/" });
      expect(rejected.status).toBe(429);
      expect(rejected.headers["retry-after"]).toBe("1");
      expect(rejected.headers["x-envoy-ratelimited"]).toBeUndefined();
      expect(rejected.body).toBe("rate limited\n");
      expect(rejected.upstreamRequest).toBeNull();
      await f.advanceTime(999);
      expect((await f.request({ path: "/" })).status).toBe(429);
      await f.advanceTime(1);
      expect(await statuses(f, 4, { path: "/" })).toEqual([200, 200, 200, 429]);
      expect(f.metric("edge.ok")).toBe(6n);
      expect(f.metric("edge.over_limit")).toBe(5n);
    });
  });

  it("adds tokens_per_fill per interval, never above max_tokens", async () => {
    await withFilter({ stat_prefix: "edge", token_bucket: bucket(4, "100ms", 1) }, async (f) => {
      expect(await statuses(f, 5, { path: "/" })).toEqual([200, 200, 200, 200, 429]);
      await f.advanceTime(250); // two fills
      expect(await statuses(f, 3, { path: "/" })).toEqual([200, 200, 429]);
      await f.advanceTime(60_000); // long idle: full again, not more
      expect(await statuses(f, 5, { path: "/" })).toEqual([200, 200, 200, 200, 429]);
    });
  });

  it("uses the configured status", async () => {
    await withFilter({ stat_prefix: "edge", status: 503, token_bucket: bucket(1) }, async (f) => {
      expect(await statuses(f, 2, { path: "/" })).toEqual([200, 503]);
    });
  });
});

describe("keys and rules", () => {
  it("keeps one bucket per source IP (port ignored)", async () => {
    await withFilter({ stat_prefix: "edge", key: ["source_ip"], token_bucket: bucket(2) }, async (f) => {
      const a = { remoteAddress: "198.51.100.1:1000" };
      const a2 = { remoteAddress: "198.51.100.1:2000" };
      const b = { remoteAddress: "198.51.100.2:1000" };
      expect(await statuses(f, 1, { path: "/" }, a)).toEqual([200]);
      expect(await statuses(f, 2, { path: "/" }, a2)).toEqual([200, 429]);
      expect(await statuses(f, 3, { path: "/" }, b)).toEqual([200, 200, 429]);
    });
  });

  it("keys on header, query, path, method, authority and literal parts", async () => {
    await withFilter({
      stat_prefix: "edge",
      key: ["header:x-api-key", "query:tenant", "path", "method", "authority", "literal:v1"],
      token_bucket: bucket(1),
    }, async (f) => {
      const base = { path: "/a?tenant=t1", headers: { "x-api-key": "k1" } };
      expect((await f.request(base)).status).toBe(200);
      expect((await f.request(base)).status).toBe(429);
      expect((await f.request({ ...base, headers: { "x-api-key": "k2" } })).status).toBe(200);
      expect((await f.request({ ...base, path: "/a?tenant=t2" })).status).toBe(200);
      expect((await f.request({ ...base, path: "/b?tenant=t1" })).status).toBe(200);
      expect((await f.request({ ...base, method: "POST" })).status).toBe(200);
      expect((await f.request({ ...base, authority: "other.example" })).status).toBe(200);
      // Lacking a key part (no tenant query parameter): not limited at all here.
      expect(await statuses(f, 3, { path: "/a", headers: { "x-api-key": "k1" } })).toEqual([200, 200, 200]);
    });
  });

  it("keys IPv6 clients by address without port, and a bare ?name as the empty value", async () => {
    await withFilter({ stat_prefix: "edge", key: ["source_ip", "query:debug"], token_bucket: bucket(1) }, async (f) => {
      const v6 = { remoteAddress: "[2001:db8::1]:443" };
      expect((await f.request({ path: "/?debug" }, v6)).status).toBe(200);
      expect((await f.request({ path: "/?debug=" }, { remoteAddress: "[2001:db8::1]:444" })).status).toBe(429);
      expect((await f.request({ path: "/?debug" }, { remoteAddress: "[2001:db8::2]:443" })).status).toBe(200);
      expect((await f.request({ path: "/?x=1&debug=on" }, v6)).status).toBe(200);
    });
  });

  it("lets the first matching rule decide, else the top-level bucket; a rule whose key is missing does not apply", async () => {
    await withFilter({
      stat_prefix: "edge",
      key: ["source_ip"],
      token_bucket: bucket(5),
      rules: [
        { name: "per-api-key", match: { prefix: "/api" }, key: ["header:x-api-key", "method"], token_bucket: bucket(2) },
        { name: "login", match: { path: "/login", method: "POST" }, token_bucket: bucket(1) },
      ],
    }, async (f) => {
      const keyed = { path: "/api/x", headers: { "x-api-key": "abc" } };
      expect(await statuses(f, 3, keyed)).toEqual([200, 200, 429]);
      // Same key, other method: another bucket of the same rule.
      expect(await statuses(f, 1, { ...keyed, method: "PUT" })).toEqual([200]);
      expect(await statuses(f, 2, { method: "POST", path: "/login" })).toEqual([200, 429]);
      // /api without a key falls through to the top-level per-IP bucket (5 tokens; rules have their own).
      expect(await statuses(f, 6, { path: "/api/x" })).toEqual([200, 200, 200, 200, 200, 429]);
      expect(await statuses(f, 1, { path: "/other" })).toEqual([429]);
    });
  });

  it("matches rules by path_regex and header regex", async () => {
    await withFilter({
      stat_prefix: "edge",
      rules: [{ name: "item-writes", match: { path_regex: "/items/[0-9]+", headers: [{ name: "x-client", regex: "mobile-.*" }] }, token_bucket: bucket(1) }],
    }, async (f) => {
      const mobile = { headers: { "x-client": "mobile-ios" } };
      expect(await statuses(f, 2, { path: "/items/7", ...mobile })).toEqual([200, 429]);
      expect(await statuses(f, 2, { path: "/items/seven", ...mobile })).toEqual([200, 200]);
      expect(await statuses(f, 2, { path: "/items/7", headers: { "x-client": "web" } })).toEqual([200, 200]);
    });
  });

  it("without a top-level bucket, requests no rule limits pass unlimited", async () => {
    await withFilter({ stat_prefix: "edge", rules: [{ name: "api", match: { prefix: "/api" }, token_bucket: bucket(1) }] }, async (f) => {
      expect(await statuses(f, 2, { path: "/api" })).toEqual([200, 429]);
      expect(await statuses(f, 5, { path: "/web" })).toEqual([200, 200, 200, 200, 200]);
    });
  });
});

describe("shadow mode", () => {
  it("counts over-limit requests but never rejects", async () => {
    await withFilter({ stat_prefix: "shadowed", mode: "shadow", token_bucket: bucket(2) }, async (f) => {
      expect(await statuses(f, 5, { path: "/" })).toEqual([200, 200, 200, 200, 200]);
      expect(f.metric("shadowed.shadow_over_limit")).toBe(3n);
      // As Envoy counts: shadowed requests are not "ok".
      expect(f.metric("shadowed.ok")).toBe(2n);
      expect(f.metric("shadowed.over_limit") ?? 0n).toBe(0n);
    });
  });
});

describe("response headers", () => {
  it("IETF RateLimit-* on passed and rejected responses", async () => {
    await withFilter({ stat_prefix: "edge", response_headers: "ratelimit", token_bucket: bucket(2, "10s") }, async (f) => {
      const first = await f.request({ path: "/" });
      expect(first.headers["ratelimit-limit"]).toBe("2");
      expect(first.headers["ratelimit-remaining"]).toBe("1");
      expect(first.headers["ratelimit-reset"]).toBe("10");
      await f.advanceTime(2500);
      await f.request({ path: "/" });
      const rejected = await f.request({ path: "/" });
      expect(rejected.status).toBe(429);
      expect(rejected.headers["ratelimit-remaining"]).toBe("0");
      expect(rejected.headers["ratelimit-reset"]).toBe("8");
      expect(rejected.headers["retry-after"]).toBe("8");
      expect(rejected.headers["x-ratelimit-limit"]).toBeUndefined();
    });
  });

  it("Envoy's x-ratelimit-*, or none", async () => {
    await withFilter({ stat_prefix: "edge", response_headers: "x-ratelimit", token_bucket: bucket(1) }, async (f) => {
      const ok = await f.request({ path: "/" });
      expect(ok.headers["x-ratelimit-limit"]).toBe("1");
      expect(ok.headers["x-ratelimit-remaining"]).toBe("0");
      const rejected = await f.request({ path: "/" });
      expect(rejected.headers["x-ratelimit-limit"]).toBe("1");
      expect(rejected.headers["ratelimit-limit"]).toBeUndefined();
    });
    await withFilter({ stat_prefix: "edge", token_bucket: bucket(1) }, async (f) => {
      const ok = await f.request({ path: "/" });
      expect(Object.keys(ok.headers).filter((k) => k.includes("ratelimit"))).toEqual([]);
      const rejected = await f.request({ path: "/" });
      expect(rejected.headers["retry-after"]).toBe("1");
      expect(Object.keys(rejected.headers).filter((k) => k.includes("ratelimit"))).toEqual([]);
    });
  });
});

describe("shared across workers", () => {
  it("4 workers, 2,000 concurrent requests inside one fill interval, max_tokens 100: exactly 100 pass", async () => {
    await withFilter({ stat_prefix: "edge", token_bucket: bucket(100, "1s") }, async (f) => {
      const results: TestResponse[] = await Promise.all(
        Array.from({ length: 2000 }, (_, i) => f.request({ path: `/r${i}` }, { worker: i % 4 })),
      );
      const passed = results.filter((r) => r.status === 200).length;
      const rejected = results.filter((r) => r.status === 429).length;
      expect(passed).toBe(100);
      expect(rejected).toBe(1900);
      expect(f.metric("edge.ok")).toBe(100n);
      expect(f.metric("edge.over_limit")).toBe(1900n);
      // The passed requests ran on all four workers: they drew from one bucket, not one each.
      const passedOn = new Set(results.flatMap((r, i) => (r.status === 200 ? [i % 4] : [])));
      expect(passedOn.size).toBe(4);
    }, 4);
  });
});

describe("bounded memory", () => {
  it("past max_keys, new keys share an overflow bucket; idle buckets expire and free their slot", async () => {
    await withFilter({ stat_prefix: "edge", key: ["header:x-user"], max_keys: 4, token_bucket: bucket(1, "1s") }, async (f) => {
      const user = (u: string) => ({ path: "/", headers: { "x-user": u } });
      for (const u of ["u1", "u2", "u3", "u4"]) expect((await f.request(user(u))).status).toBe(200);
      // The table is full of live buckets: u5 and u6 share the overflow bucket (1 token).
      expect((await f.request(user("u5"))).status).toBe(200);
      expect((await f.request(user("u6"))).status).toBe(429);
      expect(f.metric("edge.keys_overflow")).toBe(2n);
      // After one interval every bucket is full again (idle): new keys take their slots.
      await f.advanceTime(1000);
      expect((await f.request(user("u7"))).status).toBe(200);
      expect((await f.request(user("u7"))).status).toBe(429);
      expect(f.metric("edge.keys_overflow")).toBe(2n);
    });
  });
});

describe("configuration errors", () => {
  it("requires a configuration", async () => {
    try {
      await (await loadFilter(wasm, { config: "" })).close();
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(PluginLoadError);
      expect((e as PluginLoadError).logs.map((l) => l.message).join("\n")).toMatch(/a configuration is required/);
    }
  });

  it.each([
    [{}, /stat_prefix: is required/],
    [{ stat_prefix: "edge", mode: "dry" }, /mode: expected one of "enforce", "shadow", got "dry"/],
    [{ stat_prefix: "edge", token_bucket: { max_tokens: 0, fill_interval: "1s" } }, /token_bucket\.max_tokens: must be between 1 and/],
    [{ stat_prefix: "edge", token_bucket: { max_tokens: 1, fill_interval: "10ms" } }, /token_bucket\.fill_interval: must be at least 50ms/],
    [{ stat_prefix: "edge", token_bucket: { max_tokens: 1, fill_interval: "soon" } }, /token_bucket\.fill_interval: expected a duration/],
    [{ stat_prefix: "edge", token_bucket: { max_tokens: 1 } }, /token_bucket\.fill_interval: is required/],
    [{ stat_prefix: "edge", key: ["cookie:x"], token_bucket: bucket(1) }, /key\[0\]: unknown key part "cookie:x"/],
    [{ stat_prefix: "edge", key: ["header:bad name"], token_bucket: bucket(1) }, /key\[0\]: invalid character ' '/],
    [{ stat_prefix: "edge", rules: [{ name: "a", token_bucket: bucket(1) }, { name: "a", token_bucket: bucket(1) }] }, /rules\[1\]\.name: duplicate rule name "a"/],
    [{ stat_prefix: "edge", rules: [{ name: "a" }] }, /rules\[0\]\.token_bucket: is required/],
    [{ stat_prefix: "edge", status: 200 }, /status: must be between 400 and 599/],
    [{ stat_prefix: "edge", response_headers: "all" }, /response_headers: expected one of/],
    [{ stat_prefix: "edge", global: { domain: "edge" } }, /global\.cluster: is required/],
    [{ stat_prefix: "edge", token_buckets: {} }, /token_buckets: unknown field/],
    [{ stat_prefix: "edge", key: ["source_ip"] }, /key: a top-level key needs a top-level token_bucket/],
  ])("rejects %j", async (config, expected) => {
    expect(await configError(config)).toMatch(expected);
  });
});
