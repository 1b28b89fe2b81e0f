// Durations written the way Envoy's config and Go write them: "1s", "250ms", "1.5s", "1m30s",
// "100us", "10ns", "2h". Parsed to whole nanoseconds; negative or malformed input is refused.

/** Nanoseconds per unit, or 0 for an unknown unit. */
function unitNanos(unit: string): i64 {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "µs") return 1_000;
  if (unit == "ms") return 1_000_000;
  if (unit == "s") return 1_000_000_000;
  if (unit == "m") return 60_000_000_000;
  if (unit == "h") return 3_600_000_000_000;
  return 0;
}

export class Duration {
  constructor(readonly nanos: i64) {}

  get millis(): i64 {
    return this.nanos / 1_000_000;
  }

  get seconds(): f64 {
    return <f64>this.nanos / 1e9;
  }

  toString(): string {
    if (this.nanos % 1_000_000_000 == 0) return (this.nanos / 1_000_000_000).toString() + "s";
    if (this.nanos % 1_000_000 == 0) return (this.nanos / 1_000_000).toString() + "ms";
    if (this.nanos % 1_000 == 0) return (this.nanos / 1_000).toString() + "us";
    return this.nanos.toString() + "ns";
  }
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** Parses a duration; null when `text` is not one (see the module comment for the forms). */
export function parseDuration(text: string): Duration | null {
  const n = text.length;
  if (n == 0) return null;
  if (text == "0") return new Duration(0);
  let i = 0;
  let total: f64 = 0;
  while (i < n) {
    const numberStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    let hasDigits = i > numberStart;
    if (i < n && text.charCodeAt(i) == 0x2e) {
      i++;
      const fractionStart = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      hasDigits = hasDigits || i > fractionStart;
    }
    if (!hasDigits) return null;
    const amount = parseFloat(text.substring(numberStart, i));
    const unitStart = i;
    while (i < n && !isDigit(text.charCodeAt(i)) && text.charCodeAt(i) != 0x2e) i++;
    const unit = unitNanos(text.substring(unitStart, i));
    if (unit == 0) return null;
    total += amount * <f64>unit;
  }
  if (!isFinite(total) || total > 9.2e18) return null;
  return new Duration(<i64>Math.round(total));
}

/** The message a filter should use for a bad duration field. */
export const DURATION_EXPECTED: string = "expected a duration like \"1s\", \"250ms\" or \"1.5s\"";
