// Envoy's V8 refuses host calls while `_initialize`/`_start` runs, except logging, memory growth
// and the WASI calls below. The imports enforce it with a thin wrapper of the import's own arity
// (a rest-parameter wrapper would allocate an argument array on every host call, for the VM's
// whole life, to serve a check that matters only while the module starts).

/** Imports callable while `_initialize`/`_start` runs (Envoy's V8 traps any other host call). */
const START_ALLOWED = new Set([
  "env.emscripten_notify_memory_growth", "env.proxy_log",
  ...["fd_write", "args_sizes_get", "args_get", "environ_sizes_get", "environ_get", "clock_time_get", "clock_res_get",
    "random_get", "poll_oneoff", "fd_fdstat_get", "fd_fdstat_set_flags", "fd_advise", "fd_allocate", "fd_datasync",
    "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
    "fd_prestat_dir_name", "fd_prestat_get", "fd_pwrite", "fd_readdir", "fd_renumber", "fd_sync", "fd_tell",
    "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link", "path_readlink",
    "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "sock_accept", "sock_recv",
    "sock_send", "sock_shutdown"].flatMap((f) => [`wasi_unstable.${f}`, `wasi_snapshot_preview1.${f}`]),
]);

/** Thrown inside a host function to trap the module (the call unwinds with this error). */
export class HostTrap extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostTrap";
  }
}

type HostFunction = (...args: never[]) => unknown;
type Arg = never;

/** `fn` as the import `key` ("env.proxy_…"), trapping when called while `vm.restricted`. */
export function restrictDuringStart(key: string, fn: HostFunction, vm: { readonly restricted: boolean }): HostFunction {
  if (START_ALLOWED.has(key)) return fn;
  const refuse = (): never => {
    throw new HostTrap(`${key} called during module start (_initialize/_start); Envoy refuses host calls there (restricted_callback)`);
  };
  switch (fn.length) {
    case 0: return () => (vm.restricted ? refuse() : fn());
    case 1: return (a: Arg) => (vm.restricted ? refuse() : fn(a));
    case 2: return (a: Arg, b: Arg) => (vm.restricted ? refuse() : fn(a, b));
    case 3: return (a: Arg, b: Arg, c: Arg) => (vm.restricted ? refuse() : fn(a, b, c));
    case 4: return (a: Arg, b: Arg, c: Arg, d: Arg) => (vm.restricted ? refuse() : fn(a, b, c, d));
    case 5: return (a: Arg, b: Arg, c: Arg, d: Arg, e: Arg) => (vm.restricted ? refuse() : fn(a, b, c, d, e));
    default: return (...args: Arg[]) => (vm.restricted ? refuse() : fn(...args));
  }
}
