// Splits SecLang text into directives: comments and blank lines dropped, `\` line continuations
// joined, arguments split on whitespace with double-quoted arguments (`\"` inside is a quote,
// other backslashes are kept, as Apache's config reader and ModSecurity's scanner do).
import { isSpace, ByteBuilder } from "../engine/bytes";

export class Directive {
  name: string = "";
  args: string[] = [];
  file: string = "";
  line: i32 = 0;

  where(): string {
    return this.file + ":" + this.line.toString();
  }
}

export class LexResult {
  directives: Directive[] = [];
  error: string = "";
}

export function lexDirectives(text: string, file: string): LexResult {
  const result = new LexResult();
  const len = text.length;
  let pos = 0;
  let lineNo = 1;
  while (pos < len) {
    // Gather one logical line (joining continuations) starting at pos.
    const startLine = lineNo;
    let logical = "";
    let joined: ByteBuilder | null = null;
    while (pos < len) {
      let end = text.indexOf("\n", pos);
      if (end < 0) end = len;
      let lineEnd = end;
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) == 13) lineEnd--;
      const from = pos;
      pos = end + 1;
      lineNo++;
      if (lineEnd > from && text.charCodeAt(lineEnd - 1) == 92) {
        if (joined == null) joined = new ByteBuilder(256);
        joined!.appendRange(text, from, lineEnd - 1);
        continue;
      }
      if (joined == null) logical = text.substring(from, lineEnd);
      else { joined!.appendRange(text, from, lineEnd); logical = joined!.toString(); }
      break;
    }
    if (joined != null && logical.length == 0) logical = joined!.toString();
    let i = 0;
    while (i < logical.length && isSpace(logical.charCodeAt(i))) i++;
    if (i >= logical.length || logical.charCodeAt(i) == 35) continue; // blank or # comment
    const d = new Directive();
    d.file = file;
    d.line = startLine;
    const words = splitWords(logical, i, file, startLine, result);
    if (result.error.length > 0) return result;
    if (words.length == 0) continue;
    d.name = words[0];
    d.args = words.slice(1);
    result.directives.push(d);
  }
  return result;
}

function splitWords(s: string, start: i32, file: string, line: i32, result: LexResult): string[] {
  const words: string[] = [];
  let i = start;
  const len = s.length;
  while (i < len) {
    while (i < len && isSpace(s.charCodeAt(i))) i++;
    if (i >= len) break;
    if (s.charCodeAt(i) == 34) {
      i++;
      // Built up only when the argument has \" escapes (CRS's long patterns have hundreds: appending
      // to a string would copy the argument once per escape).
      let escaped: ByteBuilder | null = null;
      let from = i;
      let closed = false;
      while (i < len) {
        const c = s.charCodeAt(i);
        if (c == 92 && i + 1 < len && s.charCodeAt(i + 1) == 34) {
          if (escaped == null) escaped = new ByteBuilder(i - from + 64);
          escaped!.appendRange(s, from, i);
          escaped!.push(34);
          i += 2;
          from = i;
          continue;
        }
        if (c == 34) { closed = true; break; }
        i++;
      }
      if (!closed) {
        result.error = file + ":" + line.toString() + ": unterminated double-quoted argument";
        return words;
      }
      if (escaped == null) words.push(s.substring(from, i));
      else { escaped!.appendRange(s, from, i); words.push(escaped!.toString()); }
      i++;
    } else {
      const from = i;
      while (i < len && !isSpace(s.charCodeAt(i))) i++;
      words.push(s.substring(from, i));
    }
  }
  return words;
}
