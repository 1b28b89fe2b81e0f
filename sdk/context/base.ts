// What every context (root, HTTP stream, network stream) has: its id, end-of-life callbacks,
// and the answers of outbound calls it made.
import { HttpCallResponse } from "../http-call";
import { ensureEffectiveContext } from "./current";
import { Status } from "../abi/enums";

export class BaseContext {
  constructor(readonly id: u32) {}

  /** Access log time: the stream is over, its properties are still readable. */
  onLog(): void {}

  /** The host wants to finish this context; return false to finish later with done(). */
  onDone(): bool {
    return true;
  }

  /** Last call for this context; it is forgotten afterwards. */
  onDelete(): void {}

  /** Answer of an httpCall made without a handler object. */
  onHttpCallResponse(response: HttpCallResponse): void {}

  /** Makes this context the one host calls act on (needed when acting from another context's callback). */
  makeEffective(): Status {
    return ensureEffectiveContext(this.id);
  }
}
