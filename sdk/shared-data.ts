// Shared data: a key-value store shared by every VM (worker) of the plugin, with compare-and-swap.
import * as host from "./abi/hostcalls";
import { Status } from "./abi/enums";

export class SharedValue {
  constructor(
    /** The value, or null when the key is absent. */
    readonly value: ArrayBuffer | null,
    /** Version to pass back to setSharedData for compare-and-swap (0 when absent). */
    readonly cas: u32,
    /** Ok, or NotFound for an absent key. */
    readonly status: Status,
  ) {}

  get found(): bool {
    return this.value !== null;
  }

  /** The value as UTF-8 text, or null when absent. */
  text(): string | null {
    const v = this.value;
    return v !== null ? String.UTF8.decode(v) : null;
  }
}

export function getSharedData(key: string): SharedValue {
  const result = host.getSharedData(key);
  return new SharedValue(result.value, result.cas, result.status);
}

/**
 * Stores `value` under `key`. With `cas` from a previous read, the write only happens if nobody
 * wrote since (else Status.CasMismatch); cas 0 writes unconditionally.
 */
export function setSharedData(key: string, value: ArrayBuffer, cas: u32 = 0): Status {
  return host.setSharedData(key, value, cas);
}

export function setSharedDataText(key: string, value: string, cas: u32 = 0): Status {
  return host.setSharedData(key, String.UTF8.encode(value), cas);
}
