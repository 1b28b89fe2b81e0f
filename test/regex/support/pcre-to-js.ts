// Translates a PCRE pattern (as CRS writes them) into a JavaScript RegExp usable as a test oracle
// on ASCII inputs. JavaScript (Node 20) lacks inline flag groups, possessive quantifiers, \A, \z
// and POSIX classes, so:
//   - (?i) / (?s) covering the whole pattern become RegExp flags;
//   - scoped (?i:...) is expanded: letters become [xX], classes gain the other case;
//   - X*+ / X++ / X?+ / X{n,m}+ become (?=(?<pN>X*))\k<pN> (JavaScript's way to say atomic);
//   - \A -> ^, \z -> $ (no m flag is ever used), [:alpha:] -> a-zA-Z.
// `exact` is false when the translation changed group numbering (only test() and the overall
// match may then be compared).

export interface JsOracle {
  regex: RegExp;
  /** Capture groups are numbered as in the original pattern. */
  sameGroups: boolean;
}

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7f", blank: "\\t ", cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9", graph: "!-~", lower: "a-z", print: " -~", punct: "!-\\/:-@\\[-`{-~", space: "\\t-\\r ",
  upper: "A-Z", word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f",
};

export function pcreToJs(pattern: string, extraFlags = ""): JsOracle {
  let flags = extraFlags;
  let body = pattern;
  // Whole-pattern flags.
  let m = /^(\^?)\(\?([is]+)\)/.exec(body);
  if (m) {
    body = m[1] + body.slice(m[0].length);
    for (const f of m[2]) if (!flags.includes(f)) flags += f;
  } else if (body.startsWith("(?i:") && closingParen(body, 0) === body.length - 1) {
    body = body.slice(4, -1);
    if (!flags.includes("i")) flags += "i";
  }
  const t = new Translator(body, flags.includes("i"), flags.includes("s"));
  const source = t.run();
  return { regex: new RegExp(source, flags), sameGroups: !t.addedGroups };
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") { i++; continue; }
    if (inClass) { if (c === "]") inClass = false; continue; }
    if (c === "[") { inClass = true; if (s[i + 1] === "^") i++; if (s[i + 1] === "]") i++; continue; }
    if (c === "(") depth++;
    else if (c === ")") { depth--; if (depth === 0) return i; }
  }
  return -1;
}

class Translator {
  addedGroups = false;
  private out = "";
  private i = 0;
  private possessiveCount = 0;
  /** Stack of case-insensitivity per open group; top applies. */
  private ci: boolean[];
  /** Start offsets (in out) of the atoms, for wrapping possessive repeats. */
  private lastAtomStart = -1;
  private groupStarts: number[] = [];

  constructor(private readonly src: string, globalCi: boolean, private readonly dotAll: boolean) {
    this.ci = [globalCi];
  }

  private get caseless(): boolean { return this.ci[this.ci.length - 1]; }

