// @detectXSS: looks for HTML that runs script — script-capable tags, event-handler attributes,
// javascript:/vbscript: URLs, CSS expressions — the way libinjection's HTML5 scan flags them, in the
// value as given and as if it continued an attribute value.
import { asciiLower, ByteBuilder, findText } from "./bytes";

const DANGEROUS_TAGS: string[] = [
  "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "link", "meta",
  "base", "form", "isindex", "xss", "import", "vmlframe", "xml", "template", "video", "audio", "source", "img",
  "image", "body", "input", "button", "marquee", "details", "select", "textarea", "keygen", "animate", "set",
];

/** Removes characters browsers ignore inside scheme names (tabs, newlines, NUL) for URL checks. */
function squeeze(s: string): string {
  const out = new ByteBuilder(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 9 || c == 10 || c == 13 || c == 0 || c == 32) continue;
    out.push(c);
  }
  return out.length == s.length ? s : out.toString();
}

function tagNameAt(s: string, i: i32): string {
  let j = i;
  // namespace prefix (x:script) counts as the local name
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 58 || c == 45 || c == 95) j++;
    else break;
  }
  let name = s.substring(i, j);
  const colon = name.lastIndexOf(":");
  if (colon >= 0) name = name.substring(colon + 1);
  return name;
}

function hasEventHandler(s: string): bool {
  // on<letters> followed by optional spaces and '=' where "on" starts an attribute name
  let at = findText(s, "on");
  while (at >= 0) {
    const before = at == 0 ? 32 : s.charCodeAt(at - 1);
    if (before == 32 || before == 9 || before == 10 || before == 13 || before == 47 || before == 34 || before == 39 || before == 12) {
      let j = at + 2;
      while (j < s.length && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
      if (j > at + 3) {
        while (j < s.length && (s.charCodeAt(j) <= 32)) j++;
        if (j < s.length && s.charCodeAt(j) == 61) return true;
      }
    }
    at = findText(s, "on", at + 2);
  }
  return false;
}

export function detectXss(value: string): bool {
  const s = asciiLower(value);
  // The scheme and expression checks need a ':' or '(' (squeezing removes neither): most values have neither.
  const colon = findText(s, ":") >= 0;
  const paren = findText(s, "(") >= 0;
  if (colon || paren) {
    const squeezed = squeeze(s);
    if (colon && (findText(squeezed, "javascript:") >= 0 || findText(squeezed, "vbscript:") >= 0 || findText(squeezed, "livescript:") >= 0)) return true;
    if (paren && findText(squeezed, "expression(") >= 0 && findText(s, "style") >= 0) return true;
  }
  let lt = findText(s, "<");
  while (lt >= 0) {
    let i = lt + 1;
    if (i < s.length && s.charCodeAt(i) == 47) i++;
    if (i < s.length && s.charCodeAt(i) == 33) {
      if (s.startsWith("!entity", i) || s.startsWith("!doctype", i) || s.startsWith("![cdata[", i)) return true;
      lt = findText(s, "<", i);
      continue;
    }
    if (i < s.length && s.charCodeAt(i) == 63) {
      if (s.startsWith("?xml", i) || s.startsWith("?import", i)) return true;
    }
    const name = tagNameAt(s, i);
    if (name.length > 0) {
      if (DANGEROUS_TAGS.includes(name)) {
        if (name != "img" && name != "image" && name != "body" && name != "input" && name != "video" && name != "audio" &&
            name != "source" && name != "select" && name != "textarea" && name != "details" && name != "marquee" && name != "button" && name != "keygen") return true;
      }
      const close = findText(s, ">", i);
      const inside = close < 0 ? s.substring(i) : s.substring(i, close);
      if (hasEventHandler(inside)) return true;
      const sq = squeeze(inside);
      if (findText(sq, "src=data:") >= 0 || findText(sq, "href=data:") >= 0 || findText(sq, "=\"data:") >= 0 || findText(sq, "='data:") >= 0) return true;
      if (findText(sq, "style=") >= 0 && (findText(sq, "expression") >= 0 || findText(sq, "url(") >= 0)) return true;
    }
    lt = findText(s, "<", i);
  }
  // A value that closes an attribute and adds a handler: x" onmouseover="alert(1)
  if ((findText(s, "\"") >= 0 || findText(s, "'") >= 0) && hasEventHandler(s)) return true;
  return false;
}
