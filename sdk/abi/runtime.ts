// The runtime hooks asconfig.json's `--use` flags point at. AssemblyScript would otherwise
// import env.abort, env.seed and env.Date.now, which Envoy does not link (it refuses such a module).
import { proxy_get_current_time_nanoseconds, proxy_log, wasi_random_get } from "./imports";
import { LogLevel } from "./enums";
import { utf8Bytes } from "./memory";
import "./collector"; // and through it the garbage collector asconfig.json's --use hooks name: asc resolves a --use target only in a file the program holds

const SCRATCH: usize = memory.data(8, 8);

/** abort(): log "abort: <msg> at <file>:<line>:<col>" at critical level, then trap. */
export function hostAbort(message: string | null = null, fileName: string | null = null, line: u32 = 0, column: u32 = 0): void {
  let text = "abort: " + (message !== null ? message : "(no message)");
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  const bytes = utf8Bytes(text);
  proxy_log(<u32>LogLevel.Critical, changetype<usize>(bytes), <usize>bytes.byteLength);
  unreachable();
}

/** Seed for Math.random: 8 bytes from WASI random_get, else the host clock. */
export function hostSeed(): f64 {
  store<u64>(SCRATCH, 0);
  if (wasi_random_get(SCRATCH, 8) != 0 || load<u64>(SCRATCH) == 0) {
    proxy_get_current_time_nanoseconds(SCRATCH);
  }
  let bits = load<u64>(SCRATCH);
  if (bits == 0) bits = 0x9e3779b97f4a7c15;
  return reinterpret<f64>(bits);
}

/** Date whose now() is the host's clock (proxy_get_current_time_nanoseconds), in milliseconds. */
export class HostDate extends Date {
  static now(): i64 {
    store<u64>(SCRATCH, 0);
    proxy_get_current_time_nanoseconds(SCRATCH);
    return <i64>(load<u64>(SCRATCH) / 1_000_000);
  }
}
