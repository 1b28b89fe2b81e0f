// Behaviour of sdk/regex (real wasm) on the syntax and API issue 4 lists, with hand-checked
// expectations: errors with offsets, UTF-8, PCRE-only constructs, replace and named groups.
import { beforeAll, describe, expect, it } from "vitest";
import { FLAG_BYTES, FLAG_I, RegexEngine } from "./support/engine.ts";

let e: RegexEngine;
beforeAll(async () => {
  e = await RegexEngine.load();
}, 120_000);

function exec(pattern: string, input: string, flags = 0) {
  return e.exec(e.mustCompile(pattern, flags), input);
}

describe("RE2 syntax", () => {
  it.each([
    ["a.c", "xabcx", [[1, 4]]],
    ["[^a-c]+", "abcdef", [[3, 6]]],
    ["\\d+\\s\\w+", "x 12 ab", [[2, 7]]],
    ["\\D\\S\\W", "1ab ", [[1, 4]]],
    ["[[:digit:][:upper:]]+", "abC9d", [[2, 4]]],
    ["[[:^alpha:]]", "ab1", [[2, 3]]],
    ["^b", "a\nb", null],
    ["(?m)^b$", "a\nb\nc", [[2, 3]]],
    ["\\Aab\\z", "ab", [[0, 2]]],
    ["a\\z", "a\n", null],
    ["\\bfoo\\b", "a foo.", [[2, 5]]],
    ["\\Boo", "foo", [[1, 3]]],
    ["(?:ab|a)(c|bcd)", "abcd", [[0, 3], [2, 3]]],
    ["(?P<year>\\d{4})-(?<month>\\d\\d)", "on 2026-11", [[3, 10], [3, 7], [8, 10]]],
    ["a{2,3}", "aaaa", [[0, 3]]],
    ["a{2,3}?", "aaaa", [[0, 2]]],
    ["a{2,}", "aaaaa", [[0, 5]]],
    ["a+?", "aaa", [[0, 1]]],
    ["a*?b", "aab", [[0, 3]]],
    ["x{,2}", "x{,2}", [[0, 5]]], // not a repetition: literal, as in RE2
    ["(?i)straße", "STRAßE", [[0, 7]]],
    ["(?i:a)b", "Ab AB", [[0, 2]]],
    ["a(?i)b", "aB", [[0, 2]]],
    ["(?s).", "\n", [[0, 1]]],
    [".", "\n", null],
    ["(?U)a+", "aaa", [[0, 1]]],
    ["\\Q.*\\E+", "..**", [[1, 4]]],
    ["\\x41\\x{42}\\101", "ABA", null], // \101 is a backreference in PCRE terms: group 101 does not exist -> compile error tested below
  ] as Array<[string, string, Array<[number, number]> | null]>)("%s on %j", (pattern, input, expected) => {
    if (pattern === "\\x41\\x{42}\\101") {
      expect(e.compile(pattern).ok).toBe(false);
      return;
    }
    expect(exec(pattern, input)).toEqual(expected);
  });

  it("treats multi-byte UTF-8 characters as one character in '.' and classes", () => {
    expect(exec("^.$", "é")).toEqual([[0, 2]]);
    expect(exec("^..$", "é")).toBeNull();
    expect(exec("[^a]", "é")).toEqual([[0, 2]]);
    expect(exec("[à-ÿ]+", "xàéÿ")).toEqual([[1, 7]]);
    expect(exec("😀.", "😀😀")).toEqual([[0, 8]]);
    expect(exec("(?i)Ω", "ω")).toEqual([[0, 2]]);
    // Byte mode: every byte is a character (as ModSecurity runs PCRE).
    expect(exec("^..$", "é", FLAG_BYTES)).toEqual([[0, 2]]);
    expect(exec("\\xc3", "é", FLAG_BYTES)).toEqual([[0, 1]]);
  });
});

describe("errors name the offset and the problem", () => {
  it.each([
    ["a(b", 1, /missing closing \)/],
    ["ab)", 2, /unmatched '\)'/],
    ["[z-a]", 1, /invalid character class range 'z-a'/],
    ["*a", 0, /missing argument to repetition operator '\*'/],
    ["a**", 2, /bad repetition operator/],
    ["a{5,2}", 1, /max is less than min/],
    ["a{1001}", 1, /repeat count too large/],
    ["[abc", 0, /missing closing \] for character class/],
    ["a\\", 1, /trailing backslash/],
    ["\\q", 0, /invalid escape sequence '\\q'/],
    ["(?<n>a)(?<n>b)", 10, /duplicate group name 'n'/],
    ["[[:bogus:]]", 1, /unknown POSIX class name/],
    ["(a)\\2", 3, /backreference to group 2/],
    ["(?<=a+)b", 0, /lookbehind assertion must have a bounded length/],
    ["(?z)", 0, /unknown or unsupported group syntax/],
    ["\\pL", 0, /Unicode property classes/],
  ] as Array<[string, number, RegExp]>)("%s", (pattern, offset, message) => {
    const c = e.compile(pattern);
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.error).toMatch(message);
      expect(c.offset).toBe(offset);
    }
  });
});

