// Load-time checks Envoy applies before it runs a module: an ABI version export it knows, a memory,
// an allocator, and only imports its host library links.
import { ABI_EXPORTS, type AbiVersion } from "./abi.ts";
import { PluginLoadError } from "./api.ts";
import { HOST_ACCEPTED_IMPORTS } from "./envoy-imports.ts";

export interface ModuleShape {
  abiVersion: AbiVersion;
  allocator: "malloc" | "proxy_on_memory_allocate";
}

export function checkModule(module: WebAssembly.Module, label: string): ModuleShape {
  const exports = WebAssembly.Module.exports(module);
  const names = new Set(exports.map((e) => e.name));

  const abiExports = exports.filter((e) => e.name.startsWith("proxy_abi_version_")).map((e) => e.name);
  const known = abiExports.filter((n) => n in ABI_EXPORTS);
  if (known.length === 0) {
    const found = abiExports.length > 0 ? `it exports ${abiExports.join(", ")}, an ABI version Envoy does not support` : "it exports no proxy_abi_version_* function";
    throw new PluginLoadError(`${label}: not a proxy-wasm module Envoy can load: ${found} (expected one of ${Object.keys(ABI_EXPORTS).join(", ")})`);
  }
  if (known.length > 1) {
    throw new PluginLoadError(`${label}: exports several ABI versions (${known.join(", ")}); Envoy expects exactly one`);
  }

  for (const imp of WebAssembly.Module.imports(module)) {
    const key = `${imp.module}.${imp.name}`;
    if (!HOST_ACCEPTED_IMPORTS.has(key)) {
      throw new PluginLoadError(`${label}: Failed to load Wasm module due to a missing import: ${key}`);
    }
  }

  if (!exports.some((e) => e.kind === "memory" && e.name === "memory")) {
    throw new PluginLoadError(`${label}: the module exports no memory named "memory"; the host cannot exchange data with it`);
  }
  const allocator = names.has("malloc") ? "malloc" : names.has("proxy_on_memory_allocate") ? "proxy_on_memory_allocate" : null;
  if (allocator === null) {
    throw new PluginLoadError(`${label}: the module exports neither malloc nor proxy_on_memory_allocate; Envoy needs one to pass data in`);
  }
  return { abiVersion: ABI_EXPORTS[known[0]!]!, allocator };
}
