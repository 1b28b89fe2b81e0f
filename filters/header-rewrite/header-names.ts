// What a header name or literal value in the config may be. Names follow RFC 9110's `token`
// grammar and are stored lower-case (Envoy's header maps are lower-case). Pseudo-headers and
// `host` are not modifiable: Envoy's own header mutation rules refuse them too.

/** Why `name` is not a usable header name, or "" when it is. */
export function headerNameProblem(name: string): string {
  if (name.length == 0) return "a header name must not be empty";
  if (name.charCodeAt(0) == 0x3a) return "pseudo-header \"" + name + "\" cannot be modified";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isTokenChar(c)) {
      return "invalid character " + describeChar(c) + " at offset " + i.toString() + " in header name \"" + name + "\"";
    }
  }
  if (name.toLowerCase() == "host") return "header \"host\" cannot be modified (it is the request's :authority)";
  return "";
}

/** Why a header value is unusable (CR, LF or NUL inside), or "" when it is fine. */
export function headerValueProblem(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c == 0x0d || c == 0x0a || c == 0x00) {
      return "header value contains " + describeChar(c) + " at offset " + i.toString();
    }
  }
  return "";
}

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
function isTokenChar(c: i32): bool {
  if (c >= 0x30 && c <= 0x39) return true;
  if (c >= 0x41 && c <= 0x5a) return true;
  if (c >= 0x61 && c <= 0x7a) return true;
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
    case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
      return true;
  }
  return false;
}

function describeChar(c: i32): string {
  if (c == 0x0d) return "CR";
  if (c == 0x0a) return "LF";
  if (c == 0x00) return "NUL";
  if (c < 0x20 || c == 0x7f) return "control character 0x" + c.toString(16);
  return "'" + String.fromCharCode(c) + "'";
}
