// A network (TCP) connection's context, for network filters.
import * as host from "../abi/hostcalls";
import { Action, BufferType, PeerType, Status, StreamType } from "../abi/enums";
import { Body } from "../body";
import { BaseContext } from "./base";
import { RootContext } from "./root";

export class StreamContext extends BaseContext {
  /** Bytes from the client, in onDownstreamData. */
  readonly downstream: Body;
  /** Bytes from the upstream, in onUpstreamData. */
  readonly upstream: Body;

  constructor(id: u32, readonly root: RootContext) {
    super(id);
    this.downstream = new Body(id, BufferType.DownstreamData);
    this.upstream = new Body(id, BufferType.UpstreamData);
  }

  onNewConnection(): Action {
    return Action.Continue;
  }

  onDownstreamData(dataSize: u32, endOfStream: bool): Action {
    return Action.Continue;
  }

  onUpstreamData(dataSize: u32, endOfStream: bool): Action {
    return Action.Continue;
  }

  onDownstreamConnectionClose(peer: PeerType): void {}

  onUpstreamConnectionClose(peer: PeerType): void {}

  continueDownstream(): Status {
    this.makeEffective();
    return host.continueStream(StreamType.Downstream);
  }

  continueUpstream(): Status {
    this.makeEffective();
    return host.continueStream(StreamType.Upstream);
  }

  closeDownstream(): Status {
    this.makeEffective();
    return host.closeStream(StreamType.Downstream);
  }

  closeUpstream(): Status {
    this.makeEffective();
    return host.closeStream(StreamType.Upstream);
  }
}
