// URL decoding as ModSecurity applies it to the request line and to arguments.
import { ByteBuilder, findText } from "./bytes";

@inline function hexValue(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function decode(s: string, plusIsSpace: bool): string {
  if (findText(s, "%") < 0 && (!plusIsSpace || findText(s, "+") < 0)) return s;
  const out = new ByteBuilder(s.length);
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c == 37 && i + 2 < s.length) {
      const h = hexValue(s.charCodeAt(i + 1)), l = hexValue(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) { out.push((h << 4) | l); i += 3; continue; }
    }
    out.push(plusIsSpace && c == 43 ? 32 : c);
    i++;
  }
  return out.toString();
}

/** Arguments: %XX and '+'. */
export function urlDecodeArg(s: string): string { return decode(s, true); }

/** The request URI (REQUEST_URI, REQUEST_FILENAME): %XX only. */
export function uriDecode(s: string): string { return decode(s, false); }
