// A hand-written module whose on_request_headers makes `count` calls of one header operation and
// nothing else: its cost over the same module with count 0 is the host's own per-call cost (the
// wasm-to-JS transition included), with no SDK work (encoding, allocation, GC) mixed in.
import { wat } from "../../test/host/support/wat.ts";

export type HeaderCall = "replace" | "add" | "remove" | "get";

const CALLS: Record<HeaderCall, string> = {
  // x-served-by: proxyscript on the request headers (MapType 0).
  replace: "(drop (call $replace (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 32) (i32.const 11)))",
  add: "(drop (call $add (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 32) (i32.const 11)))",
  // x-f, present once in the bench's request headers.
  remove: "(drop (call $remove (i32.const 0) (i32.const 48) (i32.const 3)))",
  // user-agent: read back through the module's allocator.
  get: "(drop (call $get (i32.const 0) (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 84)))",
};

export async function headerCallModule(call: HeaderCall, count: number): Promise<Uint8Array> {
  return wat(`(module
    (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "proxy_remove_header_map_value" (func $remove (param i32 i32 i32) (result i32)))
    (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "x-served-by") (data (i32.const 32) "proxyscript") (data (i32.const 48) "x-f") (data (i32.const 64) "user-agent")
    ;; A bump allocator that wraps around: values read back are never kept.
    (global $next (mut i32) (i32.const 4096))
    (func (export "malloc") (param $n i32) (result i32) (local $p i32)
      (if (i32.gt_u (i32.add (global.get $next) (local.get $n)) (i32.const 65536)) (then (global.set $next (i32.const 4096))))
      (local.set $p (global.get $next)) (global.set $next (i32.add (global.get $next) (local.get $n))) (local.get $p))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (local $i i32)
      (block $done (loop $again
        (br_if $done (i32.ge_u (local.get $i) (i32.const ${count})))
        ${CALLS[call]}
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $again)))
      (i32.const 0))
  )`);
}
