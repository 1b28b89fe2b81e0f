// The engine's view of the SDK regex: patterns and subjects are byte strings, matched with byte
// semantics (PCRE without UTF, as ModSecurity runs CRS) and dotAll as ModSecurity compiles @rx.
import { compileRegex, Regex as SdkRegex, RegexOptions } from "../../../sdk/regex/index";
import { stringToBytes } from "./bytes";

export class Regex {
  /** Capture spans of the last successful exec (start, end per group), -1 when absent. */
  lastSpans: StaticArray<i32> = new StaticArray<i32>(0);
  exceededLimit: bool = false;

  constructor(private readonly inner: SdkRegex) {}

  /** Match `subject`; when `wantCaptures` fill lastSpans. */
  exec(subject: string, wantCaptures: bool): bool {
    const bytes = stringToBytes(subject);
    if (!wantCaptures) {
      const ok = this.inner.testBytes(bytes);
      this.exceededLimit = this.inner.lastMatchExceededLimit;
      return ok;
    }
    const m = this.inner.execBytes(bytes);
    this.exceededLimit = this.inner.lastMatchExceededLimit;
    if (m == null) return false;
    this.lastSpans = m.spans;
    return true;
  }
}

export class RegexCompileResult {
  regex: Regex | null = null;
  error: string = "";
}

// CRS repeats selectors such as /__utm/ on a hundred rules: compile each pattern once per VM.
const cache = new Map<string, Regex>();

export function compileByteRegex(pattern: string, caseInsensitive: bool = false): RegexCompileResult {
  const key = (caseInsensitive ? "i:" : "s:") + pattern;
  if (cache.has(key)) {
    const hit = new RegexCompileResult();
    hit.regex = cache.get(key);
    return hit;
  }
  const options = new RegexOptions();
  options.utf8 = false;
  options.dotAll = true;
  options.multiline = true;
  options.caseInsensitive = caseInsensitive;
  const compiled = compileRegex(pattern, options);
  const result = new RegexCompileResult();
  if (compiled.regex == null) {
    result.error = (compiled.error !== null ? compiled.error! : "invalid pattern") + " at offset " + compiled.errorOffset.toString();
    return result;
  }
  const regex = new Regex(compiled.regex!);
  cache.set(key, regex);
  result.regex = regex;
  return result;
}
