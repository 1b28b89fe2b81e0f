// Turns the `<filter>` argument of `image build`/`image push` into module bytes: a .wasm file as
// it is, or an AssemblyScript entry / filter folder compiled first exactly as `proxyscript build`
// does (same job resolution, same compiler recipe).
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { compileFilter, CompileError, type BuildTarget } from "../build/compile.ts";
import { jobForPath } from "../build/targets.ts";
import { UserError } from "../cli/errors.ts";

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export interface WasmSource {
  wasm: Uint8Array;
  /** The .wasm file the bytes came from (built or given). */
  wasmPath: string;
}

export async function readWasmFile(file: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(file));
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new UserError(`${file} is not a WebAssembly module (it does not start with \\0asm)`);
  }
  return bytes;
}

/** Resolves `<filter>`: a .wasm path, or an AssemblyScript .ts entry or filter folder built into `outDir`. */
export async function loadWasmSource(filter: string, options: { target?: BuildTarget; outDir?: string } = {}): Promise<WasmSource> {
  const resolved = path.resolve(filter);
  if (existsSync(resolved) && statSync(resolved).isFile() && resolved.endsWith(".wasm")) {
    return { wasm: await readWasmFile(resolved), wasmPath: resolved };
  }
  if (existsSync(resolved) && statSync(resolved).isFile() && !resolved.endsWith(".ts")) {
    throw new UserError(`${filter}: expected a .wasm file, an AssemblyScript entry (.ts) or a filter folder`);
  }
  const job = jobForPath(filter, options.outDir ?? "build");
  try {
    await compileFilter(job.entry, job.outFile, { target: options.target ?? "release", config: job.config, baseDir: job.baseDir });
  } catch (error) {
    if (error instanceof CompileError) throw new UserError(error.message);
    throw error;
  }
  return { wasm: await readWasmFile(job.outFile), wasmPath: job.outFile };
}
