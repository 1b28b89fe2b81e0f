// compileRegex(): pattern text -> Regex, or an error naming the problem and its offset.
import { RegexOptions } from "./options";
import { Parser } from "./parser";
import { Compiler } from "./compiler";
import { Regex } from "./regex";

export class CompileResult {
  /** The compiled pattern, null on error. */
  regex: Regex | null = null;
  /** What is wrong with the pattern, null on success. */
  error: string | null = null;
  /** Offset of the problem in the pattern string (UTF-16 index), -1 on success. */
  errorOffset: i32 = -1;

  /** "<error> at offset N in /pattern/", for logs. */
  describe(pattern: string): string {
    if (this.error == null) return "ok";
    return this.error! + " at offset " + this.errorOffset.toString() + " in /" + pattern + "/";
  }
}

/** Compiles `pattern`; options default to new RegexOptions(). */
export function compileRegex(pattern: string, options: RegexOptions | null = null): CompileResult {
  const opts = options != null ? options : new RegexOptions();
  const result = new CompileResult();
  const parsed = new Parser(pattern, opts.caseInsensitive, opts.dotAll, opts.multiline, opts.utf8).parse();
  if (parsed.error != null) {
    result.error = parsed.error;
    result.errorOffset = parsed.errorOffset;
    return result;
  }
  const compiled = new Compiler(opts.utf8, parsed.needsBacktracking, parsed.groupCount).compile(parsed.root!);
  if (compiled.error != null) {
    result.error = compiled.error;
    result.errorOffset = compiled.errorOffset;
    return result;
  }
  result.regex = new Regex(pattern, compiled.program!, parsed, opts);
  return result;
}
