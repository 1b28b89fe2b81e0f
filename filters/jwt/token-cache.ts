// The verified-token cache of one provider in one VM (Envoy's jwt_cache_config): a bounded
// first-in-first-out map from token text to its VerifiedJwt. Lookups take the token where it lies
// in the header value and hash it there, so a hit copies nothing and allocates nothing.
import { FoundToken } from "./extract";
import { sliceEquals, sliceHash } from "./text-slice";
import { VerifiedJwt } from "./verified-jwt";

class CacheEntry {
  /** Index of the next entry in the same bucket, -1 at the end of the chain. */
  next: i32 = -1;
  constructor(readonly token: string, readonly hash: u32, readonly verified: VerifiedJwt) {}
}

const NO_ENTRY: i32 = -1;
const INITIAL_BUCKETS: i32 = 16;

export class VerifiedTokenCache {
  /** Insertion order; once full, a ring whose `oldest` slot is replaced next. */
  private entries: CacheEntry[] = [];
  private oldest: i32 = 0;
  /** Chains of entry indexes by hash; grows with the entries, at most one bucket per entry. */
  private buckets: Int32Array = new Int32Array(0);

  constructor(readonly capacity: i32) {}

  get size(): i32 {
    return this.entries.length;
  }

  /** The cached token at `found`'s place, or null. */
  lookup(found: FoundToken): VerifiedJwt | null {
    if (this.entries.length == 0) return null;
    const source = found.source;
    const start = found.start;
    const toEnd = source.length - start;
    if (!found.lengthKnown) {
      // A token header usually ends with the token: try that extent before scanning for its end.
      // A match proves the extent, since a cached token is made of token characters only.
      const hit = this.find(source, start, toEnd);
      if (hit !== null) {
        found.knowLength(toEnd);
        return hit;
      }
      const length = found.length;
      return length == toEnd ? null : this.find(source, start, length);
    }
    return this.find(source, start, found.length);
  }

  /** Adds a verified token, evicting the oldest one at capacity; a token already cached stays as is. */
  put(token: string, verified: VerifiedJwt): void {
    if (this.capacity <= 0) return;
    const hash = sliceHash(token, 0, token.length);
    if (this.indexOf(token, 0, token.length, hash) != NO_ENTRY) return;
    const entry = new CacheEntry(token, hash, verified);
    let index: i32;
    if (this.entries.length < this.capacity) {
      index = this.entries.length;
      this.entries.push(entry);
      if (this.entries.length > this.buckets.length) {
        this.rebuildBuckets();
        return;
      }
    } else {
      index = this.oldest;
      this.unlink(index);
      unchecked(this.entries[index] = entry);
      this.oldest = index + 1 == this.capacity ? 0 : index + 1;
    }
    this.link(index);
  }

  clear(): void {
    this.entries = [];
    this.oldest = 0;
    this.buckets = new Int32Array(0);
  }

  private find(source: string, start: i32, length: i32): VerifiedJwt | null {
    const index = this.indexOf(source, start, length, sliceHash(source, start, length));
    return index == NO_ENTRY ? null : unchecked(this.entries[index]).verified;
  }

  private indexOf(source: string, start: i32, length: i32, hash: u32): i32 {
    if (this.buckets.length == 0) return NO_ENTRY;
    let i = unchecked(this.buckets[hash & <u32>(this.buckets.length - 1)]);
    while (i != NO_ENTRY) {
      const e = unchecked(this.entries[i]);
      if (e.hash == hash && e.token.length == length && sliceEquals(e.token, 0, source, start, length)) return i;
      i = e.next;
    }
    return NO_ENTRY;
  }

  private link(index: i32): void {
    const e = unchecked(this.entries[index]);
    const bucket = e.hash & <u32>(this.buckets.length - 1);
    e.next = unchecked(this.buckets[bucket]);
    unchecked(this.buckets[bucket] = index);
  }

  private unlink(index: i32): void {
    const e = unchecked(this.entries[index]);
    const bucket = e.hash & <u32>(this.buckets.length - 1);
    let i = unchecked(this.buckets[bucket]);
    if (i == index) {
      unchecked(this.buckets[bucket] = e.next);
      return;
    }
    while (i != NO_ENTRY) {
      const prev = unchecked(this.entries[i]);
      if (prev.next == index) {
        prev.next = e.next;
        return;
      }
      i = prev.next;
    }
  }

  /** Doubles the bucket array (power of two) and re-chains every entry. */
  private rebuildBuckets(): void {
    let count = max(INITIAL_BUCKETS, this.buckets.length * 2);
    while (count < this.entries.length) count *= 2;
    this.buckets = new Int32Array(count).fill(NO_ENTRY);
    for (let i = 0; i < this.entries.length; i++) this.link(i);
  }
}
