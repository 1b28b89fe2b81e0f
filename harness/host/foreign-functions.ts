// The foreign functions every Envoy registers that make sense without Envoy's internals:
// zlib "compress"/"uncompress" and "clear_route_cache". A failure is SerializationFailure, as in Envoy.
import { deflateSync, inflateSync } from "node:zlib";

/** Thrown by a foreign function to answer a WasmResult other than Ok. */
export class ForeignFunctionError extends Error {
  constructor(readonly result: number, message: string) {
    super(message);
  }
}

const SERIALIZATION_FAILURE = 3;

export const BUILTIN_FOREIGN_FUNCTIONS: Record<string, (args: Uint8Array) => Uint8Array> = {
  compress: (args) => new Uint8Array(deflateSync(args)),
  uncompress: (args) => {
    try {
      return new Uint8Array(inflateSync(args));
    } catch (e) {
      throw new ForeignFunctionError(SERIALIZATION_FAILURE, `uncompress: ${(e as Error).message}`);
    }
  },
  clear_route_cache: () => new Uint8Array(0),
};
