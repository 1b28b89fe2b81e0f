// @detectSQLi: a small SQL tokenizer plus patterns of injected SQL, tried as if the value were
// inserted bare, after a single quote and after a double quote (as libinjection does). Returns a
// short fingerprint of the tokens when the value looks like SQL, "" otherwise.
import { asciiLower, findText } from "./bytes";

const KEYWORDS: string[] = [
  "select", "union", "insert", "update", "delete", "drop", "alter", "create", "truncate", "exec", "execute",
  "declare", "waitfor", "delay", "shutdown", "from", "where", "having", "order", "group", "into", "values",
  "table", "database", "like", "rlike", "regexp", "between", "is", "not", "null", "case", "when", "then",
  "else", "end", "limit", "offset", "procedure", "load_file", "outfile", "dumpfile", "sounds", "xor", "div",
];

const FUNCTIONS: string[] = [
  "sleep", "benchmark", "char", "chr", "concat", "concat_ws", "version", "database", "user", "ascii", "substring",
  "substr", "mid", "if", "ifnull", "count", "cast", "convert", "hex", "unhex", "load_file", "pg_sleep", "md5",
  "group_concat", "extractvalue", "updatexml", "name_const", "exp", "floor", "rand", "length", "sys_eval",
  "xp_cmdshell", "current_user", "system_user", "session_user", "lower", "upper", "ord", "schema", "row_count",
];

// Token kinds.
const T_STRING: i32 = 115;   // s
const T_NUMBER: i32 = 49;    // 1
const T_WORD: i32 = 110;     // n (bare word)
const T_KEYWORD: i32 = 107;  // k
const T_FUNCTION: i32 = 102; // f
const T_LOGIC: i32 = 38;     // & (and/or/&&/||/xor)
const T_OPERATOR: i32 = 111; // o (= < > etc.)
const T_OPEN: i32 = 40;      // (
const T_CLOSE: i32 = 41;     // )
const T_COMMA: i32 = 44;     // ,
const T_SEMI: i32 = 59;      // ;
const T_COMMENT: i32 = 99;   // c
const T_UNION: i32 = 85;     // U
const T_VARIABLE: i32 = 118; // v (@x, @@version)
const T_OTHER: i32 = 58;     // : \ { } and other punctuation that joins nothing in SQL

/**
 * One tokenization, reused by every call: token kinds and where each token's text is. Words are
 * classified in place (no substring per word) and their lower-case text made only when a pattern
 * asks for it: most values are plain words, numbers and punctuation.
 */
class Tokens {
  source: string = "";
  kinds: i32[] = [];
  starts: i32[] = [];
  ends: i32[] = [];

  reset(source: string): void {
    this.source = source;
    this.kinds.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
  }

  push(kind: i32, start: i32, end: i32): void {
    this.kinds.push(kind);
    this.starts.push(start);
    this.ends.push(end);
  }

  /** Token i's text in lower case ("" for tokens without text). */
  word(i: i32): string {
    if (i >= this.kinds.length) return "";
    return asciiLower(this.source.substring(unchecked(this.starts[i]), unchecked(this.ends[i])));
  }
}

const bareTokens = new Tokens();
const quotedTokens = new Tokens();

/**
 * Keywords and functions by first letter and length, for classifying a word without copying it:
 * the words in one array ordered by bucket, and where each bucket starts (two blocks in all).
 */
class WordTable {
  private words: string[] = [];
  /** Bucket b holds words[starts[b], starts[b + 1]). */
  private starts: StaticArray<i32> = new StaticArray<i32>(26 * 16 + 1);

  constructor(list: string[]) {
    for (let b = 0; b < 26 * 16; b++) {
      unchecked(this.starts[b] = this.words.length);
      for (let i = 0; i < list.length; i++) if (bucketOf(list[i]) == b) this.words.push(list[i]);
    }
    unchecked(this.starts[26 * 16] = this.words.length);
  }

  /** Is s[from, to), lower-cased, one of the words? */
  has(s: string, from: i32, to: i32): bool {
    const len = to - from;
    if (len >= 16) return false;
    const first = lower(s.charCodeAt(from));
    if (first < 97 || first > 122) return false;
    const b = (first - 97) * 16 + len;
    const end = unchecked(this.starts[b + 1]);
    for (let w = unchecked(this.starts[b]); w < end; w++) {
      const word = unchecked(this.words[w]);
      let same = true;
      for (let k = 1; k < len; k++) {
        if (lower(s.charCodeAt(from + k)) != word.charCodeAt(k)) { same = false; break; }
      }
      if (same) return true;
    }
    return false;
  }
}

function bucketOf(word: string): i32 {
  return (word.charCodeAt(0) - 97) * 16 + word.length;
}

