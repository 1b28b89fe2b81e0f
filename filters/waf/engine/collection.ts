// An ordered multimap of byte strings with case-insensitive keys: ARGS, REQUEST_HEADERS, TX, ...
// Lookups by key go through a hash index of each key's first position (TX holds ~100 variables
// that rules read constantly).
import { asciiLower } from "./bytes";

export class Collection {
  keys: string[] = [];
  lowerKeys: string[] = [];
  values: string[] = [];
  /** Created on first use: a request builds ~20 collections, most stay empty. */
  private index: Map<string, i32> | null = null;

  private get firstIndex(): Map<string, i32> {
    let m = this.index;
    if (m == null) { m = new Map(); this.index = m; }
    return m!;
  }

  get size(): i32 { return this.values.length; }

  add(key: string, value: string): void {
    const lower = asciiLower(key);
    if (!this.firstIndex.has(lower)) this.firstIndex.set(lower, this.keys.length);
    this.keys.push(key);
    this.lowerKeys.push(lower);
    this.values.push(value);
  }

  /** Index of the first element whose key equals `lowerKey` (already lower-cased), -1 if none. */
  indexOf(lowerKey: string): i32 {
    const m = this.index;
    if (m == null) return -1;
    return m.has(lowerKey) ? m.get(lowerKey) : -1;
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
    if (i < 0) { this.add(key, value); return; }
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
    this.reindex();
  }

  clear(): void {
    this.keys = [];
    this.lowerKeys = [];
    this.values = [];
    this.index = null;
  }

  copyFrom(other: Collection): void {
    for (let i = 0; i < other.keys.length; i++) {
      const lower = other.lowerKeys[i];
      if (!this.firstIndex.has(lower)) this.firstIndex.set(lower, this.keys.length);
      this.keys.push(other.keys[i]);
      this.lowerKeys.push(lower);
      this.values.push(other.values[i]);
    }
  }

  private reindex(): void {
    this.index = null;
    for (let i = 0; i < this.lowerKeys.length; i++) {
      if (!this.firstIndex.has(this.lowerKeys[i])) this.firstIndex.set(this.lowerKeys[i], i);
    }
  }
}
