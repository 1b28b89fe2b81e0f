// The VM or plugin configuration Envoy hands to onVmStart / onConfigure, read on demand.
import * as host from "../abi/hostcalls";
import { BufferType } from "../abi/enums";
import { JsonParseResult, parseJsonBytes } from "../json/parse";

export class Configuration {
  private cached: ArrayBuffer | null = null;

  constructor(readonly bufferType: BufferType, readonly size: u32) {}

  /** The raw configuration bytes (empty when none was given). */
  bytes(): ArrayBuffer {
    const cached = this.cached;
    if (cached !== null) return cached;
    const bytes = this.size == 0 ? new ArrayBuffer(0) : host.getBufferBytes(this.bufferType, 0, this.size);
    this.cached = bytes;
    return bytes;
  }

  /** The configuration as UTF-8 text. */
  text(): string {
    return String.UTF8.decode(this.bytes());
  }

  /** The configuration parsed as JSON (an error with its byte offset when it is not valid JSON). */
  json(): JsonParseResult {
    return parseJsonBytes(this.bytes());
  }
}
