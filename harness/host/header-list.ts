// In-place lookups and removals on a HeaderList (names already lower-case), without the per-call
// closures and splices of find/findIndex/splice: these run on every header read and write.
import type { HeaderList } from "./api.ts";

/** Index of the first entry named `name` at or after `from`, or -1. */
export function indexOfHeader(map: HeaderList, name: string, from: number): number {
  for (let i = from; i < map.length; i++) if (map[i]![0] === name) return i;
  return -1;
}

/** Removes every entry named `name` at or after `from`, keeping the order of the rest. */
export function removeHeader(map: HeaderList, name: string, from: number): void {
  const first = indexOfHeader(map, name, from);
  if (first < 0) return;
  let kept = first;
  for (let i = first + 1; i < map.length; i++) {
    const entry = map[i]!;
    if (entry[0] !== name) map[kept++] = entry;
  }
  map.length = kept;
}

/** Envoy's setCopy/setReference: the first entry named `name` takes `value`, later ones go; absent → appended. */
export function setHeader(map: HeaderList, name: string, value: string): void {
  const first = indexOfHeader(map, name, 0);
  if (first < 0) { map.push([name, value]); return; }
  map[first] = [name, value];
  removeHeader(map, name, first + 1);
}
