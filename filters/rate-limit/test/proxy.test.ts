// Both reference filters in the embedded HTTP proxy, from a gateway file, over real HTTP: the
// global service is a real server reached through a `url` cluster, two worker VMs share buckets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { parseGateway } from "../../../harness/gateway/index.ts";
import { startEchoServer, startProxy, type RunningProxy } from "../../../harness/proxy/index.ts";
import type { EchoServer } from "../../../harness/proxy/echo.ts";
import { buildWasm } from "../../../test/support/build.ts";
import { RateLimitService } from "./ratelimit-service.ts";

let echo: EchoServer;
let service: RateLimitService;
let proxy: RunningProxy;

beforeAll(async () => {
  const [rateLimit, headerRewrite] = await Promise.all([buildWasm("filters/rate-limit/index.ts"), buildWasm("filters/header-rewrite/index.ts")]);
  echo = await startEchoServer();
  service = new RateLimitService(3);
  await service.start();
  const gateway = parseGateway(`
listener: { address: 127.0.0.1, port: 0 }
workers: 2
clusters:
  - { name: app, url: "${echo.url}" }
  - { name: ratelimit, url: "${service.url}" }
routes:
  - { match: { prefix: / }, cluster: app }
filters:
  - name: headers
    source: filters/header-rewrite/index.ts
    wasm: ${headerRewrite}
    config:
      request: { set: { x-client-ip: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" } }
      response: { set: { x-served-by: proxyscript } }
  - name: limit
    source: filters/rate-limit/index.ts
    wasm: ${rateLimit}
    config:
      stat_prefix: edge
      response_headers: ratelimit
      rules:
        - name: api
          match: { prefix: /api }
          key: ["header:x-api-key"]
          token_bucket: { max_tokens: 2, fill_interval: 1m }
        - name: svc
          match: { prefix: /svc }
          key: ["header:x-api-key"]
      global: { cluster: ratelimit, domain: edge, timeout: 2s }
`, PACKAGE_ROOT, "e2e.yaml");
  proxy = await startProxy(gateway, { port: 0, address: "127.0.0.1" });
});

afterAll(async () => {
  await proxy?.close();
  await service?.stop();
  await echo?.close();
});

const get = (path: string, key: string) => fetch(proxy.url + path, { headers: { "x-api-key": key } });

describe("header-rewrite + rate-limit in the embedded proxy", () => {
  it("the local bucket is shared by both workers and rejects before the service is asked", async () => {
    const before = service.received.length;
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await get("/api/x", "local-key"));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
    const first = await responses[0]!.json() as { headers: Record<string, string> };
    expect(first.headers["x-client-ip"]).toBe("127.0.0.1");
    expect(responses[0]!.headers.get("x-served-by")).toBe("proxyscript");
    // The rejection is rate-limit's local reply; header-rewrite, earlier in the chain, still edits it.
    expect(responses[2]!.headers.get("x-served-by")).toBe("proxyscript");
    expect(responses[2]!.headers.get("retry-after")).toBe("60");
    expect(Number(responses[2]!.headers.get("ratelimit-remaining"))).toBe(0);
    expect(service.received.length - before).toBe(2);
  });

  it("the global service decides where no local bucket exists, through a url cluster", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("/svc", "svc-key")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const last = service.received.at(-1)!;
    expect(last).toEqual({ domain: "edge", descriptors: [{ entries: [{ key: "x-api-key", value: "svc-key" }] }] });
    const rejected = await get("/svc", "svc-key");
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get("x-envoy-ratelimited")).toBe("true");
    expect(rejected.headers.get("retry-after")).toBe("42");
    expect(proxy.plugins.get("limit")!.metric("edge.over_limit")).toBe(3n);
  });

  it("requests no rule limits pass untouched by the limiter", async () => {
    const r = await fetch(proxy.url + "/other");
    expect(r.status).toBe(200);
    expect(r.headers.get("ratelimit-limit")).toBeNull();
  });
});
