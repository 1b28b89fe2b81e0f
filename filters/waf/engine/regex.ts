// The engine's view of the SDK regex: patterns and subjects are byte strings, matched with byte
// semantics (PCRE without UTF, as ModSecurity runs CRS) and dotAll as ModSecurity compiles @rx.
import { compileRegex, Regex as SdkRegex, RegexOptions } from "../../../sdk/regex/index";
import { stringToBytes } from "./bytes";
import { LiteralSelector } from "./literal-selector";

export class Regex {
  /** Capture spans of the last successful exec (start, end per group), -1 when absent. */
  lastSpans: StaticArray<i32> = new StaticArray<i32>(0);
  exceededLimit: bool = false;
  /** As a selector: the pattern as a plain comparison, when it is plain text (engine/literal-selector.ts). */
  literal: LiteralSelector | null = null;

  constructor(private readonly inner: SdkRegex) {}

  /** Match `subject`; when `wantCaptures` fill lastSpans. */
  exec(subject: string, wantCaptures: bool): bool {
    const len = subject.length;
    const ptr = toScratch(subject);
    const ok = this.inner.testPointer(ptr, len);
    this.exceededLimit = this.inner.lastMatchExceededLimit;
    if (!ok || !wantCaptures) return ok;
    // Captures only after a match: most values do not match, and a test allocates nothing.
    const m = this.inner.execBytes(stringToBytes(subject));
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

// Subjects are copied to bytes in one reused buffer: a rule set runs hundreds of regexes per request.
let scratch = new Uint8Array(4096);

function toScratch(s: string): usize {
  const len = s.length;
  if (len > scratch.length) scratch = new Uint8Array(max(len, scratch.length << 1));
  const dst = scratch.dataStart;
  const src = changetype<usize>(s);
  for (let i = 0; i < len; i++) store<u8>(dst + <usize>i, <u8>load<u16>(src + (<usize>i << 1)));
  return dst;
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
