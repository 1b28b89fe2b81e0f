// Host-provided foreign functions (Envoy: e.g. "compress", "uncompress", "set_envoy_filter_state").
import * as host from "./abi/hostcalls";

/** Calls host function `name`; returns its result bytes, or null (lastStatus() says why: NotFound when unknown). */
export function callForeignFunction(name: string, args: ArrayBuffer): ArrayBuffer | null {
  return host.callForeignFunction(name, args);
}
