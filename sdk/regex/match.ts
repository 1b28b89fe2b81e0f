// One match: byte offsets of the whole match and of every capture group in the input it came from.

export class Match {
  constructor(
    /** The input the offsets refer to (UTF-8). */
    readonly input: Uint8Array,
    /** spans[2*i], spans[2*i+1]: start and end byte of group i (group 0 = whole match); -1 if the group did not take part. */
    readonly spans: StaticArray<i32>,
    private readonly names: Map<string, i32>,
  ) {}

  /** Byte offset where the match starts. */
  get start(): i32 { return unchecked(this.spans[0]); }
  /** Byte offset just past the match. */
  get end(): i32 { return unchecked(this.spans[1]); }
  /** Number of groups, including group 0. */
  get groupCount(): i32 { return this.spans.length >> 1; }

  /** Start byte of group i, -1 if it did not participate or does not exist. */
  groupStart(i: i32): i32 { return i < 0 || i >= this.groupCount ? -1 : unchecked(this.spans[2 * i]); }
  /** End byte of group i, -1 if it did not participate or does not exist. */
  groupEnd(i: i32): i32 { return i < 0 || i >= this.groupCount ? -1 : unchecked(this.spans[2 * i + 1]); }

  /** The text of group i (0 = whole match), null if the group did not participate. */
  group(i: i32): string | null {
    const s = this.groupStart(i);
    if (s < 0) return null;
    return String.UTF8.decodeUnsafe(this.input.dataStart + <usize>s, <usize>(this.groupEnd(i) - s));
  }

  /** The bytes of group i, null if the group did not participate. */
  groupBytes(i: i32): Uint8Array | null {
    const s = this.groupStart(i);
    if (s < 0) return null;
    return this.input.slice(s, this.groupEnd(i));
  }

  /** Index of a named group, -1 if no group has that name. */
  groupIndex(name: string): i32 { return this.names.has(name) ? this.names.get(name) : -1; }

  /** The text of the named group, null if it did not participate or does not exist. */
  named(name: string): string | null {
    const i = this.groupIndex(name);
    return i < 0 ? null : this.group(i);
  }
}
