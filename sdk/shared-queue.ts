// Shared queues: one VM registers a named queue (and gets onQueueReady), any VM resolves and
// enqueues to it.
import * as host from "./abi/hostcalls";
import { Status } from "./abi/enums";
import { ensureEffectiveContext } from "./context/current";
import { RootContext } from "./context/root";

/** Registers (or re-opens) queue `name` for `root`, whose onQueueReady fires on enqueue. Returns its id (0 on failure). */
export function registerSharedQueue(root: RootContext, name: string): u32 {
  ensureEffectiveContext(root.id);
  return host.registerSharedQueue(name);
}

/** Id of queue `name` registered by VM `vmId` ("" for this plugin's VM), or 0 when none exists. */
export function resolveSharedQueue(vmId: string, name: string): u32 {
  return host.resolveSharedQueue(vmId, name);
}

export function enqueueSharedQueue(queueId: u32, value: ArrayBuffer): Status {
  return host.enqueueSharedQueue(queueId, value);
}

export function enqueueSharedQueueText(queueId: u32, value: string): Status {
  return host.enqueueSharedQueue(queueId, String.UTF8.encode(value));
}

/** Next item, or null when the queue is empty (lastStatus() Empty) or unknown (NotFound). */
export function dequeueSharedQueue(queueId: u32): ArrayBuffer | null {
  return host.dequeueSharedQueue(queueId);
}

export function dequeueSharedQueueText(queueId: u32): string | null {
  const item = host.dequeueSharedQueue(queueId);
  return item !== null ? String.UTF8.decode(item) : null;
}
