// Metrics a plugin defines. Like Envoy's stats scope, a name is one stat for all worker VMs of the
// plugin; each VM has its own metric ids (type in the low bits, as Envoy encodes them).
import { MetricType, WasmResult } from "./abi.ts";
import type { MetricSnapshot } from "./api.ts";

const TYPE_NAMES = ["counter", "gauge", "histogram"] as const;

interface Stat { name: string; type: MetricType; value: bigint }

export class MetricStore {
  private readonly stats = new Map<string, Stat>();

  define(type: MetricType, name: string): Stat {
    const key = `${type}:${name}`;
    let stat = this.stats.get(key);
    if (stat === undefined) { stat = { name, type, value: 0n }; this.stats.set(key, stat); }
    return stat;
  }

  snapshot(): MetricSnapshot[] {
    return [...this.stats.values()].map((s) => ({ name: s.name, type: TYPE_NAMES[s.type], value: s.value }));
  }

  /** Value by name (counters and gauges; histograms report the last recorded value). */
  get(name: string): bigint | undefined {
    for (const s of this.stats.values()) if (s.name === name) return s.value;
    return undefined;
  }
}

/** One VM's view: metric ids → shared stats. */
export class VmMetrics {
  private readonly byId = new Map<number, Stat>();
  private nextIndex = 1;

  constructor(private readonly store: MetricStore) {}

  define(type: number, name: string): { result: WasmResult; id?: number } {
    if (type > MetricType.Histogram || type < 0) return { result: WasmResult.BadArgument };
    const id = (this.nextIndex++ << 2) | type;
    this.byId.set(id, this.store.define(type as MetricType, name));
    return { result: WasmResult.Ok, id };
  }

  increment(id: number, offset: bigint): WasmResult {
    const type = id & 3;
    const stat = this.byId.get(id);
    if (type === MetricType.Counter) {
      if (stat === undefined) return WasmResult.NotFound;
      if (offset <= 0n) return WasmResult.BadArgument;
      stat.value += offset;
      return WasmResult.Ok;
    }
    if (type === MetricType.Gauge) {
      if (stat === undefined) return WasmResult.NotFound;
      stat.value += offset;
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }

  record(id: number, value: bigint): WasmResult {
    const stat = this.byId.get(id);
    if (stat === undefined) return WasmResult.NotFound;
    if (stat.type === MetricType.Counter) stat.value += value;
    else stat.value = value;
    return WasmResult.Ok;
  }

  get(id: number): { result: WasmResult; value?: bigint } {
    const type = id & 3;
    if (type === MetricType.Histogram) return { result: WasmResult.BadArgument };
    const stat = this.byId.get(id);
    if (stat === undefined) return { result: WasmResult.NotFound };
    return { result: WasmResult.Ok, value: stat.value };
  }
}
