// A generational, non-moving mark & sweep that replaces the minimal runtime's collector (asconfig's
// `--use __new=…` and friends point here). A filter's heap is mostly what its configuration built
// (a WAF's compiled rule set: megabytes, a hundred thousand objects and more) plus per-request
// garbage. Marking the whole heap at every collection costs milliseconds, so objects that survive
// two collections move to the old generation, and a young collection marks only from the roots,
// the pinned objects and the old objects that reference young ones (the remembered set, kept up
// by the write barrier __link, which the compiler calls on every store of a reference into an
// object). Two collections, not one: a collection runs between callbacks, so the request in
// flight survives its first one; promoting it would fill the old generation with garbage. A full
// collection (both generations) runs when enough has been promoted since the last one.
// Like the minimal runtime's collector, it sees globals, not the wasm stack: sdk/abi/collector.ts
// decides when collecting is safe. The object header is the runtime's (~lib/rt/common OBJECT):
// gcInfo holds the next object in the object's list and, in its low two bits, the color; gcInfo2
// the previous one and, in bit 0, FLAG: "in the remembered set" for an old object, "survived a
// collection" for a young one.
// @ts-ignore: the runtime's internals have no editor typings.
import { OBJECT, BLOCK_OVERHEAD, OBJECT_OVERHEAD, OBJECT_MAXSIZE, TOTAL_OVERHEAD } from "~lib/rt/common";
// @ts-ignore
import { __alloc, __realloc } from "~lib/rt/tlsf";
// @ts-ignore
import { E_ALLOCATION_TOO_LARGE, E_ALREADY_PINNED, E_NOT_PINNED } from "~lib/util/error";
import { allocateCachedBlock, releaseBlock, flushCachedBlocks } from "./block-cache";

const WHITE: usize = 0; // young, not (yet) reached in this collection
const BLACK: usize = 1; // young, reached in this collection
const PINNED: usize = 2; // held by __pin: a root until __unpin
const OLD: usize = 3; // survived two collections
const COLOR_MASK: usize = 3;
const FLAG: usize = 1;
const VISIT_MARK: i32 = 0;
/** __visit cookie that only notes whether a child is young. */
const VISIT_CHECK: i32 = 1;

// An object is addressed by its header's start (the allocator's block); these read and write the
// header's fields. (Plain functions, not an @unmanaged class: the SDK type-checks in editors too.)
// @ts-ignore: decorator
@inline function nextOf(obj: usize): usize { return load<usize>(obj, offsetof<OBJECT>("gcInfo")) & ~COLOR_MASK; }
// @ts-ignore: decorator
@inline function setNext(obj: usize, next: usize): void { store<usize>(obj, next | colorOf(obj), offsetof<OBJECT>("gcInfo")); }
// @ts-ignore: decorator
@inline function colorOf(obj: usize): usize { return load<usize>(obj, offsetof<OBJECT>("gcInfo")) & COLOR_MASK; }
// @ts-ignore: decorator
@inline function setColor(obj: usize, color: usize): void { store<usize>(obj, nextOf(obj) | color, offsetof<OBJECT>("gcInfo")); }
// @ts-ignore: decorator
@inline function prevOf(obj: usize): usize { return load<usize>(obj, offsetof<OBJECT>("gcInfo2")) & ~FLAG; }
// @ts-ignore: decorator
@inline function setPrev(obj: usize, prev: usize): void { store<usize>(obj, prev | (load<usize>(obj, offsetof<OBJECT>("gcInfo2")) & FLAG), offsetof<OBJECT>("gcInfo2")); }
// @ts-ignore: decorator
@inline function isFlagged(obj: usize): bool { return (load<usize>(obj, offsetof<OBJECT>("gcInfo2")) & FLAG) != 0; }
// @ts-ignore: decorator
@inline function setFlagged(obj: usize, on: bool): void { store<usize>(obj, prevOf(obj) | (on ? FLAG : 0), offsetof<OBJECT>("gcInfo2")); }
/** Resets both links: a list sentinel pointing at itself, or static data no list holds. */
// @ts-ignore: decorator
@inline function setLinks(obj: usize, next: usize, prev: usize): void {
  store<usize>(obj, next, offsetof<OBJECT>("gcInfo"));
  store<usize>(obj, prev, offsetof<OBJECT>("gcInfo2"));
}
// @ts-ignore: decorator
@inline function rtIdOf(obj: usize): u32 { return load<u32>(obj, offsetof<OBJECT>("rtId")); }
// @ts-ignore: decorator
@inline function rtSizeOf(obj: usize): u32 { return load<u32>(obj, offsetof<OBJECT>("rtSize")); }
// @ts-ignore: decorator
@inline function blockSize(obj: usize): usize { return BLOCK_OVERHEAD + (load<usize>(obj) & ~3); }

function unlink(obj: usize): void {
  const next = nextOf(obj);
  if (next == 0) return; // static data, not linked yet
  const prev = prevOf(obj);
  setPrev(next, prev);
  setNext(prev, next);
}

