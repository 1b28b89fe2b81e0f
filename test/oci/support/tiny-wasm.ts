// A small real .wasm for image tests: the hello example once it exists, else a minimal module
// assembled from WAT with wabt (so these tests never depend on another engineer's progress).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import wabtInit from "wabt";
import { PACKAGE_ROOT } from "../../../harness/build/compile.ts";
import { buildWasm } from "../../support/build.ts";

const HELLO = "examples/hello/index.ts";

export async function tinyWasm(): Promise<Uint8Array> {
  if (existsSync(path.join(PACKAGE_ROOT, HELLO))) {
    try {
      return new Uint8Array(await readFile(await buildWasm(HELLO)));
    } catch (error) {
      console.warn(`examples/hello did not build (${(error as Error).message.split("\n")[0]}); using a WAT module instead`);
    }
  }
  const wabt = await wabtInit();
  const module = wabt.parseWat(
    "tiny.wat",
    `(module
       (memory (export "memory") 1)
       (data (i32.const 16) "proxyscript oci test module")
       (func (export "_initialize"))
       (func (export "proxy_abi_version_0_2_1")))`,
  );
  const { buffer } = module.toBinary({});
  module.destroy();
  return new Uint8Array(buffer);
}
