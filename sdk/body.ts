// A body or connection-data buffer of the current stream, with Envoy's set_buffer_bytes semantics.
import * as host from "./abi/hostcalls";
import { BufferType, Status } from "./abi/enums";
import { ensureEffectiveContext } from "./context/current";

export class Body {
  constructor(private readonly contextId: u32, readonly bufferType: BufferType) {}

  /** Bytes currently buffered (what the filter can see now). */
  length(): u32 {
    ensureEffectiveContext(this.contextId);
    return host.getBufferLength(this.bufferType);
  }

  /** Bytes [start, start+length), clamped to what is buffered. */
  read(start: u32 = 0, length: u32 = u32.MAX_VALUE): ArrayBuffer {
    const available = this.length();
    if (start >= available) return new ArrayBuffer(0);
    const wanted = length > available - start ? available - start : length;
    return host.getBufferBytes(this.bufferType, start, wanted);
  }

  /** The buffered bytes decoded as UTF-8. */
  text(): string {
    return String.UTF8.decode(this.read());
  }

  /** Replaces everything buffered with `data`. */
  replace(data: ArrayBuffer): Status {
    const current = this.length();
    return host.setBufferBytes(this.bufferType, 0, current, data);
  }

  replaceText(text: string): Status {
    return this.replace(String.UTF8.encode(text));
  }

  /** Appends `data` after what is buffered. */
  append(data: ArrayBuffer): Status {
    const current = this.length();
    return host.setBufferBytes(this.bufferType, current, 0, data);
  }

  appendText(text: string): Status {
    return this.append(String.UTF8.encode(text));
  }

  /** Inserts `data` before what is buffered. */
  prepend(data: ArrayBuffer): Status {
    ensureEffectiveContext(this.contextId);
    return host.setBufferBytes(this.bufferType, 0, 0, data);
  }

  prependText(text: string): Status {
    return this.prepend(String.UTF8.encode(text));
  }
}
