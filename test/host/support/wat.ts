// Assembles WebAssembly text for modules Envoy would refuse (or minimal ones), with wabt.
import wabtInit from "wabt";

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const mod = wabt.parseWat("test.wat", text);
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** A minimal proxy-wasm module: `body` is spliced into the module (imports first, then exports). */
export function minimalModule(opts: { imports?: string; abi?: string | null; body?: string; initialize?: string; memory?: boolean; malloc?: boolean } = {}): string {
  return `(module
    ${opts.imports ?? ""}
    ${opts.memory === false ? "" : `(memory (export "memory") 1) (data (i32.const 16) "hello from start")`}
    ${opts.malloc === false ? "" : `(global $next (mut i32) (i32.const 4096))
    (func (export "malloc") (param $n i32) (result i32) (local $p i32)
      (local.set $p (global.get $next)) (global.set $next (i32.add (global.get $next) (local.get $n))) (local.get $p))`}
    ${opts.abi === null ? "" : `(func (export "${opts.abi ?? "proxy_abi_version_0_2_1"}"))`}
    ${opts.initialize !== undefined ? `(func (export "_initialize") ${opts.initialize})` : ""}
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
    ${opts.body ?? ""}
  )`;
}
