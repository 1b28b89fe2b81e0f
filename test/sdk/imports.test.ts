// Every module the SDK builds must load in Envoy: imports within ENVOY_IMPORTS, the ABI 0.2.1
// exports Envoy looks for, and `_initialize` as the start (no wasm start section).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { disallowedImports, ENVOY_IMPORTS } from "../../harness/host/envoy-imports.ts";
import { buildWasm } from "../support/build.ts";

const ENVOY_PROXY_FUNCTIONS_0_2_1 = [
  "log", "get_log_level", "get_status", "set_property", "get_property", "send_local_response",
  "get_shared_data", "set_shared_data", "register_shared_queue", "resolve_shared_queue",
  "dequeue_shared_queue", "enqueue_shared_queue", "get_header_map_value", "add_header_map_value",
  "replace_header_map_value", "remove_header_map_value", "get_header_map_pairs", "set_header_map_pairs",
  "get_header_map_size", "get_buffer_status", "get_buffer_bytes", "set_buffer_bytes", "http_call",
  "grpc_call", "grpc_stream", "grpc_close", "grpc_cancel", "grpc_send", "set_tick_period_milliseconds",
  "get_current_time_nanoseconds", "define_metric", "increment_metric", "record_metric", "get_metric",
  "set_effective_context", "done", "call_foreign_function", "continue_stream", "close_stream",
];

const ABI_EXPORTS = [
  "proxy_abi_version_0_2_1", "malloc", "proxy_on_memory_allocate", "proxy_on_context_create",
  "proxy_on_vm_start", "proxy_on_configure", "proxy_on_tick", "proxy_on_queue_ready",
  "proxy_on_foreign_function", "proxy_on_request_headers", "proxy_on_request_body",
  "proxy_on_request_trailers", "proxy_on_response_headers", "proxy_on_response_body",
  "proxy_on_response_trailers", "proxy_on_http_call_response", "proxy_on_grpc_receive_initial_metadata",
  "proxy_on_grpc_receive", "proxy_on_grpc_receive_trailing_metadata", "proxy_on_grpc_close",
  "proxy_on_new_connection", "proxy_on_downstream_data", "proxy_on_upstream_data",
  "proxy_on_downstream_connection_close", "proxy_on_upstream_connection_close", "proxy_on_log",
  "proxy_on_done", "proxy_on_delete", "_initialize", "memory",
];

/** Modules the SDK's own sources build; each must stay within what Envoy links. */
const ENTRIES = [
  "examples/hello/index.ts", "test/fixtures/kitchen-sink/index.ts", "test/sdk/fixtures/units/index.ts",
  // References every public SDK function and method, so the whole API is compiled and checked.
  "test/sdk/fixtures/surface/index.ts",
];

async function moduleOf(entry: string): Promise<WebAssembly.Module> {
  return new WebAssembly.Module(await readFile(await buildWasm(entry)));
}

describe("modules built with the SDK load in Envoy", () => {
  for (const entry of ENTRIES) {
    it(`${entry} imports only what Envoy links and exports the 0.2.1 ABI`, async () => {
      const module = await moduleOf(entry);
      expect(disallowedImports(module, ENVOY_IMPORTS)).toEqual([]);
      for (const i of WebAssembly.Module.imports(module)) {
        expect(ENVOY_IMPORTS.has(`${i.module}.${i.name}`), `${i.module}.${i.name}`).toBe(true);
      }
      const exports = WebAssembly.Module.exports(module).map((e) => e.name);
      expect(exports).toEqual(expect.arrayContaining(ABI_EXPORTS));
      // No other ABI version is declared, and nothing AssemblyScript-internal leaks out.
      expect(exports.filter((e) => e.startsWith("proxy_abi_version_"))).toEqual(["proxy_abi_version_0_2_1"]);
      expect(exports.filter((e) => e.startsWith("__"))).toEqual([]);
    });
  }

  it("the kitchen-sink fixture reaches every proxy_* function Envoy links for ABI 0.2.1", async () => {
    const module = await moduleOf("test/fixtures/kitchen-sink/index.ts");
    const imported = new Set(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`));
    const missing = ENVOY_PROXY_FUNCTIONS_0_2_1.filter((f) => !imported.has(`env.proxy_${f}`));
    expect(missing).toEqual([]);
    // Math.random's seed comes from WASI random_get, never env.seed; Date.now from the host clock.
    expect(imported.has("wasi_snapshot_preview1.random_get")).toBe(true);
    for (const forbidden of ["env.abort", "env.seed", "env.Date.now", "env.trace"]) expect(imported.has(forbidden)).toBe(false);
  });

  it("the hello filter needs only the few imports it uses", async () => {
    const module = await moduleOf("examples/hello/index.ts");
    const imported = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
    expect(imported).toContain("env.proxy_replace_header_map_value");
    expect(imported.every((name) => name.startsWith("env.proxy_") || name.startsWith("wasi_snapshot_preview1."))).toBe(true);
  });
});
