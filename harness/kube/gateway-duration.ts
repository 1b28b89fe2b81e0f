// Gateway API durations (GEP-2257): up to four <1-5 digits><h|m|s|ms> parts, e.g. "1m30s", "250ms".
import { UserError } from "../cli/errors.ts";

const UNITS: Array<[string, number]> = [["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]];

export function gatewayDuration(ms: number, what: string): string {
  if (!Number.isInteger(ms) || ms < 0) throw new UserError(`${what}: ${ms} ms is not a whole, non-negative number of milliseconds`);
  if (ms === 0) return "0s";
  let rest = ms;
  let text = "";
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) text += `${count}${unit}`;
  }
  if (!/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(text)) throw new UserError(`${what}: ${ms} ms is longer than a Gateway API duration can express`);
  return text;
}
