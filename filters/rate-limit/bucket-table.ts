// Token buckets shared by every worker VM, in proxy-wasm shared data, updated with
// compare-and-swap. Shared data has no delete, so keys live in a fixed table of `capacity` slots
// ("<namespace>/<slot>") found by hashing and linear probing: at most `capacity` keys exist,
// whatever the traffic. A slot whose bucket has refilled completely is as good as absent, so a
// new key may take it over (idle buckets expire without a timer). When all probed slots hold
// live buckets of other keys the table is full for that key: it is charged to one overflow bucket
// per limit ("<namespace>/overflow/<limit>"), so a flood of distinct keys stays limited as a whole.
import { getSharedData, setSharedData, Status } from "../../sdk/index";
import { BucketSettings, BucketState } from "./token-bucket";

/** Slots tried per key before the table counts as full for it. */
const PROBES: u32 = 8;
/** CAS conflicts tolerated per request before giving up (then the request passes). */
const MAX_ATTEMPTS: i32 = 32;
// Slot value: tokens u32 | key length u32 | last fill i64 | idle-from i64 | key bytes.
const HEADER_BYTES: i32 = 24;

export class Decision {
  constructor(
    public allowed: bool,
    public limit: u32,
    public remaining: u32,
    public resetNanos: i64,
    /** The key was charged to the overflow bucket (table full). */
    public overflow: bool,
    /** CAS kept failing; the request passes without taking a token. */
    public contended: bool,
  ) {}
}

export class BucketTable {
  private readonly slotPrefix: string;
  private readonly overflowPrefix: string;

  constructor(namespace: string, private readonly capacity: u32) {
    this.slotPrefix = namespace + "/";
    this.overflowPrefix = namespace + "/overflow/";
  }

  /** Takes one token from the bucket of `key` (belonging to limit `limitId`) at time `now`. */
  take(limitId: string, key: string, settings: BucketSettings, now: i64): Decision {
    const keyBytes = String.UTF8.encode(key);
    const hash = fnv1a(keyBytes);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let candidateSlot: i64 = -1;
      let candidateCas: u32 = 0;
      let conflict = false;
      for (let probe: u32 = 0; probe < PROBES && probe < this.capacity; probe++) {
        const slot = (<u64>hash + <u64>probe) % <u64>this.capacity;
        const name = this.slotPrefix + slot.toString();
        const stored = getSharedData(name);
        const value = stored.value;
        if (value === null) {
          // Nothing was ever stored here: the key is not further along either.
          if (candidateSlot < 0) { candidateSlot = <i64>slot; candidateCas = 0; }
          break;
        }
        if (value.byteLength >= HEADER_BYTES && sameKey(value, keyBytes)) {
          const state = decodeState(value);
          const decision = charge(state, settings, now, false);
          if (setSharedData(name, encodeSlot(state, settings, keyBytes), stored.cas) == Status.Ok) return decision;
          conflict = true;
          break;
        }
        if (candidateSlot < 0 && (value.byteLength < HEADER_BYTES || now >= load<i64>(changetype<usize>(value), 16))) {
          candidateSlot = <i64>slot;
          candidateCas = stored.cas;
        }
      }
      if (conflict) continue;
      if (candidateSlot >= 0) {
        const state = BucketState.fresh(settings, now);
        const decision = charge(state, settings, now, false);
        const name = this.slotPrefix + candidateSlot.toString();
        if (setSharedData(name, encodeSlot(state, settings, keyBytes), candidateCas) == Status.Ok) return decision;
        continue;
      }
      // Table full for this key.
      const overflow = this.takeOverflow(limitId, settings, now);
      if (overflow !== null) return overflow;
    }
    return new Decision(true, settings.maxTokens, 0, 0, false, true);
  }

  private takeOverflow(limitId: string, settings: BucketSettings, now: i64): Decision | null {
    const name = this.overflowPrefix + limitId;
    const stored = getSharedData(name);
    const value = stored.value;
    const state = value !== null && value.byteLength >= HEADER_BYTES ? decodeState(value) : BucketState.fresh(settings, now);
    const decision = charge(state, settings, now, true);
    if (setSharedData(name, encodeSlot(state, settings, new ArrayBuffer(0)), stored.cas) == Status.Ok) return decision;
    return null;
  }
}

function charge(state: BucketState, settings: BucketSettings, now: i64, overflow: bool): Decision {
  state.refill(settings, now);
  const allowed = state.take();
  return new Decision(allowed, settings.maxTokens, state.tokens, state.nanosUntilNextFill(settings, now), overflow, false);
}

function decodeState(value: ArrayBuffer): BucketState {
  const base = changetype<usize>(value);
  return new BucketState(load<u32>(base), load<i64>(base, 8));
}

function encodeSlot(state: BucketState, settings: BucketSettings, keyBytes: ArrayBuffer): ArrayBuffer {
  const out = new ArrayBuffer(HEADER_BYTES + keyBytes.byteLength);
  const base = changetype<usize>(out);
  store<u32>(base, state.tokens);
  store<u32>(base, <u32>keyBytes.byteLength, 4);
  store<i64>(base, state.lastFillNanos, 8);
  store<i64>(base, idleFrom(state, settings), 16);
  memory.copy(base + HEADER_BYTES, changetype<usize>(keyBytes), keyBytes.byteLength);
  return out;
}

/** When this bucket will have refilled completely (from then on it may be reclaimed). */
function idleFrom(state: BucketState, settings: BucketSettings): i64 {
  if (state.tokens >= settings.maxTokens) return state.lastFillNanos;
  const missing = <i64>(settings.maxTokens - state.tokens);
  const fills = (missing + <i64>settings.tokensPerFill - 1) / <i64>settings.tokensPerFill;
  return state.lastFillNanos + fills * settings.fillIntervalNanos;
}

function sameKey(value: ArrayBuffer, keyBytes: ArrayBuffer): bool {
  const base = changetype<usize>(value);
  const length = load<u32>(base, 4);
  if (length != <u32>keyBytes.byteLength || value.byteLength != HEADER_BYTES + keyBytes.byteLength) return false;
  return memory.compare(base + HEADER_BYTES, changetype<usize>(keyBytes), keyBytes.byteLength) == 0;
}

/** 32-bit FNV-1a: cheap, stable across VMs (every worker must pick the same slots). */
function fnv1a(bytes: ArrayBuffer): u32 {
  let hash: u32 = 0x811c9dc5;
  const base = changetype<usize>(bytes);
  for (let i = 0; i < bytes.byteLength; i++) {
    hash ^= <u32>load<u8>(base + <usize>i);
    hash *= 0x01000193;
  }
  return hash;
}
