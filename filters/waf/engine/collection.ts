// An ordered multimap of byte strings with case-insensitive keys: ARGS, REQUEST_HEADERS, TX, ...
import { asciiLower } from "./bytes";

export class Collection {
  keys: string[] = [];
  lowerKeys: string[] = [];
  values: string[] = [];

  get size(): i32 { return this.keys.length; }

  add(key: string, value: string): void {
    this.keys.push(key);
    this.lowerKeys.push(asciiLower(key));
    this.values.push(value);
  }

  /** Index of the first element whose key equals `lowerKey` (already lower-cased), -1 if none. */
  indexOf(lowerKey: string): i32 {
    for (let i = 0; i < this.lowerKeys.length; i++) if (this.lowerKeys[i] == lowerKey) return i;
    return -1;
  }

  has(lowerKey: string): bool { return this.indexOf(lowerKey) >= 0; }

  /** The first value for a key, or "" when absent. */
  get(lowerKey: string): string {
    const i = this.indexOf(lowerKey);
    return i < 0 ? "" : this.values[i];
  }

  /** Replaces every element with this key by one (TX semantics). */
  set(key: string, value: string): void {
    const lower = asciiLower(key);
    const i = this.indexOf(lower);
    if (i < 0) { this.keys.push(key); this.lowerKeys.push(lower); this.values.push(value); return; }
    this.values[i] = value;
  }

  remove(lowerKey: string): void {
    for (let i = this.lowerKeys.length - 1; i >= 0; i--) {
      if (this.lowerKeys[i] == lowerKey) {
        this.keys.splice(i, 1);
        this.lowerKeys.splice(i, 1);
        this.values.splice(i, 1);
      }
    }
  }

  clear(): void {
    this.keys = [];
    this.lowerKeys = [];
    this.values = [];
  }

  copyFrom(other: Collection): void {
    for (let i = 0; i < other.keys.length; i++) {
      this.keys.push(other.keys[i]);
      this.lowerKeys.push(other.lowerKeys[i]);
      this.values.push(other.values[i]);
    }
  }
}
