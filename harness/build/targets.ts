// What `proxyscript build` compiles: entries named directly, filter folders, or the filters of a
// gateway file that name their `source`.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../cli/errors.ts";

export interface BuildJob {
  /** AssemblyScript entry file. */
  entry: string;
  /** Output .wasm path. */
  outFile: string;
  /** asconfig.json that governs the entry (nearest one above it) and its folder. */
  config: string;
  baseDir: string;
}

/** The nearest asconfig.json at or above `dir`. */
export function findAsconfig(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, "asconfig.json");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

function entryName(entry: string): string {
  const base = path.basename(entry, ".ts");
  return base === "index" ? path.basename(path.dirname(entry)) : base;
}

/** A build job for one entry .ts file or a folder holding index.ts. */
export function jobForPath(target: string, outDir: string, outFile?: string): BuildJob {
  const resolved = path.resolve(target);
  if (!existsSync(resolved)) throw new UserError(`${target}: no such file or folder`);
  let entry = resolved;
  if (statSync(resolved).isDirectory()) {
    entry = path.join(resolved, "index.ts");
    if (!existsSync(entry)) throw new UserError(`${target}: a filter folder needs an index.ts entry`);
  } else if (!resolved.endsWith(".ts")) {
    throw new UserError(`${target}: expected an AssemblyScript entry (.ts), a filter folder or a gateway file (.yaml)`);
  }
  const config = findAsconfig(path.dirname(entry));
  if (!config) throw new UserError(`${target}: no asconfig.json found in its folder or any folder above it`);
  return { entry, outFile: path.resolve(outFile ?? path.join(outDir, `${entryName(entry)}.wasm`)), config, baseDir: path.dirname(config) };
}
