// One instance of a plugin's module (one Envoy worker's VM): instantiation, the start sequence, the
// context table, and every call into the module. A trap in any call marks the VM failed; the
// plugin then replaces it, as Envoy does.
import { LOG_LEVELS } from "./abi.ts";
import { PluginLoadError, type HeaderList, type LogEntry } from "./api.ts";
import type { GrpcStreamHandle } from "./grpc-stream.ts";
import { buildHostFunctions } from "./host-functions.ts";
import { GuestMemory } from "./memory.ts";
import { VmMetrics } from "./metrics.ts";
import type { PluginRuntime, StreamBinding } from "./runtime.ts";
import { buildWasi } from "./wasi.ts";
import { HostTrap, restrictDuringStart } from "./start-restriction.ts";

export interface VmContext {
  readonly id: number;
  readonly isRoot: boolean;
  /** Present on HTTP stream contexts. */
  stream?: StreamBinding;
  /** proxy_on_context_create has run. */
  created: boolean;
}

/** The outbound-call response a root context may read during proxy_on_http_call_response. */
export interface CallResponse {
  headers: HeaderList;
  body: Uint8Array;
  trailers: HeaderList;
}

export const TRAPPED = Symbol("trapped");
export type CallResult = number | bigint | undefined | typeof TRAPPED;

export class WasmVm {
  readonly rootContextId = 1;
  readonly metrics: VmMetrics;
  readonly contexts = new Map<number, VmContext>();
  failed = false;
  failure: string | undefined;
  /** Start logs, kept so a failed load can report them. */
  readonly startLogs: LogEntry[] = [];

  /** True while `_initialize`/`_start` runs. */
  restricted = false;
  /** True while proxy_on_configure (and the first context_create) runs: plugin configuration is readable. */
  configuring = false;
  /** Set during proxy_on_http_call_response. */
  callResponse: CallResponse | null = null;
  status: { code: number; message: string } = { code: 0, message: "" };
  /** Outstanding http_call tokens → cancel. */
  readonly pendingCalls = new Map<number, () => void>();
  nextCallToken = 1;
  /** Outstanding gRPC call tokens (odd) → cancel; the message visible during proxy_on_grpc_receive. */
  readonly pendingGrpcCalls = new Map<number, () => void>();
  nextGrpcToken = 1;
  grpcReceive: Uint8Array | null = null;
  /** Open gRPC streams (even tokens) and the metadata visible during their callbacks. */
  readonly grpcStreams = new Map<number, GrpcStreamHandle>();
  nextGrpcStreamToken = 2;
  grpcMetadata: HeaderList | null = null;
  grpcTrailingMetadata: HeaderList | null = null;
  tickCancel: (() => void) | undefined;
  tickPeriodMs = 0;
  /** proxy_on_done returned false at shutdown: the root waits for proxy_done. */
  pendingDone = false;

  private instance!: WebAssembly.Instance;
  private exportsTable!: Record<string, WebAssembly.ExportValue>;
  memory!: GuestMemory;
  private nextContextId = 2;
  private depth = 0;
  private current = 0;
  private effective = 0;
  private readonly afterCall: Array<() => void> = [];
  /** Called when a call traps (the plugin replaces this VM). */
  onFailure: ((vm: WasmVm, message: string) => void) | undefined;

  constructor(readonly runtime: PluginRuntime, readonly worker: number) {
    this.metrics = new VmMetrics(runtime.metricStore);
  }

  get label(): string {
    return `plugin "${this.runtime.name}" (worker ${this.worker})`;
  }

