// Seeded random patterns over the syntax RE2 and JavaScript share, with inputs over a small
// alphabet so that matches are frequent. Patterns record whether a capture sits inside a
// repetition: JavaScript resets such captures on every iteration while RE2/PCRE keep the last
// value, so for those only the overall match is compared.

import { seededRandom } from "../../support/random.ts";

export class Rng {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = seededRandom(seed);
  }
  next(): number {
    return this.random();
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }
}

export interface GeneratedPattern {
  source: string;
  /** A capture group inside a repetition (compare overall match only). */
  captureInRepeat: boolean;
  /** An empty-matchable body inside a repetition (JavaScript's empty-iteration check may differ). */
  emptyLoop: boolean;
}

const ATOMS = ["a", "b", "c", "A", "1", " ", "-", "_", ".", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "[ab]", "[^a]", "[a-c]", "[^b-c1]", "[\\d_]", "[-a]", "\\.", "\\-", "\\n", "[[:alpha:]]", "\\x41"];
const ASSERTS = ["^", "$", "\\b", "\\B"];
const QUANTS = ["*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "*?", "+?", "??", "{1,2}?"];

export function generatePattern(rng: Rng, depth = 0): GeneratedPattern {
  const state = { captureInRepeat: false, emptyLoop: false };
  const source = alternation(rng, depth, state, false);
  return { source, ...state };
}

interface State { captureInRepeat: boolean; emptyLoop: boolean }

function alternation(rng: Rng, depth: number, st: State, inRepeat: boolean): string {
  const n = rng.next() < 0.25 && depth < 3 ? 2 + rng.int(2) : 1;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(concat(rng, depth, st, inRepeat));
  return parts.join("|");
}

function concat(rng: Rng, depth: number, st: State, inRepeat: boolean): string {
  const n = 1 + rng.int(4);
  let out = "";
  for (let i = 0; i < n; i++) out += piece(rng, depth, st, inRepeat);
  return out;
}

function piece(rng: Rng, depth: number, st: State, inRepeat: boolean): string {
  const r = rng.next();
  if (r < 0.08) return rng.pick(ASSERTS);
  const quantified = rng.next() < 0.35;
  let atom: string;
  let canBeEmpty = false;
  if (r < 0.3 && depth < 3) {
    const capture = rng.next() < 0.5;
    if (capture && (inRepeat || quantified)) st.captureInRepeat = true;
    const inner = alternation(rng, depth + 1, st, inRepeat || quantified);
    canBeEmpty = true; // conservative
    atom = capture ? `(${inner})` : `(?:${inner})`;
  } else {
    atom = rng.pick(ATOMS);
  }
  if (!quantified) return atom;
  if (canBeEmpty) st.emptyLoop = true;
  return atom + rng.pick(QUANTS);
}

const ALPHABET = ["a", "b", "c", "A", "B", "1", "2", " ", "-", "_", ".", "\n", "x"];

export function generateInput(rng: Rng): string {
  const n = rng.int(12);
  let s = "";
  for (let i = 0; i < n; i++) s += rng.pick(ALPHABET);
  return s;
}

const LOOKBEHINDS = ["a", "b", "[ab]", "\\d", "\\w\\w", " ", "[^a]", "ab", "\\s"];
const POSSESSIVE = ["*+", "++", "?+"];
const LEADING_RUNS = ["[ab ]*?", "\\s*", "[^x]*?", ".*?", "a*", "[\\s'\"]*?"];

/**
 * Patterns that need the backtracking fallback (backreferences, lookaround, possessive repeats),
 * in the subset where PCRE and JavaScript agree: captures only at the top level (never repeated
 * or optional, so a backreference always refers to a group that took part), lookbehinds of a
 * fixed length, possessive repeats only in patterns without captures (their JavaScript
 * translation adds groups). Some start with a repeated class (X* / X*?), a shape the search
 * treats specially.
 */
export function generateBacktrackingPattern(rng: Rng): GeneratedPattern {
  const parts: string[] = [];
  if (rng.next() < 0.3) parts.push(rng.pick(LEADING_RUNS));
  const possessiveAllowed = rng.next() < 0.3;
  let groups = 0;
  let pcreOnly = false;
  const n = 1 + rng.int(4);
  for (let i = 0; i < n || !pcreOnly; i++) {
    const r = rng.next();
    if (r < 0.25 && !possessiveAllowed) { parts.push(`(${simplePiece(rng)})`); groups++; }
    else if (r < 0.4 && groups > 0) { parts.push(`\\${1 + rng.int(groups)}`); pcreOnly = true; }
    else if (r < 0.5) { parts.push(`(?=${simplePiece(rng)})`); pcreOnly = true; }
    else if (r < 0.6) { parts.push(`(?!${simplePiece(rng)})`); pcreOnly = true; }
    else if (r < 0.67) { parts.push(`(?<=${rng.pick(LOOKBEHINDS)})`); pcreOnly = true; }
    else if (r < 0.74) { parts.push(`(?<!${rng.pick(LOOKBEHINDS)})`); pcreOnly = true; }
    else if (r < 0.82 && possessiveAllowed) { parts.push(rng.pick(ATOMS) + rng.pick(POSSESSIVE)); pcreOnly = true; }
    else parts.push(simplePiece(rng));
  }
  return { source: parts.join(""), captureInRepeat: false, emptyLoop: false };
}

/** One to three single atoms, each maybe quantified, or a small alternation of them. */
function simplePiece(rng: Rng): string {
  if (rng.next() < 0.2) return `(?:${simpleConcat(rng)}|${simpleConcat(rng)})`;
  return simpleConcat(rng);
}

function simpleConcat(rng: Rng): string {
  let out = "";
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) out += rng.pick(ATOMS) + (rng.next() < 0.35 ? rng.pick(QUANTS) : "");
  return out;
}

/** Inputs over the same alphabet, sometimes long enough to span several search windows. */
export function generateLongerInput(rng: Rng): string {
  const n = rng.next() < 0.3 ? 40 + rng.int(120) : rng.int(16);
  let s = "";
  for (let i = 0; i < n; i++) s += rng.pick(ALPHABET);
  return s;
}
