// A loaded filter: the compiled module, N worker VMs, and the replacement of a VM that trapped.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LOG_LEVELS } from "./abi.ts";
import { PluginLoadError, type LogEntry, type LogLevel, type MetricSnapshot, type Plugin, type PluginOptions } from "./api.ts";
import { systemClock } from "./clock.ts";
import { BUILTIN_FOREIGN_FUNCTIONS } from "./foreign-functions.ts";
import { encodeUtf8 } from "./memory.ts";
import { MetricStore } from "./metrics.ts";
import { checkModule } from "./module-check.ts";
import type { PluginRuntime } from "./runtime.ts";
import { globalSharedState, type SharedState } from "./shared-state.ts";
import { WasmVm } from "./vm.ts";

/** Options the host accepts beyond api.ts's PluginOptions (all optional, backward-compatible). */
export interface HostPluginOptions extends PluginOptions {
  /** Envoy's vm_config.vm_id: shared data and queues are scoped by it (default ""). */
  vmId?: string;
  /** Where shared data and queues live; default the process-wide state, as in one Envoy. */
  sharedState?: SharedState;
  /** Functions for proxy_call_foreign_function, by name (besides Envoy's compress/uncompress/clear_route_cache). */
  foreignFunctions?: Record<string, (args: Uint8Array) => Uint8Array>;
}

function toBytes(value: string | Uint8Array | object | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (typeof value === "string") return encodeUtf8(value);
  if (value instanceof Uint8Array) return value;
  return encodeUtf8(JSON.stringify(value));
}

/** Lines kept in Plugin.logs (between this and twice this many). */
const MAX_LOGS = 10_000;

export class PluginImpl implements Plugin, PluginRuntime {
  readonly logs: LogEntry[] = [];
  readonly metricStore = new MetricStore();
  readonly vms: WasmVm[] = [];
  readonly failOpen: boolean;
  readonly logLevel: number;
  private readonly onLog: ((entry: LogEntry) => void) | undefined;
  private nextWorker = 0;
  private closed = false;
  /** VMs replaced after a trap (for tests and the report). */
  replacements = 0;

  constructor(
    readonly module: WebAssembly.Module,
    readonly abiVersion: PluginRuntime["abiVersion"],
    readonly allocator: PluginRuntime["allocator"],
    readonly name: string,
    readonly rootId: string,
    readonly vmId: string,
    readonly workers: number,
    readonly vmConfig: Uint8Array,
    readonly pluginConfig: Uint8Array,
    readonly clock: PluginRuntime["clock"],
    readonly clusters: PluginRuntime["clusters"],
    readonly shared: SharedState,
    readonly extraProperties: Record<string, string | Uint8Array>,
    readonly foreignFunctions: ReadonlyMap<string, (args: Uint8Array) => Uint8Array>,
    options: HostPluginOptions,
  ) {
    this.failOpen = options.failOpen ?? false;
    this.logLevel = LOG_LEVELS.indexOf(options.logLevel ?? "trace");
    this.onLog = options.onLog;
  }

  log(level: LogLevel, message: string, worker: number): void {
    if (LOG_LEVELS.indexOf(level) < this.logLevel) return;
    const entry: LogEntry = { level, message, plugin: this.name, worker };
    this.logs.push(entry);
    // Keep the newest MAX_LOGS lines; trim in batches so a busy filter costs O(1) per line.
    if (this.logs.length > 2 * MAX_LOGS) this.logs.splice(0, this.logs.length - MAX_LOGS);
    this.onLog?.(entry);
  }

  startVm(worker: number): WasmVm {
    const vm = new WasmVm(this, worker);
    vm.onFailure = (failed, message) => this.replace(failed, message);
    vm.start();
    return vm;
  }

  /** Envoy replaces a failed VM: a fresh instance, started and configured again. Shared data stays. */
  private replace(failed: WasmVm, message: string): void {
    if (this.closed || this.vms[failed.worker] !== failed) return;
    failed.dispose();
    try {
      this.vms[failed.worker] = this.startVm(failed.worker);
      this.replacements++;
      this.log("warn", `host: worker ${failed.worker} VM replaced by a fresh instance after: ${message}`, failed.worker);
    } catch (e) {
      this.log("critical", `host: worker ${failed.worker} VM could not be replaced: ${(e as Error).message}`, failed.worker);
    }
  }

  /** The VM a new stream runs on: the given worker, or round-robin. */
  vmFor(worker: number | undefined): WasmVm {
    const index = worker === undefined ? this.nextWorker++ % this.workers : ((worker % this.workers) + this.workers) % this.workers;
    return this.vms[index]!;
  }

  metrics(): MetricSnapshot[] {
    return this.metricStore.snapshot();
  }

  metric(name: string): bigint | undefined {
    return this.metricStore.get(name);
  }

  async runTimers(): Promise<void> {
    // Timers fire from the clock itself; a manual clock fires them in advance(). Let posted work run.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const vm of this.vms) vm.shutdown();
    this.closed = true;
    for (const vm of this.vms) vm.dispose();
  }
}

export async function loadPlugin(options: HostPluginOptions): Promise<Plugin> {
  const label = typeof options.wasm === "string" ? path.basename(options.wasm) : options.name ?? "plugin";
  let bytes: Uint8Array;
  if (typeof options.wasm === "string") {
    try {
      bytes = await readFile(options.wasm);
    } catch (e) {
      throw new PluginLoadError(`cannot read ${options.wasm}: ${(e as Error).message}`);
    }
  } else {
    bytes = options.wasm;
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as unknown as BufferSource);
  } catch (e) {
    throw new PluginLoadError(`${label}: not a valid WebAssembly module: ${(e as Error).message}`);
  }
  const shape = checkModule(module, label);
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new PluginLoadError(`workers must be a positive integer, got ${workers}`);
  const plugin = new PluginImpl(
    module, shape.abiVersion, shape.allocator,
    options.name ?? label.replace(/\.wasm$/, ""), options.rootId ?? "", options.vmId ?? "", workers,
    toBytes(options.vmConfig), toBytes(options.config),
    options.clock ?? systemClock, options.clusters, options.sharedState ?? globalSharedState,
    options.properties ?? {}, new Map(Object.entries({ ...BUILTIN_FOREIGN_FUNCTIONS, ...options.foreignFunctions })), options,
  );
  for (let w = 0; w < workers; w++) {
    try {
      plugin.vms.push(plugin.startVm(w));
    } catch (e) {
      for (const vm of plugin.vms) vm.dispose();
      throw e;
    }
  }
  return plugin;
}
