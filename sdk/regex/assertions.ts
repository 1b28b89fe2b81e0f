// Zero-width assertions evaluated against the input (Pike VM and backtracker; the DFA encodes
// the same rules in its state flags).
import { AssertKind } from "./ast";
import { isWordByte } from "./charset";

export function assertionHolds(kind: i32, input: usize, len: i32, pos: i32): bool {
  switch (kind) {
    case AssertKind.BeginText: return pos == 0;
    case AssertKind.EndText: return pos == len;
    case AssertKind.BeginLine: return pos == 0 || load<u8>(input + <usize>(pos - 1)) == 0x0a;
    case AssertKind.EndLine: return pos == len || load<u8>(input + <usize>pos) == 0x0a;
    case AssertKind.WordBoundary: return wordBefore(input, pos) != wordAt(input, len, pos);
    case AssertKind.NotWordBoundary: return wordBefore(input, pos) == wordAt(input, len, pos);
    case AssertKind.EndTextOptionalNewline:
      return pos == len || (pos == len - 1 && load<u8>(input + <usize>pos) == 0x0a);
  }
  return false;
}

@inline function wordBefore(input: usize, pos: i32): bool {
  return pos > 0 && isWordByte(load<u8>(input + <usize>(pos - 1)));
}

@inline function wordAt(input: usize, len: i32, pos: i32): bool {
  return pos < len && isWordByte(load<u8>(input + <usize>pos));
}
