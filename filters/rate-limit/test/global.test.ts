// rate-limit's global mode against a real HTTP service on 127.0.0.1 speaking envoyproxy/ratelimit's
// JSON API (POST /json), reached through the test API's cluster resolver.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFilter, type ClusterHandler, type LoadedFilter } from "../../../harness/testing.ts";
import { buildWasm } from "../../../test/support/build.ts";
import { RateLimitService } from "./ratelimit-service.ts";

let wasm: string;
let service: RateLimitService;
beforeAll(async () => {
  wasm = await buildWasm("filters/rate-limit/index.ts");
  service = new RateLimitService(2);
  await service.start();
});
afterAll(async () => {
  await service?.stop();
});

const global = (extra: object = {}) => ({ cluster: "ratelimit", domain: "edge", timeout: "50ms", ...extra });

async function withFilter<T>(config: object, clusters: Record<string, ClusterHandler>, run: (f: LoadedFilter) => Promise<T>): Promise<T> {
  const f = await loadFilter(wasm, { config, clusters });
  try {
    return await run(f);
  } finally {
    await f.close();
  }
}

describe("global rate limit service", () => {
  it("asks the service with the domain and the rule's descriptor, and follows its verdict", async () => {
    await withFilter({
      stat_prefix: "edge", response_headers: "ratelimit", global: global(),
      rules: [{ name: "per-key", key: ["header:x-api-key", "source_ip", "literal:api"] }],
    }, { ratelimit: service.cluster() }, async (f) => {
      const req = { path: "/api", headers: { "x-api-key": "k-descriptor" } };
      const first = await f.request(req, { remoteAddress: "192.0.2.9:5555" });
      expect(first.status).toBe(200);
      expect(first.upstreamRequest).not.toBeNull();
      expect(first.headers["ratelimit-limit"]).toBe("2");
      expect(first.headers["ratelimit-remaining"]).toBe("1");
      expect(first.headers["ratelimit-reset"]).toBe("42");
      const sent = service.received.at(-1)!;
      expect(sent).toEqual({
        domain: "edge",
        descriptors: [{ entries: [
          { key: "x-api-key", value: "k-descriptor" }, { key: "remote_address", value: "192.0.2.9" }, { key: "generic_key", value: "api" },
        ] }],
      });
      expect((await f.request(req, { remoteAddress: "192.0.2.9:5555" })).status).toBe(200);
      const third = await f.request(req, { remoteAddress: "192.0.2.9:5555" });
      expect(third.status).toBe(429);
      expect(third.upstreamRequest).toBeNull();
      expect(third.headers["retry-after"]).toBe("42");
      expect(third.headers["x-envoy-ratelimited"]).toBe("true");
      expect(third.headers["ratelimit-remaining"]).toBe("0");
      expect(f.metric("edge.ok")).toBe(2n);
      expect(f.metric("edge.over_limit")).toBe(1n);
    });
  });

  it("holds the request body until the service answers", async () => {
    await withFilter({ stat_prefix: "edge", key: ["header:x-user"], global: global() }, { ratelimit: service.cluster() }, async (f) => {
      const r = await f.request({ method: "POST", path: "/upload", headers: { "x-user": "body-user" }, body: ["part1-", "part2"] });
      expect(r.status).toBe(200);
      expect(r.upstreamRequest!.body).toBe("part1-part2");
    });
  });

  it("shadow mode counts the service's over-limit verdict but passes the request", async () => {
    await withFilter({ stat_prefix: "edge", mode: "shadow", key: ["header:x-user"], global: global() }, { ratelimit: service.cluster() }, async (f) => {
      const req = { path: "/", headers: { "x-user": "shadow-user" } };
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await f.request(req)).status);
      expect(codes).toEqual([200, 200, 200, 200]);
      expect(f.metric("edge.shadow_over_limit")).toBe(2n);
      expect(f.metric("edge.ok")).toBe(2n);
    });
  });

  it("rejects locally first, without asking the service", async () => {
    await withFilter({ stat_prefix: "edge", key: ["header:x-user"], token_bucket: { max_tokens: 1, fill_interval: "1s" }, global: global() },
      { ratelimit: service.cluster() }, async (f) => {
        const req = { path: "/", headers: { "x-user": "local-first" } };
        const before = service.received.length;
        expect((await f.request(req)).status).toBe(200);
        expect((await f.request(req)).status).toBe(429);
        expect(service.received.length).toBe(before + 1);
      });
  });

  it("on a failed call lets the request pass unless failure_mode_deny", async () => {
    const failing: ClusterHandler = () => ({ failure: "reset" });
    await withFilter({ stat_prefix: "edge", key: ["method"], global: global() }, { ratelimit: failing }, async (f) => {
      const r = await f.request({ path: "/" });
      expect(r.status).toBe(200);
      expect(f.metric("edge.error")).toBe(1n);
      expect(f.metric("edge.failure_mode_allowed")).toBe(1n);
      expect(f.metric("edge.ok") ?? 0n).toBe(0n);
      expect(r.logs.some((l) => l.level === "warn" && l.message.includes("rate limit service"))).toBe(true);
    });
    await withFilter({ stat_prefix: "edge", key: ["method"], global: global({ failure_mode_deny: true }) }, { ratelimit: failing }, async (f) => {
      const r = await f.request({ path: "/" });
      expect(r.status).toBe(500);
      expect(r.upstreamRequest).toBeNull();
    });
  });

  it("treats a 5xx answer as a failure", async () => {
    const broken: ClusterHandler = () => ({ status: 503, body: "down" });
    await withFilter({ stat_prefix: "edge", key: ["method"], global: global({ failure_mode_deny: true }) }, { ratelimit: broken }, async (f) => {
      expect((await f.request({ path: "/" })).status).toBe(500);
      expect(f.metric("edge.error")).toBe(1n);
    });
  });

  it("on timeout (the service never answers within `timeout`) failure_mode_deny decides", async () => {
    const silent: ClusterHandler = () => ({ failure: "timeout" });
    for (const deny of [false, true]) {
      await withFilter({ stat_prefix: "edge", key: ["method"], global: global({ failure_mode_deny: deny }) }, { ratelimit: silent }, async (f) => {
        const pending = f.request({ path: "/" });
        await new Promise((resolve) => setImmediate(resolve));
        await f.advanceTime(49);
        let settled = false;
        void pending.then(() => (settled = true));
        await new Promise((resolve) => setImmediate(resolve));
        expect(settled).toBe(false);
        await f.advanceTime(1);
        const r = await pending;
        expect(r.status).toBe(deny ? 500 : 200);
      });
    }
  });

  it("an unknown cluster fails at the call site and follows failure_mode_deny", async () => {
    await withFilter({ stat_prefix: "edge", key: ["method"], global: global({ cluster: "nowhere", failure_mode_deny: true }) }, {}, async (f) => {
      const r = await f.request({ path: "/" });
      expect(r.status).toBe(500);
      expect(r.logs.some((l) => l.message.includes("could not be made"))).toBe(true);
    });
  });
});
