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