@inline function lower(c: i32): i32 { return c >= 65 && c <= 90 ? c + 32 : c; }

const KEYWORD_TABLE = new WordTable(KEYWORDS);
const FUNCTION_TABLE = new WordTable(FUNCTIONS);
const LOGIC_TABLE = new WordTable(["and", "or", "xor", "div"]);
const UNION_TABLE = new WordTable(["union"]);

function isWordChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c == 46 || c == 36 || c > 127;
}

function tokenize(s: string, startQuote: i32, out: Tokens): Tokens {
  out.reset(s);
  const len = s.length;
  let i = 0;
  if (startQuote != 0) {
    // The value continues a string the application opened: the first token is that string's end.
    let close = 0;
    while (close < len && s.charCodeAt(close) != startQuote) close++;
    out.push(T_STRING, 0, 0);
    if (close >= len) return out;
    i = close + 1;
  }
  while (i < len && out.kinds.length < 24) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c == 160) { i++; continue; }
    if (c == 39 || c == 34 || c == 96) {
      let j = i + 1;
      while (j < len && s.charCodeAt(j) != c) { if (s.charCodeAt(j) == 92) j++; j++; }
      out.push(T_STRING, i, i);
      i = j + 1;
      continue;
    }
    if (c == 45 && i + 1 < len && s.charCodeAt(i + 1) == 45) { out.push(T_COMMENT, i, i); break; }
    if (c == 35) { out.push(T_COMMENT, i, i); break; }
    if (c == 47 && i + 1 < len && s.charCodeAt(i + 1) == 42) {
      // MySQL's /*! ... */ executes its content: keep tokenizing inside it.
      if (i + 2 < len && s.charCodeAt(i + 2) == 33) { i += 3; continue; }
      const end = findText(s, "*/", i + 2);
      out.push(T_COMMENT, i, i);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    if (c == 40) { out.push(T_OPEN, i, i); i++; continue; }
    if (c == 41) { out.push(T_CLOSE, i, i); i++; continue; }
    if (c == 44) { out.push(T_COMMA, i, i); i++; continue; }
    if (c == 59) { out.push(T_SEMI, i, i); i++; continue; }
    if (c == 64) {
      let j = i + 1;
      while (j < len && (isWordChar(s.charCodeAt(j)) || s.charCodeAt(j) == 64)) j++;
      out.push(T_VARIABLE, i, j);
      i = j;
      continue;
    }
    if ((c == 124 && i + 1 < len && s.charCodeAt(i + 1) == 124) || (c == 38 && i + 1 < len && s.charCodeAt(i + 1) == 38)) {
      out.push(T_LOGIC, i, i); i += 2; continue;
    }
    if (c == 58 || c == 92 || c == 123 || c == 125 || c == 91 || c == 93) {
      out.push(T_OTHER, i, i); i++; continue;
    }
    if (c == 61 || c == 60 || c == 62 || c == 33 || c == 43 || c == 45 || c == 42 || c == 47 || c == 37 || c == 124 || c == 38 || c == 94 || c == 126) {
      let j = i + 1;
      while (j < len && j < i + 3) {
        const d = s.charCodeAt(j);
        if (d == 61 || d == 60 || d == 62) j++; else break;
      }
      out.push(T_OPERATOR, i, j);
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i;
      while (j < len && (isWordChar(s.charCodeAt(j)))) j++;
      out.push(T_NUMBER, i, i);
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (j < len && isWordChar(s.charCodeAt(j))) j++;
      let k = j;
      while (k < len && (s.charCodeAt(k) <= 32)) k++;
      const call = k < len && s.charCodeAt(k) == 40;
      let kind = T_WORD;
      if (LOGIC_TABLE.has(s, i, j)) kind = T_LOGIC;
      else if (UNION_TABLE.has(s, i, j)) kind = T_UNION;
      else if (call && FUNCTION_TABLE.has(s, i, j)) kind = T_FUNCTION;
      else if (KEYWORD_TABLE.has(s, i, j)) kind = T_KEYWORD;
      out.push(kind, i, j);
      i = j;
      continue;
    }
    out.push(T_OPERATOR, i, i + 1);
    i++;
  }
  return out;
}

function isValue(k: i32): bool { return k == T_STRING || k == T_NUMBER || k == T_WORD || k == T_VARIABLE || k == T_CLOSE; }

