// Metrics (Envoy stats). Metrics are defined lazily on first use, because no host call may happen
// while the module starts; so `const hits = new Counter("my_filter.hits")` at the top level is fine.
import * as host from "./abi/hostcalls";
import { MetricType, Status } from "./abi/enums";

const definedIds = new Map<string, u32>();

function metricId(type: MetricType, name: string): u32 {
  const key = (<i32>type).toString() + ":" + name;
  if (definedIds.has(key)) return definedIds.get(key);
  const id = host.defineMetric(type, name);
  if (host.lastStatus() == Status.Ok) definedIds.set(key, id);
  return id;
}

class Metric {
  constructor(readonly name: string, readonly type: MetricType) {}

  get id(): u32 {
    return metricId(this.type, this.name);
  }

  /** Current value (0 when unknown). */
  get(): u64 {
    return host.getMetric(this.id);
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, MetricType.Counter);
  }

  increment(by: i64 = 1): Status {
    return host.incrementMetric(this.id, by);
  }
}

export class Gauge extends Metric {
  constructor(name: string) {
    super(name, MetricType.Gauge);
  }

  set(value: u64): Status {
    return host.recordMetric(this.id, value);
  }

  add(delta: i64): Status {
    return host.incrementMetric(this.id, delta);
  }
}

export class Histogram extends Metric {
  constructor(name: string) {
    super(name, MetricType.Histogram);
  }

  record(value: u64): Status {
    return host.recordMetric(this.id, value);
  }
}