/** Appends `obj` to `list` with `color`, flag cleared. */
function linkTo(obj: usize, list: usize, color: usize): void {
  const prev = prevOf(list);
  setLinks(obj, list | color, prev);
  setNext(prev, obj);
  setPrev(list, obj);
}

/** A list's sentinel: a static header (one memory.data per list: each call site is one block). */
function emptyList(at: usize): usize {
  setLinks(at, at, at);
  return at;
}

// Lazy: other modules' top-level code may allocate before this module's globals are initialized.
// @ts-ignore: decorator
@lazy const young = emptyList(memory.data(offsetof<OBJECT>()));
// @ts-ignore: decorator
@lazy const reachedFresh = emptyList(memory.data(offsetof<OBJECT>()));
// @ts-ignore: decorator
@lazy const reachedAged = emptyList(memory.data(offsetof<OBJECT>()));
// @ts-ignore: decorator
@lazy const pinned = emptyList(memory.data(offsetof<OBJECT>()));
// @ts-ignore: decorator
@lazy const old = emptyList(memory.data(offsetof<OBJECT>()));

/** Old objects that may reference young ones (a raw block of addresses, not itself managed). */
let remembered: usize = 0;
let rememberedCount: i32 = 0;
let rememberedCapacity: i32 = 0;

let allocatedBytes: usize = 0;
let promotedBytes: usize = 0;
/** Set by __visit in VISIT_CHECK mode when a child is young. */
let youngSeen = false;

// @ts-ignore: decorator
@inline function headerOf(ptr: usize): usize {
  return ptr - TOTAL_OVERHEAD;
}

// @ts-ignore: decorator
@inline function rememberedSlot(i: i32): usize {
  return remembered + (<usize>i << alignof<usize>());
}

function remember(obj: usize): void {
  if (rememberedCount == rememberedCapacity) {
    rememberedCapacity = max(rememberedCapacity << 1, 256);
    const bytes = <usize>rememberedCapacity << alignof<usize>();
    remembered = remembered == 0 ? __alloc(bytes) : __realloc(remembered, bytes);
  }
  store<usize>(rememberedSlot(rememberedCount++), obj);
  setFlagged(obj, true);
}

function forgetRemembered(): void {
  for (let i = 0; i < rememberedCount; i++) setFlagged(load<usize>(rememberedSlot(i)), false);
  rememberedCount = 0;
}

function referencesYoung(obj: usize): bool {
  youngSeen = false;
  // @ts-ignore: compiler builtin
  __visit_members(obj + TOTAL_OVERHEAD, VISIT_CHECK);
  return youngSeen;
}

/** Moves every object of `from` to the end of `to`, recoloured and (un)flagged; returns their bytes. */
function moveAll(from: usize, to: usize, color: usize, flagged: bool): usize {
  const first = nextOf(from);
  if (first == from) return 0;
  const last = prevOf(from);
  let bytes: usize = 0;
  for (let obj = first; obj != from; obj = nextOf(obj)) {
    setColor(obj, color);
    setFlagged(obj, flagged);
    bytes += blockSize(obj);
  }
  const tail = prevOf(to);
  setNext(tail, first);
  setPrev(first, tail);
  setNext(last, to);
  setPrev(to, last);
  setLinks(from, from, from);
  return bytes;
}

/** Marks what the objects of `list` after `cursor` reference, including what that appends to it. */
function markFrom(cursor: usize, list: usize): usize {
  while (nextOf(cursor) != list) {
    cursor = nextOf(cursor);
    // @ts-ignore: compiler builtin
    __visit_members(cursor + TOTAL_OVERHEAD, VISIT_MARK);
  }
  return cursor;
}

/**
 * Marks from the roots, frees the young objects not reached, promotes the reached ones that had
 * survived before and keeps the others young, flagged as survivors.
 */
export function collectYoungGeneration(): void {
  // @ts-ignore: compiler builtin
  __visit_globals(VISIT_MARK);
  for (let obj = nextOf(pinned); obj != pinned; obj = nextOf(obj)) {
    // @ts-ignore: compiler builtin
    __visit_members(obj + TOTAL_OVERHEAD, VISIT_MARK);
  }
  for (let i = 0; i < rememberedCount; i++) {
    // @ts-ignore: compiler builtin
    __visit_members(load<usize>(rememberedSlot(i)) + TOTAL_OVERHEAD, VISIT_MARK);
  }
  let fresh = reachedFresh;
  let aged = reachedAged;
  do {
    fresh = markFrom(fresh, reachedFresh);
    aged = markFrom(aged, reachedAged);
  } while (nextOf(fresh) != reachedFresh);

  let obj = nextOf(young);
  while (obj != young) {
    const next = nextOf(obj);
    if (obj < __heap_base) setLinks(obj, 0, 0); // static data: relinked when reached again
    else releaseBlock(obj);
    obj = next;
  }
  setLinks(young, young, young);

  const lastOld = prevOf(old);
  promotedBytes += moveAll(reachedAged, old, OLD, false);
  moveAll(reachedFresh, young, WHITE, true);
  allocatedBytes = 0;

  // Old objects now referencing young ones: of those remembered, the ones that still do, and of
  // those just promoted, the ones referencing a survivor that stays young.
  let kept = 0;
  for (let i = 0; i < rememberedCount; i++) {
    const entry = load<usize>(rememberedSlot(i));
    if (colorOf(entry) == OLD && referencesYoung(entry)) store<usize>(rememberedSlot(kept++), entry);
    else setFlagged(entry, false);
  }
  rememberedCount = kept;
  for (let promoted = nextOf(lastOld); promoted != old; promoted = nextOf(promoted)) {
    if (referencesYoung(promoted)) remember(promoted);
  }
}