function looksInjected(t: Tokens, quoted: bool): bool {
  const k = t.kinds;
  const n = k.length;
  for (let i = 0; i < n; i++) {
    const a = k[i];
    const b = i + 1 < n ? k[i + 1] : 0;
    const c = i + 2 < n ? k[i + 2] : 0;
    const d = i + 3 < n ? k[i + 3] : 0;
    // value LOGIC value [op value]: 1 or 1=1, ' or 'a'='a, x' and 526=527
    if (isValue(a) && b == T_LOGIC && (c == T_NUMBER || c == T_STRING || c == T_FUNCTION || c == T_VARIABLE || (c == T_OPEN && i + 3 < n) || (c == T_WORD && (d == T_OPERATOR || d == T_COMMENT)))) {
      if (quoted || a != T_WORD || d == T_OPERATOR || c == T_FUNCTION) return true;
    }
    // value op value LOGIC / comment after a string break: '=' or ''=', 1'--
    if (quoted && i == 0 && a == T_STRING) {
      if (b == T_COMMENT || b == T_UNION) return true;
      if (b == T_LOGIC && (c == T_NUMBER || c == T_STRING || c == T_WORD || c == T_FUNCTION || c == T_VARIABLE || c == T_OPEN)) return true;
      if ((b == T_SEMI || b == T_CLOSE) && (c == T_KEYWORD || c == T_FUNCTION || c == T_LOGIC || c == T_UNION || c == T_COMMENT || (b == T_CLOSE && c == T_SEMI))) return true;
      if (b == T_OPERATOR && (c == T_STRING || c == T_NUMBER || c == T_FUNCTION)) return true;
    }
    if (a == T_UNION && (b == T_KEYWORD || b == T_OPEN) ) return true;
    if (a == T_SEMI && (b == T_KEYWORD || b == T_FUNCTION) && i + 2 < n) return true;
    if (a == T_FUNCTION && b == T_OPEN && (quoted || i == 0 || (i > 0 && k[i - 1] != T_WORD))) {
      const w = t.word(i);
      if (w == "sleep" || w == "benchmark" || w == "pg_sleep" || w == "waitfor" || w == "load_file" || w == "extractvalue" || w == "updatexml" || w == "char" || w == "concat" || w == "version" || w == "xp_cmdshell" || w == "sys_eval" || i == 0 || quoted) return true;
    }
    if (a == T_KEYWORD) {
      const w = t.word(i);
      if (w == "select" && (b == T_NUMBER || b == T_WORD || b == T_FUNCTION || b == T_VARIABLE || b == T_OPERATOR || b == T_STRING) && i + 3 < n && (i == 0 || (quoted && i <= 2))) return true;
      if (w == "waitfor" && b == T_KEYWORD) return true;
      if ((w == "drop" || w == "truncate" || w == "alter") && b == T_KEYWORD && t.word(i + 1) == "table") return true;
      if (w == "insert" && b == T_KEYWORD && t.word(i + 1) == "into") return true;
      if (w == "delete" && b == T_KEYWORD && t.word(i + 1) == "from") return true;
      if (w == "order" && b == T_WORD && t.word(i + 1) == "by" && c == T_NUMBER && (quoted || i > 0)) return true;
      if (w == "having" && isValue(b) && c == T_OPERATOR) return true;
      if (w == "exec" && (b == T_WORD || b == T_FUNCTION) && (t.word(i + 1).startsWith("xp_") || t.word(i + 1).startsWith("sp_"))) return true;
      if (w == "shutdown" && (i > 0 && k[i - 1] == T_SEMI)) return true;
    }
    if (quoted && a == T_CLOSE && (b == T_LOGIC || b == T_UNION || b == T_SEMI || b == T_COMMENT || b == T_KEYWORD || b == T_CLOSE)) return true;
    if (a == T_VARIABLE && isSystemVariable(t, i)) return true;
    if (a == T_NUMBER && i == 0 && b == T_LOGIC && c == T_NUMBER) return true;
  }
  return false;
}

/** `@@` followed by a letter (@@version, @@DATADIR). */
function isSystemVariable(t: Tokens, i: i32): bool {
  const s = t.source;
  const at = unchecked(t.starts[i]);
  if (unchecked(t.ends[i]) - at <= 2 || s.charCodeAt(at + 1) != 64) return false;
  const c = lower(s.charCodeAt(at + 2));
  return c >= 97 && c <= 122;
}

function fingerprint(t: Tokens): string {
  let s = "";
  for (let i = 0; i < t.kinds.length && i < 5; i++) s += String.fromCharCode(t.kinds[i]);
  return s;
}

export function detectSqli(value: string): string {
  if (value.length == 0) return "";
  const bare = tokenize(value, 0, bareTokens);
  if (looksInjected(bare, false)) return fingerprint(bare);
  if (findText(value, "'") >= 0) {
    const single = tokenize(value, 39, quotedTokens);
    if (looksInjected(single, true)) return fingerprint(single);
  }
  if (findText(value, "\"") >= 0) {
    const dbl = tokenize(value, 34, quotedTokens);
    if (looksInjected(dbl, true)) return fingerprint(dbl);
  }
  return "";
}
