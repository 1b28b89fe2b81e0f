// Which root context class serves which root_id, and the live contexts of this VM by id.
// Stream contexts are typed lazily: Envoy announces a context with proxy_on_context_create before
// saying whether it is an HTTP stream or a TCP connection; the first callback tells.
import * as host from "../abi/hostcalls";
import { LogLevel } from "../abi/enums";
import { BaseContext } from "./base";
import { HttpContext } from "./http";
import { RootContext } from "./root";
import { StreamContext } from "./stream";

export type RootFactory = (contextId: u32) => RootContext;
export type HttpFactory = (contextId: u32, root: RootContext) => HttpContext;

class RootRegistration {
  constructor(readonly rootId: string, readonly factory: RootFactory) {}
}

/** A root that only creates HTTP contexts with a factory (registerHttpContext). */
class HttpFactoryRoot extends RootContext {
  constructor(id: u32, private readonly httpFactory: HttpFactory) {
    super(id);
  }

  createHttpContext(contextId: u32): HttpContext | null {
    const factory = this.httpFactory;
    return factory(contextId, this);
  }
}

class HttpRegistration {
  constructor(readonly rootId: string, readonly factory: HttpFactory) {}
}

const rootRegistrations = new Array<RootRegistration>();
const httpRegistrations = new Array<HttpRegistration>();
const roots = new Map<u32, RootContext>();
const httpContexts = new Map<u32, HttpContext>();
const streamContexts = new Map<u32, StreamContext>();
/** Contexts announced but not yet typed: id → root context id. */
const untyped = new Map<u32, u32>();

/**
 * Registers the root context class for `rootId` (Envoy's root_id; "" matches any root_id when no
 * exact registration exists). Call it at the top level of your entry file.
 */
export function registerRootContext(factory: RootFactory, rootId: string = ""): void {
  rootRegistrations.push(new RootRegistration(rootId, factory));
}

/** Shorthand for an HTTP filter that needs no root logic: `registerHttpContext((id, root) => new MyFilter(id, root))`. */
export function registerHttpContext(factory: HttpFactory, rootId: string = ""): void {
  httpRegistrations.push(new HttpRegistration(rootId, factory));
}

function createRoot(id: u32, rootId: string): RootContext {
  // Exact root_id first, then the "" catch-all, then the only registration there is.
  for (let i = 0; i < rootRegistrations.length; i++) {
    if (rootRegistrations[i].rootId == rootId) return rootRegistrations[i].factory(id);
  }
  for (let i = 0; i < httpRegistrations.length; i++) {
    if (httpRegistrations[i].rootId == rootId) return new HttpFactoryRoot(id, httpRegistrations[i].factory);
  }
  for (let i = 0; i < rootRegistrations.length; i++) {
    if (rootRegistrations[i].rootId == "") return rootRegistrations[i].factory(id);
  }
  for (let i = 0; i < httpRegistrations.length; i++) {
    if (httpRegistrations[i].rootId == "") return new HttpFactoryRoot(id, httpRegistrations[i].factory);
  }
  if (rootRegistrations.length + httpRegistrations.length == 1) {
    if (rootRegistrations.length == 1) return rootRegistrations[0].factory(id);
    return new HttpFactoryRoot(id, httpRegistrations[0].factory);
  }
  host.log(LogLevel.Warn, "proxyscript: no root context registered for root_id \"" + rootId + "\"; streams pass through");
  return new RootContext(id);
}

/** proxy_on_context_create. */
export function onContextCreate(id: u32, parentId: u32): void {
  if (parentId == 0) {
    const rootIdBytes = host.getProperty(["plugin_root_id"]);
    const rootId = rootIdBytes !== null ? String.UTF8.decode(rootIdBytes) : "";
    const root = createRoot(id, rootId);
    root.rootId = rootId;
    roots.set(id, root);
  } else {
    untyped.set(id, parentId);
  }
}

/** The root context `id`; created on the spot if the host skipped proxy_on_context_create. */
export function rootContext(id: u32): RootContext {
  if (!roots.has(id)) onContextCreate(id, 0);
  return roots.get(id);
}

function parentRoot(id: u32): RootContext | null {
  if (!untyped.has(id)) return null;
  const parentId = untyped.get(id);
  untyped.delete(id);
  if (!roots.has(parentId)) return null;
  return roots.get(parentId);
}

/** The HTTP context `id`, created by its root on first use. */
export function httpContext(id: u32): HttpContext {
  if (httpContexts.has(id)) return httpContexts.get(id);
  const root = parentRoot(id);
  let context: HttpContext | null = null;
  if (root !== null) context = root.createHttpContext(id);
  // A root without HTTP logic (or an unknown parent) still needs a context: the default passes through.
  const resolved = context !== null ? context : new HttpContext(id, root !== null ? root : new RootContext(0));
  httpContexts.set(id, resolved);
  return resolved;
}

/** The network stream context `id`, created by its root on first use. */
export function streamContext(id: u32): StreamContext {
  if (streamContexts.has(id)) return streamContexts.get(id);
  const root = parentRoot(id);
  let context: StreamContext | null = null;
  if (root !== null) context = root.createStreamContext(id);
  const resolved = context !== null ? context : new StreamContext(id, root !== null ? root : new RootContext(0));
  streamContexts.set(id, resolved);
  return resolved;
}

/** Any known context with this id, or null. */
export function anyContext(id: u32): BaseContext | null {
  if (httpContexts.has(id)) return httpContexts.get(id);
  if (streamContexts.has(id)) return streamContexts.get(id);
  if (roots.has(id)) return roots.get(id);
  return null;
}

/** proxy_on_delete: forget the context. */
export function forgetContext(id: u32): void {
  httpContexts.delete(id);
  streamContexts.delete(id);
  roots.delete(id);
  untyped.delete(id);
}

/** Live context counts (for leak tests). */
export function liveContextCount(): i32 {
  return httpContexts.size + streamContexts.size + roots.size + untyped.size;
}
