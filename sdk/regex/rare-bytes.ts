// Which byte of a literal to look for first: the one least likely in HTTP traffic (URLs, headers,
// form fields, prose). Scanning for a rare byte, 8 bytes per step, and checking the literal only
// where it occurs beats a skip-table search when literals are short or contain such a byte.
import { Literals } from "./literals";

/** Lower is rarer; a rough ranking, good enough to avoid letters, digits and URL punctuation. */
export function byteRarity(b: i32): i32 {
  if (b < 0x20 || b >= 0x7f) return 1;
  if (b == 0x20) return 10;
  if (b >= 0x30 && b <= 0x39) return 6;
  const lower = b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
  if (lower >= 0x61 && lower <= 0x7a) {
    // e t a o i n s r h l d c u: the most frequent letters of English and of identifiers.
    if (lower == 0x65 || lower == 0x74 || lower == 0x61 || lower == 0x6f || lower == 0x69 || lower == 0x6e || lower == 0x73 ||
        lower == 0x72 || lower == 0x68 || lower == 0x6c || lower == 0x64 || lower == 0x63 || lower == 0x75) return 9;
    return 7;
  }
  // URL and header punctuation.
  if (b == 0x2f || b == 0x2e || b == 0x2d || b == 0x5f || b == 0x3d || b == 0x26 || b == 0x2c || b == 0x3a || b == 0x3b || b == 0x3f || b == 0x25) return 6;
  return 2;
}

/** Up to three bytes to scan for; literal i is checked where needleOffset[i] holds needleByte[i]. */
export class RareBytes {
  constructor(
    /** The distinct bytes to scan for (both cases of a letter when comparing without case). */
    readonly needles: Array<u8>,
    /** Per literal: the byte chosen (in lower case when comparing without case) and its offset. */
    readonly needleByte: StaticArray<u8>,
    readonly needleOffset: StaticArray<i32>,
  ) {}
}

/** Rarity from which a needle is worth scanning for even when the skip table would work well. */
const RARE_ENOUGH: i32 = 6;
/** At most this many distinct needle bytes (the scan tests each per 8-byte word). */
const MAX_NEEDLES: i32 = 3;

/**
 * The needles for `literals`, or null when a skip-table search is the better choice: more than
 * three distinct bytes needed, or only common bytes while the shortest literal is long (>= 4).
 */
export function chooseRareBytes(literals: Literals): RareBytes | null {
  const list = literals.list;
  const needleByte = new StaticArray<u8>(list.length);
  const needleOffset = new StaticArray<i32>(list.length);
  const needles = new Array<u8>();
  let worst = 0;
  for (let i = 0; i < list.length; i++) {
    const lit = list[i];
    if (lit.length == 0) return null;
    let best = 0;
    for (let k = 1; k < lit.length; k++) if (byteRarity(lit[k]) < byteRarity(lit[best])) best = k;
    const b = lit[best];
    needleByte[i] = b;
    needleOffset[i] = best;
    worst = max(worst, byteRarity(b));
    addNeedle(needles, b);
    if (literals.caseless && b >= 0x61 && b <= 0x7a) addNeedle(needles, <u8>(b - 0x20));
    if (needles.length > MAX_NEEDLES) return null;
  }
  if (worst > RARE_ENOUGH && literals.minLength() >= 4) return null;
  return new RareBytes(needles, needleByte, needleOffset);
}

function addNeedle(needles: Array<u8>, b: u8): void {
  if (!needles.includes(b)) needles.push(b);
}
