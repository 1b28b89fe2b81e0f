// Which context the host currently acts on. The host sets it before each callback; calls made for
// another context (a root resuming a paused stream from onTick, say) switch it first, as Envoy
// requires through proxy_set_effective_context.
import { setEffectiveContext } from "../abi/hostcalls";
import { Status } from "../abi/enums";

let current: u32 = 0;

/** Called by the ABI exports at the start of each callback. */
export function enterContext(contextId: u32): void {
  current = contextId;
}

export function currentContextId(): u32 {
  return current;
}

/** Makes `contextId` the one subsequent host calls act on (no host call if it already is). */
export function ensureEffectiveContext(contextId: u32): Status {
  if (contextId == 0 || contextId == current) return Status.Ok;
  const status = setEffectiveContext(contextId);
  if (status == Status.Ok) current = contextId;
  return status;
}
