// gRPC's length-prefixed message framing, read incrementally: an answer's DATA may split a
// message anywhere, and a message is delivered only once all of it has arrived.

/** Messages over this size are refused, as Envoy's decoder refuses frames past its limit. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class GrpcFrameDecoder {
  private pending: Uint8Array = new Uint8Array(0);

  /** The complete messages `chunk` finishes, or null when the framing is invalid or compressed. */
  push(chunk: Uint8Array): Uint8Array[] | null {
    let data = chunk;
    if (this.pending.byteLength > 0) {
      data = new Uint8Array(this.pending.byteLength + chunk.byteLength);
      data.set(this.pending, 0);
      data.set(chunk, this.pending.byteLength);
    }
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (data.byteLength - offset >= 5) {
      const flags = data[offset]!;
      const length = new DataView(data.buffer, data.byteOffset + offset + 1, 4).getUint32(0, false);
      if (length > MAX_MESSAGE_BYTES || (flags !== 0 && length > 0)) return null;
      if (data.byteLength - offset - 5 < length) break;
      messages.push(data.slice(offset + 5, offset + 5 + length));
      offset += 5 + length;
    }
    this.pending = data.slice(offset);
    return messages;
  }
}
