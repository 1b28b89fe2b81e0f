// The README's main job: `proxyscript demo` runs every reference filter in the embedded proxy.
// Uses the same demo files, with the .wasm built from the real sources by the test build cache.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import YAML from "yaml";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { runDemo } from "../../harness/cli/commands/demo.ts";
import { buildWasm } from "../support/build.ts";

const DEMO = path.join(PACKAGE_ROOT, "examples/demo");

let dir: string;

beforeAll(async () => {
  const gateway = YAML.parse(readFileSync(path.join(DEMO, "proxyscript.yaml"), "utf8"));
  for (const filter of gateway.filters) {
    const source = path.relative(PACKAGE_ROOT, path.resolve(DEMO, filter.source));
    filter.wasm = await buildWasm(source, { alsoHash: [path.dirname(source)] });
    delete filter.source;
  }
  dir = mkdtempSync(path.join(tmpdir(), "ps-demo-"));
  writeFileSync(path.join(dir, "proxyscript.yaml"), YAML.stringify(gateway));
  copyFileSync(path.join(DEMO, "requests.yaml"), path.join(dir, "requests.yaml"));
});

describe("proxyscript demo", () => {
  it("shows each reference filter acting on the demo requests", async () => {

    let out = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
    try {
      await runDemo(dir, { build: false });
    } finally {
      spy.mockRestore();
    }
    const section = (title: string) => out.slice(out.indexOf(title), out.indexOf("\n\n", out.indexOf(title)));
    expect(section("A plain request")).toContain("x-hello: world");
    expect(section("A plain request")).toContain("upstream saw x-gateway: proxyscript");
    expect(section("A plain request")).toContain("upstream saw x-internal-token: (absent)");
    expect(section("without a token")).toContain("← 401");
    expect(section("valid HS256 token")).toContain("upstream saw x-user: alice");
    expect(section("An expired token")).toContain("Jwt is expired");
    expect(section("SQL injection")).toContain("← 403");
    expect(section("cross-site scripting")).toContain("← 403");
    expect(section("Five requests")).toContain("3× 200, 2× 429");
    expect(section("Five requests")).toContain("ratelimit-limit: 3");
  });
});
