// The `proxyscript` command as a user runs it: exit codes, one-line errors, build and run.
import { describe, expect, it, beforeAll } from "vitest";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { buildWasm } from "../support/build.ts";

const BIN = path.join(PACKAGE_ROOT, "harness/cli/bin.js");

/** Runs the CLI without blocking the test worker (builds take seconds). */
function cli(args: string[], cwd = PACKAGE_ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 280_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

let hello: string;
beforeAll(async () => {
  hello = await buildWasm("examples/hello/index.ts");
});

describe("proxyscript CLI", () => {
  it("prints help and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("build");
    expect(r.stdout).toContain("run");
  });

  it("rejects an unknown command with exit code 2", async () => {
    const r = await cli(["bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command");
  });

  it("builds a filter folder to an Envoy-loadable .wasm", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "ps-build-")), "hello.wasm");
    const r = await cli(["build", "examples/hello", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/built examples\/hello\/index\.ts → .*hello\.wasm/);
    expect(existsSync(out)).toBe(true);
  }, 300_000);

  it("reports a compile error precisely, without a stack trace", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ps-bad-"));
    writeFileSync(path.join(dir, "asconfig.json"), JSON.stringify({ options: { runtime: "incremental" } }));
    writeFileSync(path.join(dir, "index.ts"), "export function f(): i32 { return undefinedThing; }\n");
    const r = await cli(["build", path.join(dir, "index.ts"), "--out", path.join(dir, "x.wasm")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("undefinedThing");
    expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
  }, 300_000);

  it("refuses a missing build target", async () => {
    const r = await cli(["build", "no/such/filter.ts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("proxyscript: no/such/filter.ts: no such file or folder\n");
  });

  it("refuses a file that is not WebAssembly, naming it", async () => {
    const r = await cli(["run", "--wasm", path.join(PACKAGE_ROOT, "package.json"), "--listen", "127.0.0.1:0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not a valid WebAssembly module");
    expect(r.stderr).not.toContain("internal error");
  });

  it("refuses invalid --config JSON, --listen and --workers values", async () => {
    const bad = await cli(["run", "--wasm", hello, "--config", "{nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--config: not valid JSON");
    const listen = await cli(["run", "--wasm", hello, "--listen", "here:there"]);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toContain("--listen: expected host:port");
    const workers = await cli(["run", "--wasm", hello, "--workers", "0"]);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain("--workers: expected a whole number from 1 to 64");
  });

  it("refuses a --crs folder that holds no OWASP CRS, before compiling", async () => {
    const r = await cli(["build", "filters/waf", "--crs", "/no/such/crs", "--out", path.join(tmpdir(), "waf-x.wasm")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/no/such/crs does not exist");
  });

  it("refuses a missing gateway file", async () => {
    const r = await cli(["run", "nowhere.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nowhere.yaml: no such gateway file");
  });

  it("runs one filter in front of the built-in echo upstream and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "run", "--wasm", hello, "--listen", "127.0.0.1:0", "--workers", "2"], { cwd: PACKAGE_ROOT });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 30_000);
        child.stdout.on("data", (d) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before listening`)));
      });
      const res = await fetch(`${url}/hi`);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-hello")).toBe("world");
      expect(((await res.json()) as { path: string }).path).toBe("/hi");
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(0);
  });
});