  /** Instantiates and starts the module; throws PluginLoadError with the module's own log lines. */
  start(): void {
    const rt = this.runtime;
    const wrap = (key: string, fn: (...args: never[]) => unknown) => restrictDuringStart(key, fn, this);
    const env: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(buildHostFunctions(this))) env[name] = wrap(`env.${name}`, fn as never);
    const wasiFns = buildWasi(this);
    const imports: WebAssembly.Imports = { env: env as WebAssembly.ModuleImports };
    for (const mod of ["wasi_unstable", "wasi_snapshot_preview1"]) {
      const table: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(wasiFns)) table[name] = wrap(`${mod}.${name}`, fn as never);
      imports[mod] = table as WebAssembly.ModuleImports;
    }
    try {
      this.instance = new WebAssembly.Instance(rt.module, imports);
    } catch (e) {
      throw new PluginLoadError(`${this.label}: instantiation failed: ${(e as Error).message}`, this.startLogs);
    }
    this.exportsTable = this.instance.exports;
    const alloc = this.exportsTable[rt.allocator] as (size: number) => number;
    this.memory = new GuestMemory(this.exportsTable.memory as WebAssembly.Memory, (size) => alloc(size));

    // Start: the WASI reactor's _initialize (then main), or the command's _start, under restriction.
    this.restricted = true;
    const startResult = (() => {
      if (typeof this.exportsTable._initialize === "function") {
        const r = this.call(0, "_initialize");
        if (r === TRAPPED) return r;
        if (typeof this.exportsTable.main === "function") return this.call(0, "main", 0, 0);
        if (typeof this.exportsTable.__main_void === "function") return this.call(0, "__main_void");
        return r;
      }
      if (typeof this.exportsTable._start === "function") return this.call(0, "_start");
      return undefined;
    })();
    this.restricted = false;
    if (startResult === TRAPPED) throw new PluginLoadError(`${this.label}: module start failed: ${this.failure}`, this.startLogs);

    // Root context: context_create, vm_start (VM configuration), configure (plugin configuration).
    this.contexts.set(this.rootContextId, { id: this.rootContextId, isRoot: true, created: false });
    this.configuring = true;
    const created = this.call(this.rootContextId, "proxy_on_context_create", this.rootContextId, 0);
    this.configuring = false;
    if (created === TRAPPED) throw new PluginLoadError(`${this.label}: proxy_on_context_create trapped: ${this.failure}`, this.startLogs);
    this.contexts.get(this.rootContextId)!.created = true;
    const started = this.call(this.rootContextId, "proxy_on_vm_start", this.rootContextId, rt.vmConfig.byteLength);
    if (started === TRAPPED) throw new PluginLoadError(`${this.label}: proxy_on_vm_start trapped: ${this.failure}`, this.startLogs);
    if (started !== undefined && Number(started) === 0) {
      throw new PluginLoadError(`${this.label}: proxy_on_vm_start returned false (VM configuration rejected)${logSuffix(this.startLogs)}`, this.startLogs);
    }
    this.configuring = true;
    const configured = this.call(this.rootContextId, "proxy_on_configure", this.rootContextId, rt.pluginConfig.byteLength);
    this.configuring = false;
    if (configured === TRAPPED) throw new PluginLoadError(`${this.label}: proxy_on_configure trapped: ${this.failure}`, this.startLogs);
    if (configured !== undefined && Number(configured) === 0) {
      throw new PluginLoadError(`${this.label}: proxy_on_configure returned false (plugin configuration rejected)${logSuffix(this.startLogs)}`, this.startLogs);
    }
    this.started = true;
  }

  hasExport(name: string): boolean {
    return typeof this.exportsTable[name] === "function";
  }

  /**
   * Calls an export in the name of context `contextId`. A missing export returns undefined; a trap
   * marks the VM failed and returns TRAPPED. Deferred host actions run when the outermost call returns.
   */
  call(contextId: number, name: string, ...args: Array<number | bigint>): CallResult {
    if (this.failed) return TRAPPED;
    const fn = this.exportsTable[name] as ((...a: Array<number | bigint>) => number | bigint | undefined) | undefined;
    if (typeof fn !== "function") return undefined;
    const savedCurrent = this.current;
    const savedEffective = this.effective;
    this.current = contextId;
    this.effective = 0;
    this.depth++;
    let result: CallResult;
    try {
      result = fn(...args);
    } catch (e) {
      result = TRAPPED;
      if (!this.failed) this.fail(`${name} trapped: ${describeTrap(e)}`);
    } finally {
      this.depth--;
      this.current = savedCurrent;
      this.effective = savedEffective;
    }
    if (this.depth === 0) this.runAfterCall();
    return result;
  }

  private fail(message: string): void {
    this.failed = true;
    this.failure = message;
    this.tickCancel?.();
    this.cancelOutstanding();
    this.runtime.log("critical", `wasm VM failed: ${message}`, this.worker);
    this.afterCall.length = 0;
    this.onFailure?.(this, message);
  }

  /**
   * Runs host work triggered outside any stream call (a tick, an http_call answer, a queue
   * notification). An exception there is a host or sink bug, not a trap: it is logged, never thrown
   * into a timer or promise callback where it would take the process down.
   */
  guard(what: string, work: () => void): void {
    try {
      work();
    } catch (e) {
      this.runtime.log("critical", `host: error while delivering ${what}: ${(e as Error)?.stack ?? String(e)}`, this.worker);
    }
  }

  /** Runs `action` once the current call into the module has returned (Envoy's addAfterVmCallAction). */
  defer(action: () => void): void {
    if (this.depth === 0) action();
    else this.afterCall.push(action);
  }

  private runAfterCall(): void {
    while (this.afterCall.length > 0 && !this.failed) this.afterCall.shift()!();
  }

  /** The context host calls act on: the effective context if set and alive, else the current one. */
  context(): VmContext | undefined {
    if (this.effective !== 0) {
      const c = this.contexts.get(this.effective);
      if (c !== undefined) return c;
    }
    return this.contexts.get(this.current);
  }

  setEffectiveContext(id: number): boolean {
    if (!this.contexts.has(id)) return false;
    this.effective = id;
    return true;
  }

  createStreamContext(stream: StreamBinding): VmContext {
    const ctx: VmContext = { id: this.nextContextId++, isRoot: false, stream, created: false };
    this.contexts.set(ctx.id, ctx);
    return ctx;
  }

  deleteContext(id: number): void {
    this.contexts.delete(id);
  }

  /** True once start and configure succeeded (start logs are no longer collected). */
  private started = false;

  log(levelIndex: number, message: string): void {
    const level = LOG_LEVELS[levelIndex]!;
    if (!this.started) {
      this.startLogs.push({ level, message, plugin: this.runtime.name, worker: this.worker });
      if (this.startLogs.length > 500) this.startLogs.shift();
    }
    this.runtime.log(level, message, this.worker);
  }

  /** proxy_done from a root context whose proxy_on_done returned false: delete it now. */
  done(): boolean {
    if (!this.pendingDone) return false;
    this.pendingDone = false;
    this.defer(() => { this.call(this.rootContextId, "proxy_on_delete", this.rootContextId); });
    return true;
  }

  /** Root shutdown at plugin close: on_done, then on_delete unless the module asks to wait. */
  shutdown(): void {
    if (this.failed) return;
    const done = this.call(this.rootContextId, "proxy_on_done", this.rootContextId);
    if (done === TRAPPED) return;
    if (done === undefined || Number(done) !== 0) this.call(this.rootContextId, "proxy_on_delete", this.rootContextId);
    else this.pendingDone = true;
  }

  private cancelOutstanding(): void {
    for (const cancel of [...this.pendingCalls.values(), ...this.pendingGrpcCalls.values()]) cancel();
    this.pendingCalls.clear();
    this.pendingGrpcCalls.clear();
    for (const stream of [...this.grpcStreams.values()]) stream.cancel();
  }

  /** Stops the tick and outstanding calls (plugin close). */
  dispose(): void {
    this.tickCancel?.();
    this.cancelOutstanding();
  }
}

function logSuffix(logs: LogEntry[]): string {
  const lines = logs.filter((l) => l.level !== "trace" && l.level !== "debug").map((l) => `  [${l.level}] ${l.message}`);
  return lines.length === 0 ? "" : `; the filter logged:\n${lines.join("\n")}`;
}

function describeTrap(e: unknown): string {
  if (e instanceof HostTrap) return e.message;
  if (e instanceof WebAssembly.RuntimeError) return `wasm trap: ${e.message}`;
  if (e instanceof RangeError) return `${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