  run(): string {
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === "\\") { this.escape(); continue; }
      if (c === "[") { this.lastAtomStart = this.out.length; this.klass(); continue; }
      if (c === "(") { this.open(); continue; }
      if (c === ")") {
        this.ci.pop();
        this.out += ")";
        this.lastAtomStart = this.groupStarts.pop() ?? 0;
        this.i++;
        continue;
      }
      if (c === "." && !this.dotAll) {
        // PCRE's . excludes only \n; JavaScript's also excludes \r, \u2028 and \u2029.
        this.lastAtomStart = this.out.length;
        this.out += "[^\\n]";
        this.i++;
        continue;
      }
      if (c === "*" || c === "+" || c === "?" || (c === "{" && /^\{\d+(,\d*)?\}/.test(s.slice(this.i)))) { this.quantifier(); continue; }
      this.lastAtomStart = this.out.length;
      this.out += this.caseless && /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
      this.i++;
    }
    return this.out;
  }

  private escape(): void {
    const s = this.src;
    const d = s[this.i + 1];
    this.lastAtomStart = this.out.length;
    if (d === "A") { this.out += "^"; this.i += 2; return; }
    if (d === "z") { this.out += "$"; this.i += 2; return; }
    if (d === "x" && s[this.i + 2] === "{") {
      const close = s.indexOf("}", this.i);
      this.out += "\\u{" + s.slice(this.i + 3, close) + "}";
      this.i = close + 1;
      return;
    }
    const len = escapeLength(s, this.i);
    this.out += s.slice(this.i, this.i + len);
    this.i += len;
  }

  private open(): void {
    const s = this.src;
    this.groupStarts.push(this.out.length);
    const flagGroup = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(s.slice(this.i));
    if (flagGroup && (flagGroup[1].length > 0 || (flagGroup[2] ?? "").length > 0)) {
      let ci = this.caseless;
      if (flagGroup[1].includes("i")) ci = true;
      if ((flagGroup[2] ?? "").includes("i")) ci = false;
      this.ci.push(ci);
      this.out += "(?:";
      this.i += flagGroup[0].length;
      return;
    }
    this.ci.push(this.caseless);
    const prefix = /^\(\?(?:[:=!]|<[=!]|P?<[A-Za-z_]\w*>)/.exec(s.slice(this.i));
    if (prefix) {
      this.out += prefix[0].replace("(?P<", "(?<");
      this.i += prefix[0].length;
    } else {
      this.out += "(";
      this.i++;
    }
  }

  private quantifier(): void {
    const s = this.src;
    const m = /^(?:[*+?]|\{\d+(?:,\d*)?\})/.exec(s.slice(this.i))!;
    let q = m[0];
    this.i += q.length;
    if (s[this.i] === "?") { q += "?"; this.i++; }
    else if (s[this.i] === "+") {
      // Possessive: JavaScript's atomic idiom.
      this.i++;
      const atom = this.out.slice(this.lastAtomStart);
      const name = `possessive${this.possessiveCount++}`;
      this.out = this.out.slice(0, this.lastAtomStart) + `(?=(?<${name}>${atom}${q}))\\k<${name}>`;
      this.addedGroups = true;
      return;
    }
    this.out += q;
  }

  private klass(): void {
    const s = this.src;
    let i = this.i + 1;
    let out = "[";
    if (s[i] === "^") { out += "^"; i++; }
    const extra: string[] = [];
    let first = true;
    while (i < s.length && (s[i] !== "]" || first)) {
      first = false;
      if (s[i] === "[" && s[i + 1] === ":") {
        const close = s.indexOf(":]", i);
        const name = s.slice(i + 2, close);
        out += POSIX[name] ?? "";
        i = close + 2;
        continue;
      }
      let item: string;
      if (s[i] === "\\") { const n = escapeLength(s, i); item = s.slice(i, i + n); i += n; }
      else { item = s[i]; i++; }
      if (s[i] === "-" && s[i + 1] !== "]" && i + 1 < s.length) {
        let hi: string;
        if (s[i + 1] === "\\") { const n = escapeLength(s, i + 1); hi = s.slice(i + 1, i + 1 + n); i += 1 + n; }
        else { hi = s[i + 1]; i += 2; }
        out += item === "]" ? "\\]" : item;
        out += "-" + hi;
        if (this.caseless && /^[a-zA-Z]$/.test(item) && /^[a-zA-Z]$/.test(hi)) extra.push(swapCase(item) + "-" + swapCase(hi));
        continue;
      }
      out += item === "]" ? "\\]" : item === "[" ? "\\[" : item;
      if (this.caseless && /^[a-zA-Z]$/.test(item)) extra.push(swapCase(item));
    }
    this.out += out + extra.join("") + "]";
    this.i = i + 1;
  }
}

function swapCase(c: string): string {
  return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
}

/** Length of the escape starting at s[i] == "\\": \xHH, \x{...}, \0oo, \cX or a backslash plus one character. */
function escapeLength(s: string, i: number): number {
  const d = s[i + 1];
  if (d === "x") {
    if (s[i + 2] === "{") return s.indexOf("}", i) - i + 1;
    let n = 2;
    while (n < 4 && /[0-9a-fA-F]/.test(s[i + n] ?? "")) n++;
    return n;
  }
  if (d === "0") {
    let n = 2;
    while (n < 4 && /[0-7]/.test(s[i + n] ?? "")) n++;
    return n;
  }
  if (d === "c") return 3;
  return 2;
}
