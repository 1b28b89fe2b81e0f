// A minimal scripted proxy-wasm host for the SDK paths the embedded host does not cover yet
// (gRPC, network filters): it serves header maps and buffers from JS state, records every call
// the module makes, and lets a test invoke the module's callbacks in Envoy's order.
import { readFile } from "node:fs/promises";

type Pairs = Array<[string, string]>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function serializePairs(pairs: Pairs): Uint8Array {
  const parts = pairs.map(([k, v]) => [encoder.encode(k), encoder.encode(v)] as const);
  const size = 4 + parts.length * 8 + parts.reduce((n, [k, v]) => n + k.length + v.length + 2, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length, true);
  let cursor = 4 + parts.length * 8;
  parts.forEach(([k, v], i) => {
    view.setUint32(4 + i * 8, k.length, true);
    view.setUint32(8 + i * 8, v.length, true);
    out.set(k, cursor); cursor += k.length + 1;
    out.set(v, cursor); cursor += v.length + 1;
  });
  return out;
}

export function deserializePairs(bytes: Uint8Array): Pairs {
  if (bytes.length < 4) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  let cursor = 4 + n * 8;
  const out: Pairs = [];
  for (let i = 0; i < n; i++) {
    const kl = view.getUint32(4 + i * 8, true);
    const vl = view.getUint32(8 + i * 8, true);
    const k = decoder.decode(bytes.subarray(cursor, cursor + kl)); cursor += kl + 1;
    const v = decoder.decode(bytes.subarray(cursor, cursor + vl)); cursor += vl + 1;
    out.push([k, v]);
  }
  return out;
}

export interface GrpcCallRecord { token: number; cluster: string; service: string; method: string; metadata: Pairs; message?: string; timeoutMs?: number }

export class RawHost {
  exports!: Record<string, any>;
  readonly logs: Array<{ level: number; message: string }> = [];
  readonly localResponses: Array<{ status: number; details: string; body: string; headers: Pairs; grpcStatus: number }> = [];
  readonly maps = new Map<number, Pairs>();
  readonly buffers = new Map<number, Uint8Array>();
  readonly grpcCalls: GrpcCallRecord[] = [];
  readonly grpcSends: Array<{ token: number; message: string; end: boolean }> = [];
  readonly grpcCancelled: number[] = [];
  readonly grpcClosed: number[] = [];
  readonly closedStreams: number[] = [];
  readonly continuedStreams: number[] = [];
  /** What proxy_get_status reports. */
  status = { code: 0, message: "" };
  private nextToken = 101;

  static async load(wasmPath: string): Promise<RawHost> {
    const host = new RawHost();
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const env: Record<string, (...args: number[]) => number> = {};
    const named = host.functions();
    for (const i of WebAssembly.Module.imports(module)) {
      if (i.module !== "env") continue;
      env[i.name] = named[i.name] ?? (() => 0);
    }
    const wasi = { random_get: (ptr: number, len: number) => { host.bytes().fill(7, ptr, ptr + len); return 0; } };
    const instance = await WebAssembly.instantiate(module, { env, wasi_snapshot_preview1: wasi });
    host.exports = instance.exports as Record<string, any>;
    host.exports._initialize();
    return host;
  }

  private bytes(): Uint8Array {
    return new Uint8Array((this.exports.memory as WebAssembly.Memory).buffer);
  }
  private view(): DataView {
    return new DataView((this.exports.memory as WebAssembly.Memory).buffer);
  }
  private text(ptr: number, size: number): string {
    return decoder.decode(this.bytes().slice(ptr, ptr + size));
  }
  /** Returns bytes the way Envoy does: a block from the module's malloc, pointer and size written out. */
  private give(data: Uint8Array, ptrPtr: number, sizePtr: number): number {
    const ptr = data.length === 0 ? 0 : (this.exports.malloc(data.length) as number);
    if (data.length > 0) this.bytes().set(data, ptr);
    this.view().setUint32(ptrPtr, ptr, true);
    this.view().setUint32(sizePtr, data.length, true);
    return 0;
  }

  private functions(): Record<string, (...args: number[]) => number> {
    return {
      proxy_log: (level, ptr, size) => { this.logs.push({ level, message: this.text(ptr, size) }); return 0; },
      proxy_get_log_level: (ptr) => { this.view().setUint32(ptr, 0, true); return 0; },
      proxy_get_property: () => 1,
      proxy_get_current_time_nanoseconds: (ptr) => { this.view().setBigUint64(ptr, 1_700_000_000_000_000_000n, true); return 0; },
      proxy_get_header_map_value: (type, kp, ks, vpp, vsp) => {
        const found = (this.maps.get(type) ?? []).find(([k]) => k === this.text(kp, ks));
        return found === undefined ? 1 : this.give(encoder.encode(found[1]), vpp, vsp);
      },
      proxy_get_header_map_pairs: (type, pp, sp) => this.give(serializePairs(this.maps.get(type) ?? []), pp, sp),
      proxy_get_buffer_status: (type, lenPtr, flagsPtr) => {
        const b = this.buffers.get(type);
        if (b === undefined) return 1;
        this.view().setUint32(lenPtr, b.length, true);
        this.view().setUint32(flagsPtr, 0, true);
        return 0;
      },
      proxy_get_buffer_bytes: (type, start, max, pp, sp) => {
        const b = this.buffers.get(type);
        return b === undefined ? 1 : this.give(b.subarray(start, start + max), pp, sp);
      },
      proxy_send_local_response: (status, dp, ds, bp, bs, hp, hs, grpc) => {
        this.localResponses.push({ status, details: this.text(dp, ds), body: this.text(bp, bs), headers: deserializePairs(this.bytes().slice(hp, hp + hs)), grpcStatus: grpc | 0 });
        return 0;
      },
      proxy_grpc_call: (cp, cs, sp, ss, mp, ms, mdp, mds, msgp, msgs, timeout, tokenPtr) => {
        const token = this.nextToken++;
        this.grpcCalls.push({ token, cluster: this.text(cp, cs), service: this.text(sp, ss), method: this.text(mp, ms), metadata: deserializePairs(this.bytes().slice(mdp, mdp + mds)), message: this.text(msgp, msgs), timeoutMs: timeout });
        this.view().setUint32(tokenPtr, token, true);
        return 0;
      },
      proxy_grpc_stream: (cp, cs, sp, ss, mp, ms, mdp, mds, tokenPtr) => {
        const token = this.nextToken++;
        this.grpcCalls.push({ token, cluster: this.text(cp, cs), service: this.text(sp, ss), method: this.text(mp, ms), metadata: deserializePairs(this.bytes().slice(mdp, mdp + mds)) });
        this.view().setUint32(tokenPtr, token, true);
        return 0;
      },
      proxy_grpc_send: (token, ptr, size, end) => { this.grpcSends.push({ token, message: this.text(ptr, size), end: end !== 0 }); return 0; },
      proxy_grpc_cancel: (token) => { this.grpcCancelled.push(token); return 0; },
      proxy_grpc_close: (token) => { this.grpcClosed.push(token); return 0; },
      proxy_get_status: (codePtr, pp, sp) => { this.view().setUint32(codePtr, this.status.code, true); return this.give(encoder.encode(this.status.message), pp, sp); },
      proxy_close_stream: (type) => { this.closedStreams.push(type); return 0; },
      proxy_continue_stream: (type) => { this.continuedStreams.push(type); return 0; },
    };
  }
}