describe("PCRE constructs beyond RE2 (backtracking fallback)", () => {
  it.each([
    ["foo(?=bar)", "foobaz foobar", [[7, 10]]],
    ["foo(?!bar)", "foobar foobaz", [[7, 10]]],
    ["(?<!a)b", "ab cb", [[4, 5]]],
    ["(?<=\\$)\\d+", "cost $42", [[6, 8]]],
    ["(\\w+) \\1", "hello hello world", [[0, 11], [0, 5]]],
    ["(?i)(a)\\1", "aA", [[0, 2], [0, 1]]],
    ["a++a", "aaaa", null], // possessive: gives nothing back
    ["a*+b", "aaab", [[0, 4]]],
    ["(?>a|ab)c", "abc", null], // atomic: the first alternative is kept
    ["(?:a|ab)c", "abc", [[0, 3]]],
    ["ab\\Z", "ab\n", [[0, 2]]],
    ["<\\?(?!xml)", "<?xml ?> <?php", [[9, 11]]],
  ] as Array<[string, string, Array<[number, number]> | null]>)("%s on %j", (pattern, input, expected) => {
    expect(exec(pattern, input)).toEqual(expected);
  });

  it("uses the backtracker only when the pattern needs it", () => {
    expect(e.exports.usesBacktracking(e.mustCompile("(a+)+b"))).toBe(0);
    expect(e.exports.usesBacktracking(e.mustCompile("a(?=b)"))).toBe(1);
  });

  it("hand-checked CRS patterns JavaScript cannot express directly", () => {
    // 942130 (SQL tautology): same word on both sides of =, or different words around !=.
    const tautology = String.raw`(?i:[\s'"` + "`" + String.raw`()]*?\b([\d\w]+)\b[\s'"` + "`" + String.raw`()]*?(?:<(?:=(?:[\s'"` + "`" + String.raw`()]*?(?!\b\1\b)[\d\w]+|>[\s'"` + "`" + String.raw`()]*?(?:\b\1\b))|>?[\s'"` + "`" + String.raw`()]*?(?!\b\1\b)[\d\w]+)|(?:not\s+(?:regexp|like)|is\s+not|>=?|!=|\^)[\s'"` + "`" + String.raw`()]*?(?!\b\1\b)[\d\w]+|(?:(?:sounds\s+)?like|r(?:egexp|like)|=)[\s'"` + "`" + String.raw`()]*?(?:\b\1\b)))`;
    const h = e.mustCompile(tautology, FLAG_BYTES);
    expect(e.test(h, "' or 1=1")).toBe(true);
    expect(e.test(h, "x' OR 'a'='a")).toBe(true);
    expect(e.test(h, "1 != 2")).toBe(true);
    expect(e.test(h, "id=42")).toBe(false);
    expect(e.test(h, "a like b")).toBe(false);
    expect(e.test(h, "abc LIKE abc")).toBe(true);
  });
});

describe("API", () => {
  it("exec from an offset, findAll and replace with $1, ${name}, $<name>, $& and $$", () => {
    const h = e.mustCompile("(?P<k>\\w+)=(?P<v>\\w*)");
    expect(e.exec(h, "a=1 b=2", 3)).toEqual([[4, 7], [4, 5], [6, 7]]);
    expect(e.findAll(h, "a=1 b= c=3")).toEqual([[0, 3], [4, 6], [7, 10]]);
    expect(e.replace(h, "a=1 b=2", "${v}:$1")).toBe("1:a 2:b");
    expect(e.replace(h, "a=1 b=2", "$<k>$$", false)).toBe("a$ b=2");
    expect(e.replace(h, "a=1", "[$&]")).toBe("[a=1]");
    expect(e.named(h, "x=yz", "v")).toBe("yz");
    expect(e.groupIndex(h, "v")).toBe(2);
    expect(e.groupIndex(h, "nope")).toBe(-1);
    // Empty matches advance by one character (a whole UTF-8 character), as JavaScript does.
    const empty = e.mustCompile("x*");
    expect(e.replace(empty, "aé", "-")).toBe("-a-é-");
    expect(e.findAll(empty, "é")).toEqual([[0, 0], [2, 2]]);
  });

  it("case-insensitive option and flags", () => {
    expect(e.test(e.mustCompile("select", FLAG_I), "SeLeCt")).toBe(true);
    expect(e.test(e.mustCompile("(?-i:select)", FLAG_I), "SELECT")).toBe(false);
  });
});
