// Builds the host's raw-ABI test modules (test/fixtures/raw) with their own compiler config, so
// the host's tests do not depend on sdk/. Cached by content hash like test/support/build.ts.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { compileFilter, PACKAGE_ROOT } from "../../../harness/build/compile.ts";

const RAW_DIR = path.join(PACKAGE_ROOT, "test", "fixtures", "raw");
const CACHE_DIR = path.join(PACKAGE_ROOT, ".cache", "wasm");

/** Compiles test/fixtures/raw/<name>.ts and returns the .wasm path. */
export async function buildRaw(name: string): Promise<string> {
  const files = (await readdir(RAW_DIR)).filter((f) => f.endsWith(".ts") || f.endsWith(".json")).sort();
  const hash = createHash("sha256").update(name + "\0");
  for (const f of files) hash.update(f + "\0").update(await readFile(path.join(RAW_DIR, f)));
  const out = path.join(CACHE_DIR, `raw-${name}-${hash.digest("hex").slice(0, 16)}.wasm`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp.wasm`;
  await compileFilter(path.join(RAW_DIR, `${name}.ts`), tmp, { config: path.join(RAW_DIR, "asconfig.json"), target: "release" });
  await rename(tmp, out);
  return out;
}
