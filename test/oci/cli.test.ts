// The `proxyscript image` commands as a user runs them: arguments, stdout, stderr, exit codes.
// Most run the CLI's main() in-process (fast); two run bin.js as a real child process to see what a
// terminal-less user sees (no progress on a non-TTY stderr, exit code 2 on a user error).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { buildWasmImage } from "../../harness/oci/image.ts";
import { freePort, missingTools, REGISTRY_BIN, startRegistry, type RunningRegistry } from "./support/registry.ts";
import { runCli as runImageCli } from "./support/run-cli.ts";
import { tinyWasm } from "./support/tiny-wasm.ts";

const BIN = path.join(PACKAGE_ROOT, "harness/cli/bin.js");
const HELLO_FOLDER = path.join(PACKAGE_ROOT, "examples/hello");
const run = promisify(execFile);

async function childCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, timeout: 120_000, env: { ...process.env, DOCKER_CONFIG: cwd } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let tmp: string;
let wasmFile: string;
let wasm: Uint8Array;
const originalCwd = process.cwd();
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "proxyscript-image-cli-"));
  wasm = await tinyWasm();
  wasmFile = path.join(tmp, "hello.wasm");
  await writeFile(wasmFile, wasm);
  process.chdir(tmp);
  // Never read the machine's own Docker credentials.
  process.env.DOCKER_CONFIG = tmp;
});
afterAll(async () => {
  process.chdir(originalCwd);
  delete process.env.DOCKER_CONFIG;
  await rm(tmp, { recursive: true, force: true });
});

describe("image build", () => {
  it("writes a layout and prints the digest; the same module twice gives the same digest", async () => {
    const a = await runImageCli(["image", "build", wasmFile, "-t", "registry.example.com/filters/hello:v1", "-o", "a", "--json"]);
    const b = await runImageCli(["image", "build", wasmFile, "-t", "registry.example.com/filters/hello:v1", "-o", "b", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ja.digest).toBe(buildWasmImage(wasm).digest);
    expect(jb.digest).toBe(ja.digest);
    expect(ja).toMatchObject({ tag: "v1", format: "compat", layout: path.join(tmp, "a") });
    expect(JSON.parse(await readFile(path.join(tmp, "a", "oci-layout"), "utf8"))).toEqual({ imageLayoutVersion: "1.0.0" });
    const oci = await runImageCli(["image", "build", wasmFile, "-t", "registry.example.com/filters/hello:v1", "--format", "oci"]);
    expect(oci.stdout.split("\n")[0]).toBe(buildWasmImage(wasm, { format: "oci" }).digest);
    expect(oci.stdout).toContain(`layout ${path.join("build", "oci", "hello")} (tag v1, oci)`);
    expect(existsSync(path.join(tmp, "build", "oci", "hello", "index.json"))).toBe(true);
  });

  it.skipIf(!existsSync(HELLO_FOLDER))("compiles an AssemblyScript filter folder (examples/hello) first", async () => {
    const r = await runImageCli(["image", "build", HELLO_FOLDER, "-t", "reg.example/hello:v1", "-o", "hello-layout", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const built = new Uint8Array(await readFile(path.join(tmp, "build", "hello.wasm")));
    expect(JSON.parse(r.stdout)).toMatchObject({ digest: buildWasmImage(built).digest, wasm: path.join(tmp, "build", "hello.wasm") });
  });

  it("exits 2 with one precise message on bad input", async () => {
    const notWasm = path.join(tmp, "bad.wasm");
    await writeFile(notWasm, "hello");
    const bad = await runImageCli(["image", "build", notWasm, "-t", "r.example/x:v1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`proxyscript: ${notWasm} is not a WebAssembly module (it does not start with \\0asm)\n`);
    const badFormat = await runImageCli(["image", "build", wasmFile, "-t", "r.example/x:v1", "--format", "docker"]);
    expect(badFormat.stderr).toBe(`proxyscript: --format must be one of compat, oci, not "docker"\n`);
    const badRef = await runImageCli(["image", "build", wasmFile, "-t", "r.example/X:v1"]);
    expect(badRef.stderr).toContain(`invalid image reference "r.example/X:v1": repository component "X" must be lower-case`);
    const noTag = await runImageCli(["image", "build", wasmFile]);
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toContain("required option '-t, --tag <ref>' not specified");
    const notAFilter = await runImageCli(["image", "build", "/etc/hostname", "-t", "r.example/x:v1"]);
    expect(notAFilter.stderr).toBe("proxyscript: /etc/hostname: expected a .wasm file, an AssemblyScript entry (.ts) or a filter folder\n");
  });
});

const missing = missingTools(REGISTRY_BIN);
if (missing) console.warn(`skipping image push/pull CLI tests: ${missing}`);

describe.skipIf(Boolean(missing))("image push and pull", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it("pushes a built layout, prints only the digest, and pulls the module back", { timeout: 180_000 }, async () => {
    const layout = path.join(tmp, "push-layout");
    await runImageCli(["image", "build", wasmFile, "-t", `${registry.host}/cli/hello:v1`, "-o", layout]);
    const pushed = await childCli(["image", "push", layout, `${registry.host}/cli/hello:v1`], tmp);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toBe(`${buildWasmImage(wasm).digest}\n`);
    expect(pushed.stderr).toBe(""); // not a TTY: no progress
    const pulled = await runImageCli(["image", "pull", `${registry.host}/cli/hello:v1`, "-o", "out/plugin.wasm", "--json"]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout)).toMatchObject({ digest: buildWasmImage(wasm).digest, variant: "compat", bytes: wasm.length });
    expect(Buffer.from(await readFile(path.join(tmp, "out/plugin.wasm"))).equals(Buffer.from(wasm))).toBe(true);
  });

  it("pushes a .wasm directly in the oci format", async () => {
    const pushed = await runImageCli(["image", "push", wasmFile, `${registry.host}/cli/direct:v1`, "--format", "oci", "--json"]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ digest: buildWasmImage(wasm, { format: "oci" }).digest, skipped: [] });
  });

  it("picks the image tagged like the destination from a layout holding several", async () => {
    const layout = path.join(tmp, "multi-layout");
    await runImageCli(["image", "build", wasmFile, "-t", "r.example/multi:v1", "-o", layout]);
    await runImageCli(["image", "build", wasmFile, "-t", "r.example/multi:v2", "-o", layout, "--format", "oci"]);
    const v2 = await runImageCli(["image", "push", layout, `${registry.host}/cli/multi:v2`]);
    expect(v2.stdout).toBe(`${buildWasmImage(wasm, { format: "oci" }).digest}\n`);
    const explicit = await runImageCli(["image", "push", `${layout}:v1`, `${registry.host}/cli/multi:latest`]);
    expect(explicit.stdout).toBe(`${buildWasmImage(wasm).digest}\n`);
    const unknown = await runImageCli(["image", "push", layout, `${registry.host}/cli/multi:v3`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`proxyscript: ${layout} has no image tagged "v3" (it has: v1, v2)\n`);
  });

  it("exits 2 naming the registry when it cannot be reached (child process)", { timeout: 180_000 }, async () => {
    const port = await freePort();
    const r = await childCli(["image", "push", wasmFile, `127.0.0.1:${port}/cli/x:v1`], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^proxyscript: cannot reach registry 127\\.0\\.0\\.1:${port} at .*: connection refused`));
  });
});
