// When garbage is collected. The SDK builds with AssemblyScript's minimal runtime (TCMS, a
// stop-the-world mark & sweep): it keeps no shadow stack and puts no barrier on pointer stores,
// which on a rule-heavy filter is over half the cost of a request under the incremental runtime.
// The price: nothing collects by itself, and a collection sees only globals, not the wasm stack,
// so it is safe only where no frame holds a managed reference that a global does not reach.
// The end of the outermost callback is such a point; the SDK collects there once BUDGET bytes
// have been allocated since the last collection, so a VM carries at most that much garbage.
// Code that allocates far more than that in one callback (a WAF compiling its rule set) adds its
// own points: hold() what its frames reference, call collectionPoint(), release().
// Under the incremental runtime (asconfig "runtime": "incremental") all of this compiles away.
// @ts-ignore: ~lib/rt/tlsf (the allocator every AssemblyScript runtime builds on) has no editor typings.
import { __alloc as tlsfAlloc, __realloc as tlsfRealloc } from "~lib/rt/tlsf";

// ~lib/shared/runtime's Runtime.Minimal; ASC_RUNTIME is the build's runtime, a compile-time constant.
const MINIMAL_RUNTIME: i32 = 1;

/**
 * Bytes allocated between collections (at most this much garbage above the live heap). Builds
 * can set it with `asc --use PROXYSCRIPT_GC_BUDGET=<bytes>`; 0 collects at every point, which
 * turns a reference a collection point fails to hold into a deterministic failure (tests).
 */
// @ts-ignore: PROXYSCRIPT_GC_BUDGET exists only when the build defines it.
const BUDGET: usize = isDefined(PROXYSCRIPT_GC_BUDGET) ? <usize>PROXYSCRIPT_GC_BUDGET : 1 << 20;

let allocatedSinceCollection: usize = 0;
let callbackDepth: i32 = 0;
/** What callers' frames hold across a collectionPoint; a global, so the collector marks it. */
const held: (Object | null)[] = [];

/** asconfig's `--use __alloc=…`: every allocation (objects, and the SDK's host buffers) passes here. */
export function countingAlloc(size: usize): usize {
  allocatedSinceCollection += size;
  return tlsfAlloc(size);
}

/** asconfig's `--use __realloc=…`: an array or buffer growing. */
export function countingRealloc(ptr: usize, size: usize): usize {
  allocatedSinceCollection += size;
  return tlsfRealloc(ptr, size);
}

function collectIfDue(): void {
  if (ASC_RUNTIME != MINIMAL_RUNTIME || allocatedSinceCollection < BUDGET) return;
  // @ts-ignore: __collect is the runtime's, absent from the editor typings.
  __collect();
  allocatedSinceCollection = 0;
}

/** Called by every ABI export on entry. */
export function callbackStarted(): void {
  callbackDepth++;
}

/** Called by every ABI export before it returns: the outermost one may collect. */
export function callbackFinished(): void {
  if (--callbackDepth == 0) collectIfDue();
}

/**
 * Keeps `value` alive across collectionPoint() calls until release(). Everything a caller's frame
 * references at a collection point must be held, or reachable from something held or global.
 */
export function hold<T>(value: T): void {
  if (ASC_RUNTIME != MINIMAL_RUNTIME) return;
  if (!isManaged<T>()) ERROR("hold() takes a managed reference");
  held.push(changetype<Object | null>(value));
}

/** Drops the last `count` values hold() kept. */
export function release(count: i32): void {
  if (ASC_RUNTIME != MINIMAL_RUNTIME) return;
  held.length = max(0, held.length - count);
}

/**
 * Collects if the allocation budget is spent. Only safe where every managed reference any frame
 * on the stack will still use is held (see hold) or reachable from a global.
 */
export function collectionPoint(): void {
  collectIfDue();
}
