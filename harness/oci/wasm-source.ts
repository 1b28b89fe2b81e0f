// Turns the `<filter>` argument of `image build`/`image push` into module bytes: a .wasm file as
// it is, or an AssemblyScript entry / filter folder compiled first with the project's recipe.
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { compileFilter, CompileError, type BuildTarget } from "../build/compile.ts";
import { UserError } from "../cli/errors.ts";

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** Entry file names tried, in order, inside a filter folder. */
const ENTRY_CANDIDATES = ["index.ts", "assembly/index.ts", "src/index.ts"];

export interface WasmSource {
  wasm: Uint8Array;
  /** The .wasm file the bytes came from (built or given). */
  wasmPath: string;
  /** A short name for the filter: the folder or file name. */
  name: string;
}

export async function readWasmFile(file: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(file));
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new UserError(`${file} is not a WebAssembly module (it does not start with \\0asm)`);
  }
  return bytes;
}

function findEntry(dir: string): string {
  for (const candidate of [...ENTRY_CANDIDATES, `${path.basename(dir)}.ts`]) {
    const file = path.join(dir, candidate);
    if (existsSync(file)) return file;
  }
  throw new UserError(`${dir} is a folder without a filter entry (looked for ${[...ENTRY_CANDIDATES, `${path.basename(dir)}.ts`].join(", ")})`);
}

/** Resolves `<filter>`: a .wasm path, an AssemblyScript .ts entry, or a folder holding one. */
export async function loadWasmSource(filter: string, options: { target?: BuildTarget } = {}): Promise<WasmSource> {
  const resolved = path.resolve(filter);
  if (!existsSync(resolved)) throw new UserError(`${filter} does not exist (expected a .wasm file, an AssemblyScript entry or a filter folder)`);
  if (statSync(resolved).isFile() && resolved.endsWith(".wasm")) {
    return { wasm: await readWasmFile(resolved), wasmPath: resolved, name: path.basename(resolved, ".wasm") };
  }
  const entry = statSync(resolved).isDirectory() ? findEntry(resolved) : resolved;
  if (!entry.endsWith(".ts")) throw new UserError(`${filter}: expected a .wasm file, an AssemblyScript .ts entry or a filter folder`);
  const folder = statSync(resolved).isDirectory() ? resolved : path.dirname(resolved);
  const name = statSync(resolved).isDirectory() ? path.basename(resolved) : path.basename(resolved, ".ts");
  const out = path.join(folder, "build", `${name === "index" ? path.basename(folder) : name}.wasm`);
  try {
    await compileFilter(entry, out, { target: options.target ?? "release" });
  } catch (error) {
    if (error instanceof CompileError) throw new UserError(error.message);
    throw error;
  }
  return { wasm: await readWasmFile(out), wasmPath: out, name: name === "index" ? path.basename(folder) : name };
}
