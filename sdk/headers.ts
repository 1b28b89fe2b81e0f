// A header map of the current stream (request/response headers or trailers, gRPC metadata, or an
// http_call response). Names are case-insensitive: Envoy lower-cases every name it is given (its
// LowerCaseString) and stores them so, hence the SDK passes names through untouched.
import * as host from "./abi/hostcalls";
import { MapType, Status } from "./abi/enums";
import { HeaderPair } from "./abi/memory";
import { ensureEffectiveContext } from "./context/current";

export { HeaderPair };

export class HeaderMap {
  constructor(private readonly contextId: u32, readonly mapType: MapType) {}

  /**
   * The value of `name`, or null when absent. For a repeated header Envoy returns only the FIRST
   * value; when that matters (e.g. two Authorization headers), use getAll() or count().
   */
  get(name: string): string | null {
    ensureEffectiveContext(this.contextId);
    return host.getHeaderMapValue(this.mapType, name);
  }

  /** The value of `name` as bytes (binary metadata, or to hash without decoding), or null when absent. */
  getBytes(name: string): ArrayBuffer | null {
    ensureEffectiveContext(this.contextId);
    return host.getHeaderMapValueBytes(this.mapType, name);
  }

  /** Every value of `name`, in order (empty when absent). */
  getAll(name: string): string[] {
    const wanted = name.toLowerCase();
    const pairs = this.entries();
    const out = new Array<string>();
    for (let i = 0; i < pairs.length; i++) {
      if (pairs[i].name == wanted) out.push(pairs[i].value);
    }
    return out;
  }

  /** How many entries named `name` there are. */
  count(name: string): i32 {
    return this.getAll(name).length;
  }

  has(name: string): bool {
    return this.get(name) !== null;
  }

  /** Sets `name` to `value`, replacing every existing value (adds it when absent). */
  set(name: string, value: string): Status {
    ensureEffectiveContext(this.contextId);
    return host.replaceHeaderMapValue(this.mapType, name, value);
  }

  /** Adds one more `name: value` entry, keeping existing ones. */
  add(name: string, value: string): Status {
    ensureEffectiveContext(this.contextId);
    return host.addHeaderMapValue(this.mapType, name, value);
  }

  remove(name: string): Status {
    ensureEffectiveContext(this.contextId);
    return host.removeHeaderMapValue(this.mapType, name);
  }

  /** Every entry in order (pseudo-headers such as :path first). */
  entries(): HeaderPair[] {
    ensureEffectiveContext(this.contextId);
    return host.getHeaderMapPairs(this.mapType);
  }

  /** Replaces the whole map with `pairs`. */
  replaceAll(pairs: HeaderPair[]): Status {
    ensureEffectiveContext(this.contextId);
    return host.setHeaderMapPairs(this.mapType, pairs);
  }

  /** Number of entries. */
  size(): i32 {
    return this.entries().length;
  }

  /** What the host reports through proxy_get_header_map_size (Envoy: the map's byte size). */
  byteSize(): u32 {
    ensureEffectiveContext(this.contextId);
    return host.getHeaderMapSize(this.mapType);
  }
}

/** Finds `name` (lower-case) in a pair list; null when absent. */
export function findHeader(pairs: HeaderPair[], name: string): string | null {
  const wanted = name.toLowerCase();
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i].name == wanted) return pairs[i].value;
  }
  return null;
}
