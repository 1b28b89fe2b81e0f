// WASI preview1 functions as Envoy's host library answers them: stdout/stderr go to the log,
// clocks and randomness work, there is no filesystem, environment or arguments.
import { Errno } from "./abi.ts";
import { randomFillSync } from "node:crypto";
import { decodeUtf8 } from "./memory.ts";
import type { WasmVm } from "./vm.ts";

const RANDOM_GET_MAX = 64 * 1024;

export function buildWasi(vm: WasmVm): Record<string, (...args: never[]) => number | void> {
  const mem = () => vm.memory;
  const stdio = (fd: number) => fd === 1 || fd === 2;

  function writev(fd: number, iovs: number, iovsLen: number): { errno: number; written: number } {
    if (!stdio(fd)) return { errno: Errno.Badf, written: 0 };
    const parts: Uint8Array[] = [];
    for (let i = 0; i < iovsLen >>> 0; i++) {
      const buf = mem().getU32(iovs + i * 8);
      const len = mem().getU32(iovs + i * 8 + 4);
      if (buf === null || len === null) return { errno: Errno.Fault, written: 0 };
      if (len === 0) continue;
      const part = mem().view(buf, len);
      if (part === null) return { errno: Errno.Fault, written: 0 };
      parts.push(part.slice());
    }
    let text = decodeUtf8(Buffer.concat(parts));
    const written = parts.reduce((n, p) => n + p.byteLength, 0);
    if (written > 0) {
      if (text.endsWith("\n")) text = text.slice(0, -1);
      vm.log(fd === 1 ? 2 : 4, text);
    }
    return { errno: Errno.Success, written };
  }

  return {
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
      const { errno, written } = writev(fd, iovs, iovsLen);
      if (errno !== Errno.Success) return errno;
      return mem().setU32(nwrittenPtr, written) ? Errno.Success : Errno.Fault;
    },
    fd_pwrite(fd: number, iovs: number, iovsLen: number, _offset: bigint, nwrittenPtr: number): number {
      const { errno, written } = writev(fd, iovs, iovsLen);
      if (errno !== Errno.Success) return errno;
      return mem().setU32(nwrittenPtr, written) ? Errno.Success : Errno.Fault;
    },
    fd_read: () => Errno.Nosys,
    fd_pread: () => Errno.Nosys,
    fd_seek: () => Errno.Success,
    fd_close: () => Errno.Success,
    fd_fdstat_get(fd: number, statPtr: number): number {
      if (!stdio(fd)) return Errno.Badf;
      const stat = new Uint8Array(24);
      new DataView(stat.buffer).setBigUint64(8, 64n, true); // fs_rights_base = FD_WRITE
      mem().setBytes(statPtr, stat);
      return Errno.Success;
    },
    fd_fdstat_set_flags: () => Errno.Nosys,
    fd_prestat_get: () => Errno.Badf,
    fd_prestat_dir_name: () => Errno.Nosys,
    fd_filestat_get: () => Errno.Badf,
    fd_advise: () => Errno.Success,
    fd_allocate: (fd: number) => (stdio(fd) ? Errno.Success : Errno.Badf),
    fd_datasync: (fd: number) => (stdio(fd) ? Errno.Success : Errno.Badf),
    fd_sync: (fd: number) => (stdio(fd) ? Errno.Success : Errno.Badf),
    fd_fdstat_set_rights: (fd: number) => (stdio(fd) ? Errno.Success : Errno.Badf),
    fd_filestat_set_size: (fd: number) => (stdio(fd) ? Errno.Success : Errno.Badf),
    fd_filestat_set_times: (fd: number) => (stdio(fd) ? Errno.Success : Errno.Badf),
    fd_readdir(_fd: number, _buf: number, _len: number, _cookie: bigint, nreadPtr: number): number {
      return mem().setU32(nreadPtr, 0) ? Errno.Notdir : Errno.Fault;
    },
    fd_renumber: (fd: number, to: number) => (stdio(fd) && stdio(to) ? Errno.Notsup : Errno.Badf),
    fd_tell(fd: number, ptr: number): number {
      if (!stdio(fd)) return Errno.Badf;
      return mem().setU64(ptr, 0n) ? Errno.Success : Errno.Fault;
    },
    environ_get: () => Errno.Success,
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      return mem().setU32(countPtr, 0) && mem().setU32(sizePtr, 0) ? Errno.Success : Errno.Fault;
    },
    args_get: () => Errno.Success,
    args_sizes_get(argcPtr: number, sizePtr: number): number {
      return mem().setU32(argcPtr, 0) && mem().setU32(sizePtr, 0) ? Errno.Success : Errno.Fault;
    },
    clock_time_get(id: number, _precision: bigint, ptr: number): number {
      if (id !== 0 && id !== 1) return Errno.Notsup;
      return mem().setU64(ptr, vm.runtime.clock.nowNanos()) ? Errno.Success : Errno.Fault;
    },
    clock_res_get(id: number, ptr: number): number {
      if (id !== 0 && id !== 1) return Errno.Notsup;
      return mem().setU64(ptr, 1n) ? Errno.Success : Errno.Fault;
    },
    random_get(ptr: number, len: number): number {
      len >>>= 0;
      if (len > RANDOM_GET_MAX) return Errno.Inval;
      if (len === 0) return Errno.Success;
      const target = mem().view(ptr, len);
      if (target === null) return Errno.Fault;
      randomFillSync(target);
      return Errno.Success;
    },
    // Envoy logs proc_exit and returns: the module continues (usually into `unreachable`).
    proc_exit: () => { vm.runtime.log("trace", "wasi proc_exit", vm.worker); },
    sched_yield: () => Errno.Success,
    poll_oneoff(_in: number, _out: number, _n: number, neventsPtr: number): number {
      return mem().setU32(neventsPtr, 0) ? Errno.Success : Errno.Fault;
    },
    path_open: () => Errno.Noent,
    path_filestat_get: () => Errno.Notsup,
    path_create_directory: () => Errno.Notsup,
    path_filestat_set_times: () => Errno.Notsup,
    path_link: () => Errno.Notsup,
    path_readlink(_fd: number, _p: number, _l: number, _b: number, _bl: number, retPtr: number): number {
      return mem().setU32(retPtr, 0) ? Errno.Notsup : Errno.Fault;
    },
    path_remove_directory: () => Errno.Notsup,
    path_rename: () => Errno.Notsup,
    path_symlink: () => Errno.Notsup,
    path_unlink_file: () => Errno.Notsup,
    proc_raise: () => Errno.Nosys,
    sock_accept(_fd: number, _flags: number, retPtr: number): number {
      return mem().setU32(retPtr, 0) ? Errno.Notsup : Errno.Fault;
    },
    sock_recv(_fd: number, _d: number, _l: number, _f: number, retPtr: number, flagsPtr: number): number {
      return mem().setU32(retPtr, 0) && mem().setBytes(flagsPtr, new Uint8Array(2)) ? Errno.Notsup : Errno.Fault;
    },
    sock_send(_fd: number, _d: number, _l: number, _f: number, retPtr: number): number {
      return mem().setU32(retPtr, 0) ? Errno.Notsup : Errno.Fault;
    },
    sock_shutdown: () => Errno.Notsup,
  };
}
