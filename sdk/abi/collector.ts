// When garbage is collected. The SDK builds with AssemblyScript's minimal runtime, its collector
// replaced by sdk/abi/generational-gc.ts: no shadow stack and no incremental write barriers, which
// on a rule-heavy filter cost about half of a request. The price: nothing collects by itself, and
// a collection sees only globals, not the wasm stack, so it is safe only where no frame holds a
// managed reference that a global does not reach. The end of the outermost callback is such a
// point; the SDK collects there once BUDGET bytes have been allocated since the last collection,
// so a VM carries at most that much young garbage; once the old generation has taken in
// FULL_BUDGET bytes since the last full collection, it collects that too.
// Code that allocates far more than that in one callback (a WAF compiling its rule set) adds its
// own points: hold() what its frames reference, call collectionPoint(), release().
// Under the incremental runtime (asconfig "runtime": "incremental") all of this compiles away.
import { allocatedSinceCollection, promotedSinceFullCollection, collectYoungGeneration, collectBothGenerations } from "./generational-gc";
// ~lib/shared/runtime's Runtime.Minimal; ASC_RUNTIME is the build's runtime, a compile-time constant.
const MINIMAL_RUNTIME: i32 = 1;

/**
 * Bytes allocated between collections (at most this much garbage above the live heap). Builds
 * can set it with `asc --use PROXYSCRIPT_GC_BUDGET=<bytes>`; 0 collects at every point, which
 * turns a reference a collection point fails to hold into a deterministic failure (tests).
 */
// @ts-ignore: PROXYSCRIPT_GC_BUDGET exists only when the build defines it.
const BUDGET: usize = isDefined(PROXYSCRIPT_GC_BUDGET) ? <usize>PROXYSCRIPT_GC_BUDGET : 512 << 10;
/** Bytes promoted to the old generation between full collections (bounds its garbage). */
const FULL_BUDGET: usize = 512 << 10;

let callbackDepth: i32 = 0;
/** What callers' frames hold across a collectionPoint; a global, so the collector marks it. */
const held: (Object | null)[] = [];

function collectIfDue(): void {
  if (ASC_RUNTIME != MINIMAL_RUNTIME || allocatedSinceCollection() < BUDGET) return;
  if (promotedSinceFullCollection() >= FULL_BUDGET) collectBothGenerations();
  else collectYoungGeneration();
}

/** Called by every ABI export on entry. */
export function callbackStarted(): void {
  callbackDepth++;
}

/**
 * Called by every ABI export before it returns: the outermost one may collect. After a
 * (re)configuration, which leaves far more garbage behind than a request, it collects everything.
 */
export function callbackFinished(configured: bool = false): void {
  if (--callbackDepth != 0) return;
  if (configured && ASC_RUNTIME == MINIMAL_RUNTIME) collectBothGenerations();
  else collectIfDue();
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
