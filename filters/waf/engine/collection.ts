// An ordered multimap of byte strings with case-insensitive keys: ARGS, REQUEST_HEADERS, TX, ...
// Lookups by key go through a hash index of each key's first position (TX holds ~100 variables
// that rules read constantly): an open-addressing table of element positions, probed with one
// hash per lookup (a Map<string, i32> hashed twice, for has and get). The index is brought up
// to date on lookup, not on add: most collections (MATCHED_VARS of each matching rule, headers)
// are never looked up by key.
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
  /** The key's hash, computed on first use: a site looks up one key, and TX absences are re-checked after every add. */
  hash: u32 = 0;
  hashKnown: bool = false;
}

/** The table of a collection never looked up by key (most are not): shared, never written. */
const NO_SLOTS = new StaticArray<i32>(0);
const NO_HASHES = new StaticArray<u32>(0);

export class Collection {
  keys: string[] = [];
  lowerKeys: string[] = [];
  values: string[] = [];
  /** Open-addressing table: element position + 1 per slot, 0 for empty; its size a power of two. */
  private slots: StaticArray<i32> = NO_SLOTS;
  /** The hash of the key at each occupied slot. */
  private slotHashes: StaticArray<u32> = NO_HASHES;
  private used: i32 = 0;
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
    return this.find(lowerKey, keyHash(lowerKey));
  }

  private find(lowerKey: string, hash: u32): i32 {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = <i32>hash & mask;
    while (true) {
      const at = unchecked(slots[i]);
      if (at == 0) return -1;
      if (unchecked(this.slotHashes[i]) == hash && unchecked(this.lowerKeys[at - 1]) == lowerKey) return at - 1;
      i = (i + 1) & mask;
    }
  }

  private insert(position: i32, hash: u32): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = <i32>hash & mask;
    while (unchecked(slots[i]) != 0) i = (i + 1) & mask;
    unchecked(slots[i] = position + 1);
    unchecked(this.slotHashes[i] = hash);
    this.used++;
  }

  /** Room for `count` keys at a load of at most one half. */
  private reserve(count: i32): void {
    if (count * 2 <= this.slots.length) return;
    let capacity = max(this.slots.length, 16);
    while (count * 2 > capacity) capacity <<= 1;
    const oldSlots = this.slots, oldHashes = this.slotHashes;
    this.slots = new StaticArray<i32>(capacity);
    this.slotHashes = new StaticArray<u32>(capacity);
    this.used = 0;
    for (let i = 0; i < oldSlots.length; i++) {
      const at = unchecked(oldSlots[i]);
      if (at != 0) this.insert(at - 1, unchecked(oldHashes[i]));
    }
  }

  /** Some key occurs more than once (else a key lookup needs no scan past its first position). */
  get hasDuplicateKeys(): bool {
    if (this.indexed < this.values.length) this.updateIndex();
    return this.duplicateKeys;
  }

  private updateIndex(): void {
    const n = this.values.length;
    this.reserve(this.used + n - this.indexed);
    for (let i = this.indexed; i < n; i++) {
      const lower = unchecked(this.lowerKeys[i]);
      const hash = keyHash(lower);
      if (this.find(lower, hash) < 0) this.insert(i, hash);
      else this.duplicateKeys = true;
    }
    this.indexed = n;
  }

  /** indexOf through a remembered position; a `lookup` must always come with the same key (it keeps its hash). */
  cachedIndexOf(lowerKey: string, lookup: KeyLookup): i32 {
    const n = this.values.length;
    if (lookup.version == this.version && (lookup.index >= 0 || lookup.size == n)) return lookup.index;
    let i = -1;
    if (n > 0) {
      if (this.indexed < n) this.updateIndex();
      if (!lookup.hashKnown) { lookup.hash = keyHash(lowerKey); lookup.hashKnown = true; }
      i = this.find(lowerKey, lookup.hash);
    }
    lookup.version = this.version;
    lookup.index = i;
    lookup.size = n;
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
    this.setLowered(key, asciiLower(key), value);
  }

  /** set() with the key's lower-case form already known. */
  setLowered(key: string, lower: string, value: string): void {
    const i = this.indexOf(lower);
    if (i < 0) {
      this.keys.push(key);
      this.lowerKeys.push(lower);
      this.values.push(value);
      return;
    }
    unchecked(this.values[i] = value);
  }

  /** setLowered() for a lower-case key whose lookup site remembers it (see cachedIndexOf). */
  setCached(lowerKey: string, lookup: KeyLookup, value: string): void {
    const i = this.cachedIndexOf(lowerKey, lookup);
    if (i < 0) this.addLowered(lowerKey, lowerKey, value);
    else unchecked(this.values[i] = value);
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
    this.slots = NO_SLOTS;
    this.slotHashes = NO_HASHES;
    this.used = 0;
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
    if (this.used > 0) {
      const slots = this.slots;
      for (let i = 0; i < slots.length; i++) unchecked(slots[i] = 0);
      this.used = 0;
    }
    this.indexed = 0;
    this.duplicateKeys = false;
  }
}

/** FNV-1a over the key's code units (keys are byte strings: one unit per byte). */
function keyHash(s: string): u32 {
  let h: u32 = 0x811c9dc5;
  const p = changetype<usize>(s);
  const n = <usize>s.length << 1;
  for (let i: usize = 0; i < n; i += 2) h = (h ^ <u32>load<u16>(p + i)) * 0x01000193;
  return h;
}