/** Bytes allocated (new objects with their headers, grown ones) since the last collection. */
export function allocatedSinceCollection(): usize {
  return allocatedBytes;
}

/** Bytes promoted to the old generation since the last full collection: its garbage is at most this. */
export function promotedSinceFullCollection(): usize {
  return promotedBytes;
}

/** Collects both generations: every old object goes back to young (as a survivor) first. */
export function collectBothGenerations(): void {
  forgetRemembered();
  moveAll(old, young, WHITE, true);
  collectYoungGeneration();
  promotedBytes = 0;
  flushCachedBlocks(); // so TLSF can coalesce what this collection freed
}

// ---- the runtime interface the compiler and the standard library call ----

export function gcNew(size: usize, id: i32): usize {
  if (size > OBJECT_MAXSIZE) throw new Error(E_ALLOCATION_TOO_LARGE);
  const obj = allocateCachedBlock(OBJECT_OVERHEAD + size);
  store<u32>(obj, id, offsetof<OBJECT>("rtId"));
  store<u32>(obj, <u32>size, offsetof<OBJECT>("rtSize"));
  linkTo(obj, young, WHITE);
  allocatedBytes += TOTAL_OVERHEAD + size;
  return obj + TOTAL_OVERHEAD;
}

export function gcRenew(oldPtr: usize, size: usize): usize {
  const before = headerOf(oldPtr);
  if (oldPtr < __heap_base) { // static data moves to the heap
    const copy = gcNew(size, rtIdOf(before));
    memory.copy(copy, oldPtr, min(size, <usize>rtSizeOf(before)));
    return copy;
  }
  if (size > OBJECT_MAXSIZE) throw new Error(E_ALLOCATION_TOO_LARGE);
  const newPtr = __realloc(oldPtr - OBJECT_OVERHEAD, OBJECT_OVERHEAD + size) + OBJECT_OVERHEAD;
  const obj = headerOf(newPtr);
  const oldSize = <usize>rtSizeOf(obj);
  if (size > oldSize) allocatedBytes += size - oldSize;
  store<u32>(obj, <u32>size, offsetof<OBJECT>("rtSize"));
  if (newPtr != oldPtr) {
    // The header moved with the data: relink the neighbours, and the remembered entry if any.
    setPrev(nextOf(obj), obj);
    setNext(prevOf(obj), obj);
    if (colorOf(obj) == OLD && isFlagged(obj)) {
      for (let i = 0; i < rememberedCount; i++) {
        if (load<usize>(rememberedSlot(i)) == before) store<usize>(rememberedSlot(i), obj);
      }
    }
  }
  return newPtr;
}

/** The write barrier: `parent` now references `child`. */
export function gcLink(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {
  if (childPtr == 0) return;
  const parent = headerOf(parentPtr);
  if (colorOf(parent) != OLD || isFlagged(parent)) return;
  if (colorOf(headerOf(childPtr)) == OLD) return;
  remember(parent);
}

export function gcVisit(ptr: usize, cookie: i32): void {
  if (ptr == 0) return;
  const obj = headerOf(ptr);
  const color = colorOf(obj);
  if (cookie == VISIT_CHECK) {
    if (color == WHITE || color == BLACK) youngSeen = true;
    return;
  }
  if (color != WHITE) return;
  const survivor = isFlagged(obj);
  unlink(obj);
  linkTo(obj, survivor ? reachedAged : reachedFresh, BLACK);
}

export function gcPin(ptr: usize): usize {
  if (ptr == 0) return ptr;
  const obj = headerOf(ptr);
  if (colorOf(obj) == PINNED) throw new Error(E_ALREADY_PINNED);
  unlink(obj);
  linkTo(obj, pinned, PINNED);
  return ptr;
}

export function gcUnpin(ptr: usize): void {
  if (ptr == 0) return;
  const obj = headerOf(ptr);
  if (colorOf(obj) != PINNED) throw new Error(E_NOT_PINNED);
  unlink(obj);
  // It may reference young objects that no barrier recorded while it was pinned.
  linkTo(obj, old, OLD);
  remember(obj);
}

/** `__collect()`: both generations. Safe only where sdk/abi/collector.ts's collection points are. */
export function gcCollect(): void {
  collectBothGenerations();
}
