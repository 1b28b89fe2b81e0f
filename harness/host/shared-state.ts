// Shared data (key/value with compare-and-swap) and shared queues. Envoy keeps both process-wide,
// keyed by vm_id: every worker VM of a plugin, and every plugin configured with the same vm_id,
// see the same data and queues. A SharedState is one such "process"; the host uses one global
// instance unless a caller (a test, a gateway) passes its own to keep runs isolated.
import { WasmResult } from "./abi.ts";

export interface QueueTarget {
  /** Delivers proxy_on_queue_ready(token) to the registering root context, later (as Envoy posts it). */
  notify(token: number): void;
}

interface SharedValue { value: Uint8Array; cas: number }
interface Queue { items: Uint8Array[]; target: QueueTarget }

export class SharedState {
  private readonly data = new Map<string, Map<string, SharedValue>>();
  private nextCas = 1;
  private readonly queueTokens = new Map<string, number>();
  private readonly queues = new Map<number, Queue>();
  private nextQueueToken = 1;

  getSharedData(vmId: string, key: string): SharedValue | undefined {
    return this.data.get(vmId)?.get(key);
  }

  /** cas 0 writes unconditionally; otherwise the stored cas must match (else CasMismatch). */
  setSharedData(vmId: string, key: string, value: Uint8Array, cas: number): WasmResult {
    let map = this.data.get(vmId);
    if (map === undefined) { map = new Map(); this.data.set(vmId, map); }
    const existing = map.get(key);
    if (existing !== undefined && cas !== 0 && cas !== existing.cas) return WasmResult.CasMismatch;
    map.set(key, { value: value.slice(), cas: this.takeCas() });
    return WasmResult.Ok;
  }

  private takeCas(): number {
    const cas = this.nextCas;
    this.nextCas = this.nextCas >= 0xffffffff ? 1 : this.nextCas + 1;
    return cas;
  }

  /** Registering an existing name keeps its items and re-targets it (the last registration wins, as in Envoy). */
  registerQueue(vmId: string, name: string, target: QueueTarget): number {
    const key = `${vmId}\0${name}`;
    let token = this.queueTokens.get(key);
    if (token === undefined) {
      token = this.nextQueueToken++;
      this.queueTokens.set(key, token);
      this.queues.set(token, { items: [], target });
    } else {
      this.queues.get(token)!.target = target;
    }
    return token;
  }

  resolveQueue(vmId: string, name: string): number {
    return this.queueTokens.get(`${vmId}\0${name}`) ?? 0;
  }

  dequeue(token: number): { result: WasmResult; data?: Uint8Array } {
    const q = this.queues.get(token);
    if (q === undefined) return { result: WasmResult.NotFound };
    const data = q.items.shift();
    if (data === undefined) return { result: WasmResult.Empty };
    return { result: WasmResult.Ok, data };
  }

  enqueue(token: number, data: Uint8Array): WasmResult {
    const q = this.queues.get(token);
    if (q === undefined) return WasmResult.NotFound;
    q.items.push(data.slice());
    q.target.notify(token);
    return WasmResult.Ok;
  }
}

/** The process-wide state, as in one Envoy process. */
export const globalSharedState = new SharedState();
