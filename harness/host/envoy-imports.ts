// The import set Envoy's host library (proxy-wasm-cpp-host) links. A module importing anything
// else is refused by Envoy at load, so the embedded host refuses it too, and every module the
// project builds is held against ENVOY_IMPORTS (the strict set that every Envoy release links).

const PROXY_FUNCTIONS = [
  "log", "get_status", "set_property", "get_property", "send_local_response",
  "get_shared_data", "set_shared_data", "register_shared_queue", "resolve_shared_queue",
  "dequeue_shared_queue", "enqueue_shared_queue",
  "get_header_map_value", "add_header_map_value", "replace_header_map_value",
  "remove_header_map_value", "get_header_map_pairs", "set_header_map_pairs", "get_header_map_size",
  "get_buffer_status", "get_buffer_bytes", "set_buffer_bytes",
  "http_call", "grpc_call", "grpc_stream", "grpc_close", "grpc_cancel", "grpc_send",
  "set_tick_period_milliseconds", "get_current_time_nanoseconds",
  "define_metric", "increment_metric", "record_metric", "get_metric",
  "set_effective_context", "done", "call_foreign_function",
  // ABI 0.2.x
  "continue_stream", "close_stream",
  // ABI 0.2.1
  "get_log_level",
  // ABI 0.1.0 (accepted for modules built against older SDKs)
  "continue_request", "continue_response", "clear_route_cache", "get_configuration",
] as const;

const WASI_FUNCTIONS = [
  "fd_write", "fd_read", "fd_seek", "fd_close", "fd_fdstat_get", "environ_get", "environ_sizes_get",
  "args_get", "args_sizes_get", "clock_time_get", "random_get", "proc_exit", "path_open",
  "fd_prestat_get", "fd_prestat_dir_name",
] as const;

/** WASI functions newer Envoy releases also link; accepted so Go (wasip1) modules run. */
const WASI_FUNCTIONS_NEWER = [
  "fd_fdstat_set_flags", "clock_res_get", "poll_oneoff", "sched_yield", "fd_pread", "fd_pwrite",
  "fd_filestat_get", "fd_readdir", "fd_renumber", "fd_sync", "fd_tell", "fd_advise", "fd_allocate",
  "fd_datasync", "fd_fdstat_set_rights", "fd_filestat_set_size", "fd_filestat_set_times",
  "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
  "path_readlink", "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file",
  "proc_raise", "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
] as const;

const WASI_MODULES = ["wasi_unstable", "wasi_snapshot_preview1"] as const;

function importKeys(wasi: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const f of PROXY_FUNCTIONS) keys.add(`env.proxy_${f}`);
  keys.add("env.emscripten_notify_memory_growth");
  for (const m of WASI_MODULES) for (const f of wasi) keys.add(`${m}.${f}`);
  return keys;
}

/** `module.name` keys every Envoy links: the project's own modules must stay within these. */
export const ENVOY_IMPORTS: ReadonlySet<string> = importKeys(WASI_FUNCTIONS);

/** The fuller set the embedded host accepts (newer Envoy releases link these too). */
export const HOST_ACCEPTED_IMPORTS: ReadonlySet<string> = importKeys([...WASI_FUNCTIONS, ...WASI_FUNCTIONS_NEWER]);

/** Imports of `module` outside `allowed`, as `module.name` strings (empty when it would load). */
export function disallowedImports(module: WebAssembly.Module, allowed: ReadonlySet<string> = ENVOY_IMPORTS): string[] {
  return WebAssembly.Module.imports(module)
    .map((i) => `${i.module}.${i.name}`)
    .filter((key) => !allowed.has(key));
}
