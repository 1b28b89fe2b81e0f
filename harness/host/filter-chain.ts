// An ordered chain of loaded plugins; each new stream runs on one worker's VMs of every plugin.
import type { FilterChain, HttpStream, Plugin, StreamInfo, StreamSink } from "./api.ts";
import { PluginImpl } from "./plugin.ts";
import { FilterStream } from "./stream.ts";

export interface FilterChainOptions {
  /** Envoy's per_connection_buffer_limit_bytes: bytes a filter may buffer with …AndBuffer (default 1 MiB). */
  bufferLimitBytes?: number;
}

export function createFilterChain(plugins: Plugin[], options: FilterChainOptions = {}): FilterChain {
  const impls = plugins.map((p, i) => {
    if (!(p instanceof PluginImpl)) throw new TypeError(`createFilterChain: plugin ${i} was not created by loadPlugin`);
    return p;
  });
  const workers = Math.max(1, ...impls.map((p) => p.workers));
  let next = 0;
  return {
    plugins,
    newStream(info: StreamInfo, sink: StreamSink): HttpStream {
      const worker = info.worker ?? next++ % workers;
      return new FilterStream(impls, info, sink, worker, options.bufferLimitBytes);
    },
  };
}
