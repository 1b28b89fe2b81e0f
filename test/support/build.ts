// Builds AssemblyScript entries for tests, once per content: the cache key covers the entry's
// folder, the SDK and the build settings, so a changed source always rebuilds.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { compileFilter, PACKAGE_ROOT, type BuildTarget } from "../../harness/build/compile.ts";

const CACHE_DIR = path.join(PACKAGE_ROOT, ".cache", "wasm");

async function sourcesUnder(dir: string, out: string[] = []): Promise<string[]> {
  if (!existsSync(dir)) return out;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "build" && entry.name !== "test") await sourcesUnder(full, out);
    } else if (entry.name.endsWith(".ts") || entry.name.endsWith(".json")) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Compiles `entry` (relative to the package root) and returns the .wasm path.
 * Extra source folders the entry imports from can be named in `alsoHash`; `extraArgs` go to asc.
 */
export async function buildWasm(entry: string, options: { target?: BuildTarget; alsoHash?: string[]; extraArgs?: string[] } = {}): Promise<string> {
  const target = options.target ?? "release";
  const absEntry = path.resolve(PACKAGE_ROOT, entry);
  const dirs = [path.dirname(absEntry), path.join(PACKAGE_ROOT, "sdk"), ...(options.alsoHash ?? []).map((d) => path.resolve(PACKAGE_ROOT, d))];
  const files = (await Promise.all(dirs.map((d) => sourcesUnder(d)))).flat().sort();
  const hash = createHash("sha256");
  const extraArgs = options.extraArgs ?? [];
  hash.update(entry + "\0" + target + "\0" + extraArgs.join("\0") + "\0");
  hash.update(await readFile(path.join(PACKAGE_ROOT, "asconfig.json")));
  for (const f of new Set(files)) hash.update(f + "\0").update(await readFile(f));
  const name = `${path.basename(path.dirname(absEntry))}-${path.basename(absEntry, ".ts")}-${target}-${hash.digest("hex").slice(0, 16)}.wasm`;
  const out = path.join(CACHE_DIR, name);
  if (existsSync(out)) return out;
  // Build beside the final name and rename, so parallel test files never read a half-written file.
  const tmp = `${out}.${process.pid}.tmp.wasm`;
  await compileFilter(absEntry, tmp, { target, extraArgs });
  await rename(tmp, out);
  return out;
}
