// Module loading as Envoy does it: ABI export, imports, memory/allocator, start order and the
// host-call restriction during start, and start/configure failures reported with the filter's logs.
import { describe, expect, it } from "vitest";
import { HOST_ACCEPTED_IMPORTS, loadPlugin, PluginLoadError } from "../../harness/host/index.ts";
import { buildRaw } from "./support/build-raw.ts";
import { minimalModule, wat } from "./support/wat.ts";

const LOG_IMPORT = `(import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))`;

async function loadError(wasm: Uint8Array | string, extra: Record<string, unknown> = {}): Promise<PluginLoadError> {
  const error = await loadPlugin({ wasm, name: "t", ...extra }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PluginLoadError);
  return error as PluginLoadError;
}

describe("module checks", () => {
  it("accepts a minimal 0.2.1 module", async () => {
    const p = await loadPlugin({ wasm: await wat(minimalModule()), name: "min" });
    expect(p.workers).toBe(1);
    await p.close();
  });

  it("accepts 0.1.0 and 0.2.0 modules", async () => {
    for (const abi of ["proxy_abi_version_0_1_0", "proxy_abi_version_0_2_0"]) {
      const p = await loadPlugin({ wasm: await wat(minimalModule({ abi })) });
      await p.close();
    }
  });

  it("refuses a module without an ABI version export", async () => {
    const e = await loadError(await wat(minimalModule({ abi: null })));
    expect(e.message).toContain("exports no proxy_abi_version_* function");
  });

  it("refuses an unknown ABI version, naming it", async () => {
    const e = await loadError(await wat(minimalModule({ abi: "proxy_abi_version_0_3_0" })));
    expect(e.message).toContain("proxy_abi_version_0_3_0");
    expect(e.message).toContain("does not support");
  });

  it("refuses env.abort (AssemblyScript's default) as Envoy does", async () => {
    const e = await loadError(await wat(minimalModule({ imports: `(import "env" "abort" (func (param i32 i32 i32 i32)))` })));
    expect(e.message).toContain("Failed to load Wasm module due to a missing import: env.abort");
  });

  it("links every import it accepts (no accepted import is missing at instantiation)", async () => {
    const imports = [...HOST_ACCEPTED_IMPORTS].map((key, i) => {
      const [mod, name] = key.split(".");
      return `(import "${mod}" "${name}" (func $i${i}))`;
    });
    expect(imports.length).toBeGreaterThan(100);
    const p = await loadPlugin({ wasm: await wat(minimalModule({ imports: imports.join("\n") })) });
    await p.close();
  });

  it("accepts the newer WASI functions Go modules import", async () => {
    const p = await loadPlugin({ wasm: await wat(minimalModule({ imports: `(import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))` })) });
    await p.close();
  });

  it("refuses a module without memory or allocator", async () => {
    expect((await loadError(await wat(minimalModule({ memory: false })))).message).toContain("no memory");
    expect((await loadError(await wat(minimalModule({ malloc: false })))).message).toContain("neither malloc nor proxy_on_memory_allocate");
  });

  it("reports bytes that are not WebAssembly", async () => {
    expect((await loadError(new TextEncoder().encode("not wasm"))).message).toContain("not a valid WebAssembly module");
  });
});

describe("start", () => {
  it("runs _initialize then main, allowing proxy_log there", async () => {
    const wasm = await wat(minimalModule({
      imports: LOG_IMPORT,
      initialize: `(drop (call $log (i32.const 2) (i32.const 16) (i32.const 16)))`,
      body: `(func (export "main") (param i32 i32) (result i32) (drop (call $log (i32.const 2) (i32.const 16) (i32.const 5))) (i32.const 0))`,
    }));
    const p = await loadPlugin({ wasm, name: "start" });
    expect(p.logs.map((l) => l.message)).toEqual(["hello from start", "hello"]);
    await p.close();
  });

  it("runs _start when there is no _initialize", async () => {
    const wasm = await wat(minimalModule({ imports: LOG_IMPORT, body: `(func (export "_start") (drop (call $log (i32.const 2) (i32.const 16) (i32.const 5))))` }));
    const p = await loadPlugin({ wasm });
    expect(p.logs.map((l) => l.message)).toEqual(["hello"]);
    await p.close();
  });

  it("refuses other host calls during _initialize (Envoy traps them)", async () => {
    const wasm = await wat(minimalModule({
      imports: `(import "env" "proxy_set_tick_period_milliseconds" (func $tick (param i32) (result i32)))`,
      initialize: `(drop (call $tick (i32.const 10)))`,
    }));
    const e = await loadError(wasm);
    expect(e.message).toContain("env.proxy_set_tick_period_milliseconds called during module start");
  });

  it("calls context_create, vm_start and configure in Envoy's order with both configurations", async () => {
    const p = await loadPlugin({ wasm: await buildRaw("probe"), config: "name=order", vmConfig: "vm-cfg", name: "order" });
    expect(p.logs.map((l) => l.message)).toEqual([
      "probe: on_context_create 1 parent 0",
      "probe: on_vm_start vm_config=vm-cfg",
      "order: on_configure config=name=order",
    ]);
    await p.close();
  });

  it("turns a false from proxy_on_configure into a PluginLoadError carrying the filter's log lines", async () => {
    const e = await loadError(await buildRaw("probe"), { config: "name=bad;fail=missing field `limit`" });
    expect(e.message).toContain("proxy_on_configure returned false");
    expect(e.message).toContain("invalid configuration: missing field `limit`");
    expect(e.logs.some((l) => l.level === "error" && l.message.includes("missing field `limit`"))).toBe(true);
  });

  it("turns a false from proxy_on_vm_start into a PluginLoadError", async () => {
    const e = await loadError(await buildRaw("probe"), { vmConfig: "reject" });
    expect(e.message).toContain("proxy_on_vm_start returned false");
  });

  it("serializes object configs as JSON", async () => {
    const p = await loadPlugin({ wasm: await buildRaw("probe"), config: { name: "json" } });
    expect(p.logs.at(-1)!.message).toBe('probe: on_configure config={"name":"json"}');
    await p.close();
  });

  it("close() calls proxy_on_done then proxy_on_delete on every worker's root context", async () => {
    const p = await loadPlugin({ wasm: await buildRaw("probe"), config: "name=c", workers: 2 });
    await p.close();
    const tail = p.logs.filter((l) => /on_(done|delete) ctx=1$/.test(l.message)).map((l) => `${l.worker} ${l.message}`);
    expect(tail).toEqual(["0 c: on_done ctx=1", "0 c: on_delete ctx=1", "1 c: on_done ctx=1", "1 c: on_delete ctx=1"]);
  });

  it("starts one VM per worker, each with its own root context", async () => {
    const p = await loadPlugin({ wasm: await buildRaw("probe"), config: "name=w", workers: 3 });
    expect(p.workers).toBe(3);
    const starts = p.logs.filter((l) => l.message.startsWith("probe: on_vm_start"));
    expect(starts.map((l) => l.worker)).toEqual([0, 1, 2]);
    await p.close();
  });
});
