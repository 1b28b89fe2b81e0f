// Regex selectors that are plain text (`/__utm/`, `/^header_name_/`, `/rfi_parameter_.*/`) are
// tested as substring, prefix, suffix or whole-key comparisons of the lower-cased key: CRS runs
// them on every cookie or TX key a rule sees, and a regex call costs far more than a compare.
import { findText } from "./bytes";

export enum LiteralMode { contains, prefix, suffix, exact }

export class LiteralSelector {
  constructor(readonly text: string, readonly mode: LiteralMode) {}

  /**
   * Does the (already lower-cased) key match, as the case-insensitive regex would? Selectors
   * compile multiline, so an anchored one leaves keys holding a newline to the regex (-1).
   */
  picks(lowerKey: string): i32 {
    if (this.mode == LiteralMode.contains) return findText(lowerKey, this.text) >= 0 ? 1 : 0;
    if (findText(lowerKey, "\n") >= 0) return -1;
    switch (this.mode) {
      case LiteralMode.prefix: return lowerKey.startsWith(this.text) ? 1 : 0;
      case LiteralMode.suffix: return lowerKey.endsWith(this.text) ? 1 : 0;
      default: return lowerKey == this.text ? 1 : 0;
    }
  }
}

/**
 * The selector pattern as a literal comparison, or null when it needs the regex. Only ASCII
 * letters, digits, '_' and '-' count as literal characters (so case folding is plain ASCII);
 * a trailing `.*` or `c*` (c literal) constrains nothing in a search and is dropped.
 */
export function literalSelector(pattern: string): LiteralSelector | null {
  let from = 0;
  let to = pattern.length;
  const anchoredStart = to > 0 && pattern.charCodeAt(0) == 94; // ^
  if (anchoredStart) from++;
  let anchoredEnd = false;
  if (to - from >= 2 && pattern.charCodeAt(to - 1) == 42) { // trailing '*'
    const before = pattern.charCodeAt(to - 2);
    if (before == 46 || isLiteralChar(before)) to -= 2; // '.*' or 'c*'
    else return null;
  } else if (to > from && pattern.charCodeAt(to - 1) == 36) { // $
    anchoredEnd = true;
    to--;
  }
  if (to <= from) return null;
  let text = "";
  for (let i = from; i < to; i++) {
    const c = pattern.charCodeAt(i);
    if (!isLiteralChar(c)) return null;
    text += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  const mode = anchoredStart && anchoredEnd ? LiteralMode.exact : anchoredStart ? LiteralMode.prefix : anchoredEnd ? LiteralMode.suffix : LiteralMode.contains;
  return new LiteralSelector(text, mode);
}

@inline function isLiteralChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45;
}
