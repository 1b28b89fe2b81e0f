// A set of small integers with O(1) insert, membership and clear, iterated in insertion order
// (the Pike VM's thread priority order). Allocated once per compiled pattern.

export class SparseSet {
  dense: StaticArray<i32>;
  sparse: StaticArray<i32>;
  size: i32 = 0;

  constructor(capacity: i32) {
    this.dense = new StaticArray<i32>(capacity);
    this.sparse = new StaticArray<i32>(capacity);
  }

  @inline has(v: i32): bool {
    const i = unchecked(this.sparse[v]);
    return i < this.size && unchecked(this.dense[i]) == v;
  }

  @inline add(v: i32): void {
    unchecked((this.sparse[v] = this.size));
    unchecked((this.dense[this.size] = v));
    this.size++;
  }

  @inline clear(): void { this.size = 0; }
}
