// Expands a replacement template for one match: $1 / $12, ${1}, ${name}, $<name>, $& (whole
// match) and $$ (a dollar). References to groups that did not take part expand to nothing; a '$'
// that starts no reference is copied as is (as JavaScript does).
import { Match } from "./match";

export function expandReplacement(template: string, m: Match, out: Array<u8>): void {
  const n = template.length;
  let i = 0;
  while (i < n) {
    const c = template.charCodeAt(i);
    if (c != 0x24 || i + 1 >= n) { i = appendChar(template, i, out); continue; }
    const d = template.charCodeAt(i + 1);
    if (d == 0x24) { out.push(0x24); i += 2; continue; }
    if (d == 0x26) { appendGroup(m, 0, out); i += 2; continue; }
    if (d >= 0x30 && d <= 0x39) {
      // One or two digits: take two only if that group exists (JavaScript's rule).
      let group = d - 0x30;
      let used = 2;
      if (i + 2 < n) {
        const e = template.charCodeAt(i + 2);
        if (e >= 0x30 && e <= 0x39 && group * 10 + (e - 0x30) < m.groupCount) { group = group * 10 + (e - 0x30); used = 3; }
      }
      appendGroup(m, group, out);
      i += used;
      continue;
    }
    if (d == 0x7b || d == 0x3c) {
      const close = template.indexOf(d == 0x7b ? "}" : ">", i + 2);
      if (close > 0) {
        const name = template.slice(i + 2, close);
        let group = -1;
        if (name.length > 0 && isDigits(name)) group = I32.parseInt(name);
        else group = m.groupIndex(name);
        if (group >= 0) appendGroup(m, group, out);
        i = close + 1;
        continue;
      }
    }
    out.push(0x24);
    i++;
  }
}

function appendGroup(m: Match, group: i32, out: Array<u8>): void {
  const s = m.groupStart(group);
  if (s < 0) return;
  const e = m.groupEnd(group);
  for (let k = s; k < e; k++) out.push(m.input[k]);
}

/** Appends the UTF-8 bytes of the character at i; returns the next index. */
function appendChar(s: string, i: i32, out: Array<u8>): i32 {
  const c = s.codePointAt(i);
  if (c < 0x80) out.push(<u8>c);
  else if (c < 0x800) { out.push(<u8>(0xc0 | (c >> 6))); out.push(<u8>(0x80 | (c & 0x3f))); }
  else if (c < 0x10000) { out.push(<u8>(0xe0 | (c >> 12))); out.push(<u8>(0x80 | ((c >> 6) & 0x3f))); out.push(<u8>(0x80 | (c & 0x3f))); }
  else { out.push(<u8>(0xf0 | (c >> 18))); out.push(<u8>(0x80 | ((c >> 12) & 0x3f))); out.push(<u8>(0x80 | ((c >> 6) & 0x3f))); out.push(<u8>(0x80 | (c & 0x3f))); }
  return i + (c > 0xffff ? 2 : 1);
}

function isDigits(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x30 || s.charCodeAt(i) > 0x39) return false;
  return true;
}
