// Loads the engine test entry (test/fixture/engine.ts) without the proxy-wasm host: the few host
// functions the runtime hooks import are stubbed, and calls exchange NUL-separated byte fields.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildWasm } from "../../../../test/support/build.ts";
import { PACKAGE_ROOT } from "../../../../harness/build/compile.ts";
import { crsAvailable, embedCrs, DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP } from "../../../../harness/build/crs.ts";

export interface EngineFixture {
  call(fn: string, ...fields: (string | Buffer)[]): { ok: boolean; text: string; bytes: Buffer };
  logs: string[];
}

export { crsAvailable };

/** The engine entry, or (withCrs) a generated entry that also embeds Debian's CRS. */
export async function engineWasm(withCrs: boolean): Promise<string> {
  if (!withCrs) return buildWasm("filters/waf/test/fixture/engine.ts", { alsoHash: ["filters/waf"] });
  const entry = path.join(PACKAGE_ROOT, ".cache/waf-crs-fixture/engine.ts");
  await embedCrs(DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP, entry, { reexport: "filters/waf/test/fixture/engine.ts" });
  return buildWasm(path.relative(PACKAGE_ROOT, entry), { alsoHash: ["filters/waf", "filters/waf/test/fixture"] });
}

export async function loadEngineFixture(withCrs = false): Promise<EngineFixture> {
  const wasmPath = await engineWasm(withCrs);
  const module = new WebAssembly.Module(await readFile(wasmPath));
  const logs: string[] = [];
  let memory: WebAssembly.Memory | undefined;
  const imports: Record<string, Record<string, (...args: number[]) => number>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    if (imp.name === "proxy_log") {
      imports[imp.module][imp.name] = (_level, ptr, len) => {
        logs.push(Buffer.from(memory!.buffer, ptr, len).toString("utf8"));
        return 0;
      };
    } else {
      imports[imp.module][imp.name] = () => 0;
    }
  }
  const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  const ex = instance.exports as Record<string, any>;
  memory = ex.memory as WebAssembly.Memory;
  ex._initialize?.();
  return {
    logs,
    call(fn, ...fields) {
      const parts = fields.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));
      const joined = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from([0]), p])));
      const ptr = ex.inputBuffer(joined.length);
      new Uint8Array(memory!.buffer, ptr, joined.length).set(joined);
      const ok = ex[fn]() === 1;
      const out = Buffer.from(new Uint8Array(memory!.buffer, ex.outputPtr(), ex.outputLen()));
      ex.collect(); // after each call, as the SDK collects after each proxy-wasm callback
      return { ok, text: out.toString("latin1"), bytes: out };
    },
  };
}
