// Options that apply to a whole pattern (inline flags like (?i) can still change them locally).

/** Default budget for the backtracking fallback, like ModSecurity's SecPcreMatchLimit default. */
export const DEFAULT_STEP_LIMIT: i32 = 1000000;

export class RegexOptions {
  /** (?i): ASCII, Latin-1, Greek and Cyrillic letters match either case. */
  caseInsensitive: bool = false;
  /** (?s): `.` also matches `\n`. */
  dotAll: bool = false;
  /** (?m): `^` and `$` also match after / before `\n`. */
  multiline: bool = false;
  /**
   * true (default): the input is UTF-8; `.` and negated classes consume one whole UTF-8 character.
   * false: byte semantics (like PCRE without UTF, as ModSecurity runs it): every byte is one
   * character, pattern code points 0x80..0xFF stand for those bytes.
   */
  utf8: bool = true;
  /** Budget of steps for the backtracking fallback per search; exceeding it reports no match and sets Regex.lastMatchExceededLimit. */
  stepLimit: i32 = DEFAULT_STEP_LIMIT;
}
