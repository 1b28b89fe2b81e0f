// Compiles an AssemblyScript filter entry to a .wasm that Envoy loads, through the compiler's
// JavaScript API (no child process), with the project's asconfig.json.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { disallowedImports, ENVOY_IMPORTS } from "../host/envoy-imports.ts";

/** The root of the proxyscript package: where asconfig.json and sdk/ live. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type BuildTarget = "debug" | "release";

type Asc = typeof import("assemblyscript/asc").default;
let compiler: Promise<Asc> | undefined;

/**
 * Loads the compiler on first use. At import time asc looks for `--wasm <path>` in process.argv
 * (its own "use the wasm build" switch) and imports that path; the CLI's `run --wasm filter.wasm`
 * must not reach it, so the flag is hidden from argv while asc loads.
 */
function loadCompiler(): Promise<Asc> {
  compiler ??= (async () => {
    const argv = process.argv;
    process.argv = argv.filter((a, i) => a !== "--wasm" && argv[i - 1] !== "--wasm");
    try {
      return (await import("assemblyscript/asc")).default;
    } finally {
      process.argv = argv;
    }
  })();
  return compiler;
}

export interface CompileOptions {
  target?: BuildTarget;
  /** asconfig.json to use; defaults to the project's. */
  config?: string;
  /** Working directory the entry and the config's `use` paths resolve against. */
  baseDir?: string;
  /** Extra raw asc arguments. */
  extraArgs?: string[];
}

export class CompileError extends Error {
  constructor(readonly entry: string, readonly diagnostics: string) {
    super(`AssemblyScript compilation of ${entry} failed:\n${diagnostics.trim()}`);
    this.name = "CompileError";
  }
}

/** Compiles `entry` to `outFile`; throws CompileError with the compiler's diagnostics. */
export async function compileFilter(entry: string, outFile: string, options: CompileOptions = {}): Promise<void> {
  const baseDir = options.baseDir ?? PACKAGE_ROOT;
  const config = options.config ?? path.join(PACKAGE_ROOT, "asconfig.json");
  await mkdir(path.dirname(path.resolve(baseDir, outFile)), { recursive: true });
  let diagnostics = "";
  const sink = { write: (s: string | Uint8Array) => { diagnostics += typeof s === "string" ? s : Buffer.from(s).toString(); return true; } };
  const argv = [
    path.relative(baseDir, path.resolve(baseDir, entry)),
    "--config", path.relative(baseDir, config),
    "--target", options.target ?? "release",
    "--outFile", path.relative(baseDir, path.resolve(baseDir, outFile)),
    "--baseDir", baseDir,
    ...(options.extraArgs ?? []),
  ];
  const asc = await loadCompiler();
  const { error } = await asc.main(argv, { stdout: sink as never, stderr: sink as never });
  if (error) throw new CompileError(entry, diagnostics || error.message);
  const bytes = await readFile(path.resolve(baseDir, outFile));
  const extra = disallowedImports(new WebAssembly.Module(bytes), ENVOY_IMPORTS);
  if (extra.length > 0) {
    throw new CompileError(entry, `the module imports ${extra.join(", ")}, which Envoy does not link; Envoy would refuse it`);
  }
}
