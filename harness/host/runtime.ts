// What every worker VM of one plugin shares: the compiled module, its configuration, the plugin's
// clock, clusters, metrics, log sink and the (process-wide or caller-scoped) shared state.
import type { AbiVersion } from "./abi.ts";
import type { HeaderList, Clock, ClusterResolver, LogLevel } from "./api.ts";
import type { MetricStore } from "./metrics.ts";
import type { PropertySources } from "./properties.ts";
import type { SharedState } from "./shared-state.ts";
import type { WasmResult, MapType, BufferType, StreamType } from "./abi.ts";

export interface PluginRuntime {
  readonly name: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly module: WebAssembly.Module;
  readonly abiVersion: AbiVersion;
  readonly allocator: "malloc" | "proxy_on_memory_allocate";
  readonly vmConfig: Uint8Array;
  readonly pluginConfig: Uint8Array;
  readonly clock: Clock;
  readonly clusters: ClusterResolver | undefined;
  readonly shared: SharedState;
  readonly metricStore: MetricStore;
  readonly extraProperties: Record<string, string | Uint8Array>;
  /** Lowest level kept (index into LOG_LEVELS). */
  readonly logLevel: number;
  log(level: LogLevel, message: string, worker: number): void;
  /** Foreign functions callable through proxy_call_foreign_function. */
  readonly foreignFunctions: ReadonlyMap<string, (args: Uint8Array) => Uint8Array>;
}

/** A stream's body buffer as one filter sees it; the host swaps `bytes` when the filter edits it. */
export interface BodyBuffer {
  bytes: Uint8Array;
}

/** The stream side of a filter context: what the ABI can read and change on its HTTP stream. */
export interface StreamBinding {
  /** The live header map this context may access now, or null (Envoy answers BadArgument). */
  map(type: MapType): HeaderList | null;
  body(type: BufferType): BodyBuffer | null;
  continueStream(type: StreamType): WasmResult;
  closeStream(type: StreamType): WasmResult;
  sendLocalResponse(status: number, body: Uint8Array, headers: HeaderList, grpcStatus: number, details: string): void;
  propertySources(): NonNullable<PropertySources["stream"]>;
  setProperty(path: string, value: Uint8Array): WasmResult;
}
