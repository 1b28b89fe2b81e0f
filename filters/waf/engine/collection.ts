// An ordered multimap of byte strings with case-insensitive keys: ARGS, REQUEST_HEADERS, TX, ...
// Lookups by key go through a hash index of each key's first position (TX holds ~100 variables
// that rules read constantly). The index is brought up to date on lookup, not on add: most
// collections (MATCHED_VARS of each matching rule, headers) are never looked up by key.
import { asciiLower } from "./bytes";

/** Versions are unique across collections: a lookup cached for one never passes for another. */
let nextVersion: i32 = 1;

/**
 * A key's position remembered by the rule part that looks it up (a TX:x target, a setvar, a
 * macro): a found position stays valid while no element moves (adding at the end moves none),
 * an absence while nothing is added either. TX is read this way hundreds of times a request.
 */
export class KeyLookup {
  version: i32 = 0;
  index: i32 = -1;
  /** The collection's size when an absence was recorded. */
  size: i32 = 0;
}

export class Collection {
  keys: string[] = [];
  lowerKeys: string[] = [];
  values: string[] = [];
  private index: Map<string, i32> | null = null;
  /** Elements [0, indexed) are in the index. */
  private indexed: i32 = 0;
  private duplicateKeys: bool = false;
  /** Changes whenever elements are removed or moved (not when one is added or a value replaced). */
  private version: i32 = nextVersion++;

  get size(): i32 { return this.values.length; }

  add(key: string, value: string): void {
    this.keys.push(key);
    this.lowerKeys.push(asciiLower(key));
    this.values.push(value);
  }

  /** add() with the key's lower-case form already known. */
  addLowered(key: string, lowerKey: string, value: string): void {
    this.keys.push(key);
    this.lowerKeys.push(lowerKey);
    this.values.push(value);
  }

  /** Index of the first element whose key equals `lowerKey` (already lower-cased), -1 if none. */
  indexOf(lowerKey: string): i32 {
    const n = this.values.length;
    if (n == 0) return -1;
    if (this.indexed < n) this.updateIndex();
    const m = this.index!;
    return m.has(lowerKey) ? m.get(lowerKey) : -1;
  }

  /** Some key occurs more than once (else a key lookup needs no scan past its first position). */
  get hasDuplicateKeys(): bool {
    if (this.indexed < this.values.length) this.updateIndex();
    return this.duplicateKeys;
  }

  private updateIndex(): void {
    let m = this.index;
    if (m == null) { m = new Map(); this.index = m; }
    const n = this.values.length;
    for (let i = this.indexed; i < n; i++) {
      const lower = unchecked(this.lowerKeys[i]);
      if (!m.has(lower)) m.set(lower, i);
      else this.duplicateKeys = true;
    }
    this.indexed = n;
  }

  /** indexOf through a remembered position. */
  cachedIndexOf(lowerKey: string, lookup: KeyLookup): i32 {
    if (lookup.version == this.version && (lookup.index >= 0 || lookup.size == this.values.length)) return lookup.index;
    const i = this.indexOf(lowerKey);
    lookup.version = this.version;
    lookup.index = i;
    lookup.size = this.values.length;
    return i;
  }

  has(lowerKey: string): bool { return this.indexOf(lowerKey) >= 0; }

  /** The first value for a key, or "" when absent. */
  get(lowerKey: string): string {
    const i = this.indexOf(lowerKey);
    return i < 0 ? "" : unchecked(this.values[i]);
  }

  /** Sets the value of the first element with this key, or adds one (TX semantics). */
  set(key: string, value: string): void {
    const lower = asciiLower(key);
    const i = this.indexOf(lower);
    if (i < 0) {
      this.keys.push(key);
      this.lowerKeys.push(lower);
      this.values.push(value);
      return;
    }
    this.values[i] = value;
  }

  remove(lowerKey: string): void {
    if (!this.has(lowerKey)) return;
    for (let i = this.lowerKeys.length - 1; i >= 0; i--) {
      if (this.lowerKeys[i] == lowerKey) {
        this.keys.splice(i, 1);
        this.lowerKeys.splice(i, 1);
        this.values.splice(i, 1);
      }
    }
    this.forgetIndex();
  }

  clear(): void {
    this.version = nextVersion++;
    this.keys = [];
    this.lowerKeys = [];
    this.values = [];
    this.index = null;
    this.indexed = 0;
    this.duplicateKeys = false;
  }

  /** This collection without its elements, keeping the arrays' capacity for reuse. */
  emptied(): Collection {
    if (this.values.length == 0) return this;
    this.keys.length = 0;
    this.lowerKeys.length = 0;
    this.values.length = 0;
    this.forgetIndex();
    return this;
  }

  copyFrom(other: Collection): void {
    for (let i = 0; i < other.keys.length; i++) {
      this.keys.push(other.keys[i]);
      this.lowerKeys.push(other.lowerKeys[i]);
      this.values.push(other.values[i]);
    }
  }

  private forgetIndex(): void {
    this.version = nextVersion++;
    const m = this.index;
    if (m != null && m.size > 0) m.clear();
    this.indexed = 0;
    this.duplicateKeys = false;
  }
}
