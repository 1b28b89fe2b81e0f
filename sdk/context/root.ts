// The plugin (root) context: one per plugin per VM; lives as long as the plugin's configuration.
import * as host from "../abi/hostcalls";
import { BufferType, Status } from "../abi/enums";
import { BaseContext } from "./base";
import { Configuration } from "./configuration";
import { HttpContext } from "./http";
import { StreamContext } from "./stream";

export class RootContext extends BaseContext {
  /** Envoy's root_id this context was created for ("" when none was configured). */
  rootId: string = "";

  constructor(id: u32) {
    super(id);
  }

  /** The VM started; `vmConfiguration` is Envoy's vm_config.configuration. Return false to fail the load. */
  onVmStart(vmConfiguration: Configuration): bool {
    return true;
  }

  /** The plugin configuration arrived (or changed). Return false to reject it (the load fails). */
  onConfigure(configuration: Configuration): bool {
    return true;
  }

  /** Timer set with setTickPeriod() fired. */
  onTick(): void {}

  /** A shared queue this VM registered has items. */
  onQueueReady(queueId: u32): void {}

  /** The host called a foreign function on this plugin; read the arguments with foreignFunctionArguments(). */
  onForeignFunction(functionId: u32, argumentsSize: u32): void {}

  /** New HTTP stream: return its context, or null to let the stream pass untouched. */
  createHttpContext(contextId: u32): HttpContext | null {
    return null;
  }

  /** New network (TCP) connection: return its context, or null to let it pass untouched. */
  createStreamContext(contextId: u32): StreamContext | null {
    return null;
  }

  /** Calls onTick() every `periodMs` milliseconds (0 stops the timer). */
  setTickPeriod(periodMs: u32): Status {
    this.makeEffective();
    return host.setTickPeriodMilliseconds(periodMs);
  }

  /** Arguments of the current onForeignFunction call. */
  foreignFunctionArguments(size: u32): ArrayBuffer {
    return host.getBufferBytes(BufferType.CallData, 0, size);
  }
}
