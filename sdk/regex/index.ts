// ProxyScript regular expressions: RE2 syntax compiled at run time, matched in time linear in the
// input (literal prefilter -> lazy DFA -> Pike VM), plus a step-bounded backtracking fallback chosen
// only for the PCRE constructs RE2 lacks (lookaround, backreferences, possessive/atomic groups).
//
//   const r = compileRegex("(?i)user=(?P<name>\\w+)");
//   if (r.regex == null) log(r.error! + " at offset " + r.errorOffset.toString());
//   const m = r.regex!.exec("x USER=bob");   // m.start == 2, m.named("name") == "bob"
//
// Offsets are BYTE offsets into the UTF-8 encoding of the input. Errors are values (AS has no
// exceptions): a bad pattern gives CompileResult.error and errorOffset (byte offset in the pattern).
export { RegexOptions } from "./options";
export { CompileResult, compileRegex } from "./compile-result";
export { Regex } from "./regex";
export { Match } from "./match";
