// Free lists of small blocks in front of the TLSF allocator, for sdk/abi/generational-gc.ts. A
// request allocates hundreds of small objects and a young collection frees them all again; TLSF
// pays for each free by coalescing with its neighbours and reinserting, and for each allocation
// by searching and splitting, about a tenth of a rule-heavy filter's request. Here a freed block
// of fewer than CLASSES alignment steps (1 KiB) goes onto the list of its size class and the next allocation of that
// class takes it back in a few instructions. The blocks stay allocated as far as TLSF knows, so
// the lists hold at most CACHE_LIMIT bytes, and flushCachedBlocks() (after a full collection)
// returns them so TLSF can coalesce them again.
// @ts-ignore: the runtime's internals have no editor typings.
import { OBJECT, BLOCK_OVERHEAD, AL_BITS, AL_MASK } from "~lib/rt/common";
// @ts-ignore
import { __alloc, __free } from "~lib/rt/tlsf";

/** Size classes are whole blocks (header included) in steps of the allocator's alignment. */
const CLASSES: usize = 64;
/** TLSF's smallest payload (prev + next + back pointers, aligned). */
const MIN_PAYLOAD: usize = ((3 * sizeof<usize>() + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
/** At most this many bytes wait in the lists: about one allocation budget of young garbage. */
const CACHE_LIMIT: usize = 512 << 10;

// @ts-ignore: decorator
@lazy const heads = memory.data(<i32>(CLASSES * sizeof<usize>()));
let cachedBytes: usize = 0;

// @ts-ignore: decorator
@inline function headAt(c: usize): usize { return heads + (c << alignof<usize>()); }
/** A cached block's link to the next one of its class lives where a live object keeps its gcInfo. */
// @ts-ignore: decorator
@inline function nextCached(block: usize): usize { return load<usize>(block, offsetof<OBJECT>("gcInfo")); }

/** The class of a block whose payload is `payload` bytes: every block on list c has at least c steps. */
// @ts-ignore: decorator
@inline function classOf(payload: usize): usize { return (payload + BLOCK_OVERHEAD) >> AL_BITS; }

/** A block with at least `size` payload bytes; returns the block (its header), as TLSF lays it out. */
export function allocateCachedBlock(size: usize): usize {
  const payload = size <= MIN_PAYLOAD ? MIN_PAYLOAD : ((size + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  const c = classOf(payload);
  if (c < CLASSES) {
    const block = load<usize>(headAt(c));
    if (block != 0) {
      store<usize>(headAt(c), nextCached(block));
      cachedBytes -= c << AL_BITS;
      return block;
    }
  }
  return __alloc(payload) - BLOCK_OVERHEAD;
}

/** Frees a block allocateCachedBlock (or TLSF) handed out: onto its class's list, or back to TLSF. */
export function releaseBlock(block: usize): void {
  const c = classOf(load<usize>(block) & ~<usize>3); // TLSF's size, without its tag bits
  if (c < CLASSES && cachedBytes + (c << AL_BITS) <= CACHE_LIMIT) {
    store<usize>(block, load<usize>(headAt(c)), offsetof<OBJECT>("gcInfo"));
    store<usize>(headAt(c), block);
    cachedBytes += c << AL_BITS;
    return;
  }
  __free(block + BLOCK_OVERHEAD);
}

/** Returns every cached block to TLSF. */
export function flushCachedBlocks(): void {
  for (let c: usize = 0; c < CLASSES; c++) {
    let block = load<usize>(headAt(c));
    while (block != 0) {
      const next = nextCached(block);
      __free(block + BLOCK_OVERHEAD);
      block = next;
    }
    store<usize>(headAt(c), 0);
  }
  cachedBytes = 0;
}

/** Bytes held in the lists (allocated as far as TLSF knows, free as far as the program knows). */
export function cachedBlockBytes(): usize {
  return cachedBytes;
}
