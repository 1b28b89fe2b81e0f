// Per request: for each (transformation chain, value) seen, the transformed value and its literal
// hits, so rules sharing a chain transform and scan a value once. An open-addressing table keyed by
// the value's address, reused across requests (a request start only bumps a stamp): a request
// makes hundreds of lookups, and a Map<u64, object> costs a hash, an entry and an object each.
// Entries hold the value itself, so its address cannot be reused while the entry lives; a reset
// drops them, or the table's arrays (old, as the evaluation that owns them) would keep every
// request's values alive through two collections and promote them to the old generation.

export class ValueCache {
  private capacity: i32 = 0;
  private count: i32 = 0;
  private stamp: i32 = 1;
  private stamps: StaticArray<i32> = new StaticArray<i32>(0);
  private chains: StaticArray<i32> = new StaticArray<i32>(0);
  private originals: StaticArray<string | null> = new StaticArray<string | null>(0);
  private transformed: StaticArray<string | null> = new StaticArray<string | null>(0);
  private hits: StaticArray<StaticArray<u64> | null> = new StaticArray<StaticArray<u64> | null>(0);
  /** The slots claimed since the last reset, in claim order (the first `count`). */
  private claimed: StaticArray<i32> = new StaticArray<i32>(0);

  constructor() {
    this.allocate(1024);
  }

  /** Forgets every entry: entries of older stamps are empty slots, and their references are dropped. */
  reset(): void {
    for (let n = 0; n < this.count; n++) {
      const i = unchecked(this.claimed[n]);
      unchecked(this.originals[i] = null);
      unchecked(this.transformed[i] = null);
      unchecked(this.hits[i] = null);
    }
    this.stamp++;
    this.count = 0;
  }

  /** The slot of (chain, value), claimed if absent; check `has`. */
  slot(chain: i32, value: string): i32 {
    if ((this.count + 1) * 4 > this.capacity * 3) this.grow();
    const mask = this.capacity - 1;
    const address = changetype<usize>(value);
    let i = <i32>(((<u32>address >> 2) * 0x9e3779b1) ^ (<u32>chain * 0x85ebca6b)) & mask;
    while (true) {
      if (unchecked(this.stamps[i]) != this.stamp) {
        unchecked(this.stamps[i] = this.stamp);
        unchecked(this.chains[i] = chain);
        unchecked(this.originals[i] = value);
        unchecked(this.transformed[i] = null);
        unchecked(this.hits[i] = null);
        unchecked(this.claimed[this.count++] = i);
        return i;
      }
      if (unchecked(this.chains[i]) == chain && changetype<usize>(unchecked(this.originals[i])) == address) return i;
      i = (i + 1) & mask;
    }
  }

  transformedAt(slot: i32): string | null { return unchecked(this.transformed[slot]); }
  setTransformed(slot: i32, s: string): void { unchecked(this.transformed[slot] = s); }
  hitsAt(slot: i32): StaticArray<u64> | null { return unchecked(this.hits[slot]); }
  setHits(slot: i32, h: StaticArray<u64>): void { unchecked(this.hits[slot] = h); }

  private allocate(capacity: i32): void {
    this.capacity = capacity;
    this.stamps = new StaticArray<i32>(capacity);
    this.chains = new StaticArray<i32>(capacity);
    this.originals = new StaticArray<string | null>(capacity);
    this.transformed = new StaticArray<string | null>(capacity);
    this.hits = new StaticArray<StaticArray<u64> | null>(capacity);
    this.claimed = new StaticArray<i32>(capacity);
  }

  private grow(): void {
    const stamps = this.stamps, chains = this.chains, originals = this.originals, transformed = this.transformed, hits = this.hits;
    const stamp = this.stamp;
    this.allocate(this.capacity << 1);
    this.count = 0;
    for (let i = 0; i < stamps.length; i++) {
      if (stamps[i] != stamp) continue;
      const s = this.slot(chains[i], originals[i]!);
      this.transformed[s] = transformed[i];
      this.hits[s] = hits[i];
    }
  }
}
