// The whole path a user takes, from packed tarballs (no published version involved): `npm pack`
// the proxyscript and create-proxyscript packages, install create-proxyscript from its tarball,
// scaffold one project per template with it, install each project (proxyscript from its tarball;
// vitest and assemblyscript from the registry, through one shared npm cache), then run the
// project's `npm test` (which is `proxyscript build && vitest run`) and type-check it the way an
// editor does.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = path.resolve(PACKAGE_DIR, "..");
const TSC = createRequire(path.join(REPO_ROOT, "package.json")).resolve("typescript/bin/tsc");
// Kept between runs: a warm cache makes the installs take seconds.
const NPM_CACHE = path.join(tmpdir(), "proxyscript-e2e-npm-cache");

/** The environment of a user's shell: nothing inherited from the npm or vitest running this test. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|INIT_CWD$|TEST$|NODE_ENV$|NODE_OPTIONS$)/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    npm_config_cache: NPM_CACHE,
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    npm_config_loglevel: "error",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  };
}

interface Run { code: number | null; output: string }

/** Runs a command to completion (bounded by timeoutMs), capturing stdout and stderr together. */
function run(command: string, args: string[], cwd: string, timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => { output += d; });
    child.stderr.on("data", (d) => { output += d; });
    const timer = setTimeout(() => { output += `\n[killed after ${timeoutMs} ms]`; child.kill("SIGKILL"); }, timeoutMs);
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

function expectSuccess(result: Run, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
}

const registry = spawnSync("npm", ["ping"], { env: userEnv(), encoding: "utf8", timeout: 30_000 });
const registryReachable = registry.status === 0;
if (!registryReachable) console.warn(`create-proxyscript end-to-end: skipped, the npm registry is not reachable (npm ping: ${(registry.stderr || registry.error?.message || "").trim()})`);

const CASES = [
  { template: "http-filter", args: [], tests: 3 },
  { template: "auth", args: [], tests: 5 },
  { template: "rate-limit", args: [], tests: 4 },
  { template: "from-reference", args: ["--reference", "header-rewrite"], tests: 3 },
];

describe.skipIf(!registryReachable)("npm create proxyscript, from packed tarballs", () => {
  let work = "";
  let proxyscriptTarball = "";
  let createBin = "";

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "create-proxyscript-e2e-"));
    mkdirSync(NPM_CACHE, { recursive: true });
    const packs = path.join(work, "packs");
    mkdirSync(packs);
    const packed = await run("npm", ["pack", "--json", "--pack-destination", packs, ".", "./create-proxyscript"], REPO_ROOT);
    expectSuccess(packed, "npm pack");
    const tarballs = JSON.parse(packed.output.slice(packed.output.indexOf("["))) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
    const root = tarballs.find((t) => t.name === "proxyscript")!;
    const creator = tarballs.find((t) => t.name === "create-proxyscript")!;
    proxyscriptTarball = path.join(packs, root.filename);
    // What the scaffold needs from each package made it into the tarballs.
    expect(creator.files.map((f) => f.path)).toEqual(expect.arrayContaining([
      "bin/create-proxyscript.js", "src/cli.js", "templates/common/gitignore", "templates/common/asconfig.json", "templates/auth/src/index.ts",
    ]));
    expect(root.files.map((f) => f.path)).toEqual(expect.arrayContaining(["sdk/index.ts", "sdk/exports.ts", "harness/testing.ts", "harness/cli/bin.js", "filters/header-rewrite/index.ts"]));

    // Install create-proxyscript from its tarball, as `npm create` would from the registry.
    const runner = path.join(work, "runner");
    mkdirSync(runner);
    writeFileSync(path.join(runner, "package.json"), JSON.stringify({ name: "runner", private: true }));
    expectSuccess(await run("npm", ["install", path.join(packs, creator.filename)], runner), "installing create-proxyscript from its tarball");
    createBin = path.join(runner, "node_modules", ".bin", "create-proxyscript");
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const { template, args, tests } of CASES) {
    it(`${template}: scaffolds, installs, passes its npm test (proxyscript build + vitest) and type-checks`, async () => {
      const name = `e2e-${template}`;
      const project = path.join(work, name);
      const created = await run(createBin, [name, "--template", template, ...args, "--yes", "--proxyscript", proxyscriptTarball], work);
      expectSuccess(created, `create-proxyscript ${name}`);
      expect(created.output).toContain(`Created ${name} in ${name} from the ${template}`);

      // proxyscript came from the tarball, not from a registry version.
      const lock = JSON.parse(readFileSync(path.join(project, "package-lock.json"), "utf8"));
      expect(lock.packages["node_modules/proxyscript"].resolved).toMatch(/^file:.*proxyscript-0\.1\.0\.tgz$/);
      expect(existsSync(path.join(project, ".gitignore"))).toBe(true);
      expect(existsSync(path.join(project, "src/index.ts"))).toBe(true);
      expect(existsSync(path.join(project, "build"))).toBe(false);

      // The installed `proxyscript` command answers (through node_modules/.bin, as npm scripts run it).
      const version = await run("npx", ["--no-install", "proxyscript", "--version"], project, 120_000);
      expect(version.output.trim(), "`npx proxyscript --version` printed nothing: the CLI did not run through node_modules/.bin/proxyscript " +
        "(harness/cli/main.ts only starts when process.argv[1] ends in bin.js or main.ts; through the .bin link it ends in \"proxyscript\")").toMatch(/\d+\.\d+\.\d+/);

      const tested = await run("npm", ["test"], project);
      expectSuccess(tested, `npm test in ${name}`);
      expect(tested.output).toContain(`built src/index.ts → build/${name}.wasm`);
      expect(tested.output).toMatch(new RegExp(`Tests\\s+${tests} passed \\(${tests}\\)`));
      expect(statSync(path.join(project, "build", `${name}.wasm`)).size).toBeGreaterThan(1000);

      // Editor support: the filter type-checks against AssemblyScript's types and the SDK (the
      // SDK's own decorator placement is AssemblyScript-only, TS1206, and stays in node_modules);
      // the Node-side tests type-check against proxyscript/testing.
      const filterTypes = await run(process.execPath, [TSC, "-p", "src/tsconfig.json", "--noEmit"], project);
      const ownDiagnostics = filterTypes.output.split("\n").filter((l) => /error TS/.test(l) && !/^node_modules\/proxyscript\/sdk\/.*error TS1206:/.test(l));
      expect(ownDiagnostics).toEqual([]);
      const testTypes = await run(process.execPath, [TSC, "-p", "tsconfig.json", "--noEmit"], project);
      expect(testTypes.output.split("\n").filter((l) => /error TS/.test(l))).toEqual([]);
    }, 900_000);
  }
});
