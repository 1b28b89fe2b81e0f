// The hello filter through the embedded host: every response gains `x-hello: world`, and nothing
// else about the request or response changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { disallowedImports, ENVOY_IMPORTS } from "../../../harness/host/envoy-imports.ts";
import { loadFilter, type LoadedFilter } from "../../../harness/testing.ts";
import { buildWasm } from "../../../test/support/build.ts";

describe("hello filter", () => {
  let wasm: string;
  let filter: LoadedFilter;

  beforeAll(async () => {
    wasm = await buildWasm("examples/hello/index.ts");
    filter = await loadFilter(wasm);
  });
  afterAll(async () => {
    await filter?.close();
  });

  it("adds x-hello: world to the upstream's response", async () => {
    const r = await filter.request({ path: "/greet", headers: { "x-client": "1" } }, {
      upstream: () => ({ status: 201, headers: { "x-upstream": "yes" }, body: "created" }),
    });
    expect(r.status).toBe(201);
    expect(r.headers["x-hello"]).toBe("world");
    expect(r.headers["x-upstream"]).toBe("yes");
    expect(r.body).toBe("created");
    expect(r.upstreamRequest?.path).toBe("/greet");
    expect(r.upstreamRequest?.headers["x-client"]).toBe("1");
    expect(r.upstreamRequest?.headers["x-hello"]).toBeUndefined();
  });

  it("replaces an x-hello the upstream already set", async () => {
    const r = await filter.request({ path: "/" }, { upstream: () => ({ status: 200, headers: { "x-hello": "upstream" } }) });
    expect(r.headerList.filter(([name]) => name === "x-hello")).toEqual([["x-hello", "world"]]);
  });

  it("imports only what Envoy links", async () => {
    const module = new WebAssembly.Module(await readFile(wasm));
    expect(disallowedImports(module, ENVOY_IMPORTS)).toEqual([]);
  });
});
