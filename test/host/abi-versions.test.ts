// ABI 0.1.0 differences (continue_request, empty value for a missing header), the
// proxy_on_memory_allocate allocator, and WASI output during start — with hand-written modules.
import { describe, expect, it } from "vitest";
import { loadFilter } from "../../harness/testing.ts";
import { loadPlugin } from "../../harness/host/index.ts";
import { wat } from "./support/wat.ts";

/**
 * on_request_headers looks up "x-absent" and adds "x-status: <digit>" with the result code; with
 * `pause` it returns StopIteration and resumes from on_tick with the ABI's continue call.
 */
function headerModule(abi: string, allocator: string, resume: string): string {
  return `(module
    (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "proxy_set_tick_period_milliseconds" (func $tick (param i32) (result i32)))
    (import "env" "proxy_set_effective_context" (func $effective (param i32) (result i32)))
    ${resume.startsWith("continue_request") ? `(import "env" "proxy_continue_request" (func $resume (result i32)))` : `(import "env" "proxy_continue_stream" (func $resume (param i32) (result i32)))`}
    (memory (export "memory") 1)
    (data (i32.const 16) "x-absent")
    (data (i32.const 32) "x-status")
    (global $next (mut i32) (i32.const 4096))
    (global $paused (mut i32) (i32.const 0))
    (func (export "${allocator}") (param $n i32) (result i32) (local $p i32)
      (local.set $p (global.get $next)) (global.set $next (i32.add (global.get $next) (local.get $n))) (local.get $p))
    (func (export "${abi}"))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (drop (call $tick (i32.const 10))) (i32.const 1))
    (func (export "proxy_on_request_headers") (param $ctx i32) (param i32) (result i32)
      (i32.store8 (i32.const 64) (i32.add (i32.const 48) (call $get (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 80) (i32.const 84))))
      (drop (call $add (i32.const 0) (i32.const 32) (i32.const 8) (i32.const 64) (i32.const 1)))
      (global.set $paused (local.get $ctx))
      (i32.const 1))
    (func (export "proxy_on_tick") (param i32)
      (if (global.get $paused) (then
        (drop (call $effective (global.get $paused)))
        (drop (call $resume ${resume.startsWith("continue_request") ? "" : "(i32.const 0)"}))
        (global.set $paused (i32.const 0)))))
  )`;
}

describe("ABI versions", () => {
  it("0.1.0: a missing header reads as Ok with an empty value; proxy_continue_request resumes", async () => {
    const f = await loadFilter(await wat(headerModule("proxy_abi_version_0_1_0", "proxy_on_memory_allocate", "continue_request")));
    const pending = f.request({ path: "/" });
    await new Promise((r) => setTimeout(r, 10));
    await f.advanceTime(10);
    const r = await pending;
    expect(r.upstreamRequest!.headers["x-status"]).toBe("0");
    await f.close();
  });

  it("0.2.0: a missing header is NotFound; proxy_continue_stream resumes", async () => {
    const f = await loadFilter(await wat(headerModule("proxy_abi_version_0_2_0", "malloc", "continue_stream")));
    const pending = f.request({ path: "/" });
    await new Promise((r) => setTimeout(r, 10));
    await f.advanceTime(10);
    const r = await pending;
    expect(r.upstreamRequest!.headers["x-status"]).toBe("1");
    await f.close();
  });
});

describe("WASI during start", () => {
  it("fd_write to stdout and stderr during _initialize become log lines", async () => {
    const wasm = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "out line\\n")
      (data (i32.const 32) "err line")
      (func (export "malloc") (param i32) (result i32) (i32.const 4096))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "_initialize")
        (i32.store (i32.const 100) (i32.const 16)) (i32.store (i32.const 104) (i32.const 9))
        (drop (call $write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 200)))
        (i32.store (i32.const 100) (i32.const 32)) (i32.store (i32.const 104) (i32.const 8))
        (drop (call $write (i32.const 2) (i32.const 100) (i32.const 1) (i32.const 200))))
    )`);
    const p = await loadPlugin({ wasm });
    expect(p.logs.map((l) => [l.level, l.message])).toEqual([["info", "out line"], ["error", "err line"]]);
    await p.close();
  });
});
