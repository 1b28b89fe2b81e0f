// Request body processors: urlencoded, multipart/form-data, JSON and XML fill ARGS_POST, FILES and
// XML the way ModSecurity's processors do; failures set REQBODY_ERROR instead of failing the request.
import { Transaction, parseArguments } from "./transaction";
import { asciiLower, isSpace, ByteBuilder, findText } from "./bytes";
import { Collection } from "./collection";

/**
 * The body processor the Content-Type asks for, known before phase 1 as in ModSecurity (with the
 * recommended configuration's XML and JSON rules): URLENCODED, MULTIPART, JSON, XML or "".
 */
export function bodyProcessorFor(tx: Transaction): string {
  const contentType = asciiLower(tx.header("content-type"));
  if (contentType.startsWith("application/x-www-form-urlencoded")) return "URLENCODED";
  if (contentType.startsWith("multipart/form-data") || contentType.startsWith("multipart/related")) return "MULTIPART";
  if (findText(contentType, "json") >= 0) return "JSON";
  if (findText(contentType, "xml") >= 0) return "XML";
  return "";
}

export function processRequestBody(tx: Transaction): void {
  const processor = tx.bodyProcessor;
  if (tx.body.length == 0) return;
  if (processor == "URLENCODED") {
    parseArguments(tx.body, tx.argsPost, tx);
  } else if (processor == "MULTIPART") {
    parseMultipart(tx, tx.header("content-type"));
  } else if (processor == "JSON") {
    const parser = new JsonFlattener(tx.body, tx.argsPost);
    const err = parser.run();
    if (err.length > 0) { tx.reqbodyError = true; tx.reqbodyErrorMsg = "JSON parsing error: " + err; }
  } else if (processor == "XML") {
    parseXml(tx);
  }
  tx.args.copyFrom(tx.argsPost);
}

// ---------------------------------------------------------------- multipart

function boundaryOf(contentType: string, tx: Transaction): string {
  const lower = asciiLower(contentType);
  const at = findText(lower, "boundary");
  if (at < 0) return "";
  let i = at + 8;
  while (i < contentType.length && isSpace(contentType.charCodeAt(i))) { i++; tx.multipartFlags.set("boundary_whitespace", "1"); }
  if (i >= contentType.length || contentType.charCodeAt(i) != 61) return "";
  i++;
  while (i < contentType.length && isSpace(contentType.charCodeAt(i))) { i++; tx.multipartFlags.set("boundary_whitespace", "1"); }
  let end = i;
  if (i < contentType.length && contentType.charCodeAt(i) == 34) {
    tx.multipartFlags.set("boundary_quoted", "1");
    i++;
    end = findText(contentType, "\"", i);
    if (end < 0) end = contentType.length;
  } else {
    while (end < contentType.length && contentType.charCodeAt(end) != 59 && contentType.charCodeAt(end) != 44 && !isSpace(contentType.charCodeAt(end))) end++;
  }
  return contentType.substring(i, end);
}

/** Value of `key=` in a Content-Disposition header (quoted or token). */
function dispositionParam(header: string, key: string, tx: Transaction): string | null {
  const lower = asciiLower(header);
  let from = 0;
  while (true) {
    const at = findText(lower, key + "=", from);
    if (at < 0) return null;
    // must be a whole parameter name: preceded by ';' or whitespace
    if (at > 0) {
      const prev = lower.charCodeAt(at - 1);
      if (prev != 59 && !isSpace(prev)) { from = at + 1; continue; }
    }
    let i = at + key.length + 1;
    if (i < header.length && header.charCodeAt(i) == 34) {
      i++;
      const out = new ByteBuilder(32);
      while (i < header.length && header.charCodeAt(i) != 34) {
        if (header.charCodeAt(i) == 92 && i + 1 < header.length) { i++; tx.multipartFlags.set("invalid_quoting", "1"); }
        out.push(header.charCodeAt(i));
        i++;
      }
      return out.toString();
    }
    let end = i;
    while (end < header.length && header.charCodeAt(end) != 59) end++;
    const v = header.substring(i, end).trim();
    if (findText(v, "'") >= 0) tx.multipartFlags.set("invalid_quoting", "1");
    return v;
  }
}

function parseMultipart(tx: Transaction, contentType: string): void {
  const boundary = boundaryOf(contentType, tx);
  if (boundary.length == 0) { tx.reqbodyError = true; tx.reqbodyErrorMsg = "Multipart: boundary not found in Content-Type"; tx.multipartStrictError = true; return; }
  const body = tx.body;
  const delimiter = "--" + boundary;
  let pos = findText(body, delimiter);
  if (pos < 0) { tx.reqbodyError = true; tx.reqbodyErrorMsg = "Multipart: no boundary in body"; tx.multipartStrictError = true; return; }
  if (pos > 0) tx.multipartFlags.set("data_before", "1");
  let sawFinal = false;
  while (pos >= 0) {
    let p = pos + delimiter.length;
    if (body.startsWith("--", p)) { sawFinal = true; if (p + 2 < body.length && body.substring(p + 2).trim().length > 0) tx.multipartFlags.set("data_after", "1"); break; }
    // end of the delimiter line
    if (body.startsWith("\r\n", p)) p += 2;
    else if (body.startsWith("\n", p)) { p += 1; tx.multipartFlags.set("lf_line", "1"); }
    const next = findText(body, delimiter, p);
    if (next < 0) { tx.multipartUnmatchedBoundary = true; break; }
    let partEnd = next;
    if (partEnd >= 2 && body.charCodeAt(partEnd - 1) == 10 && body.charCodeAt(partEnd - 2) == 13) partEnd -= 2;
    else if (partEnd >= 1 && body.charCodeAt(partEnd - 1) == 10) { partEnd -= 1; tx.multipartFlags.set("lf_line", "1"); }
    parsePart(tx, body.substring(p, partEnd));
    pos = next;
  }
  if (!sawFinal) { tx.multipartUnmatchedBoundary = true; }
  if (tx.multipartFlags.size > 0 || tx.multipartUnmatchedBoundary) tx.multipartStrictError = true;
}

function parsePart(tx: Transaction, part: string): void {
  let headerEnd = findText(part, "\r\n\r\n");
  let sep = 4;
  const lfEnd = findText(part, "\n\n");
  if (headerEnd < 0 || (lfEnd >= 0 && lfEnd < headerEnd)) { headerEnd = lfEnd; sep = 2; }
  if (headerEnd < 0) { tx.multipartFlags.set("invalid_part", "1"); return; }
  const headerText = part.substring(0, headerEnd);
  const content = part.substring(headerEnd + sep);
  const lines = headerText.split("\n");
  let disposition = "";
  const headerLines: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\r")) line = line.substring(0, line.length - 1);
    if (line.length == 0) continue;
    if (isSpace(line.charCodeAt(0))) { tx.multipartFlags.set("header_folding", "1"); continue; }
    const colon = findText(line, ":");
    if (colon < 0) { tx.multipartFlags.set("invalid_part", "1"); continue; }
    const name = line.substring(0, colon).trim();
    const value = line.substring(colon + 1).trim();
    if (asciiLower(name) == "content-disposition") disposition = value;
    headerLines.push(line);
  }
  if (disposition.length == 0) { tx.multipartFlags.set("invalid_part", "1"); return; }
  if (!asciiLower(disposition).startsWith("form-data")) tx.multipartFlags.set("invalid_part", "1");
  const name = dispositionParam(disposition, "name", tx);
  const filename = dispositionParam(disposition, "filename", tx);
  const fieldName = name == null ? "" : name!;
  for (let i = 0; i < headerLines.length; i++) tx.multipartPartHeaders.add(fieldName, headerLines[i]);
  if (filename != null) {
    tx.files.add(fieldName, filename!);
    tx.filesNames.add(fieldName, fieldName);
    tx.filesSizes.add(fieldName, content.length.toString());
  } else {
    tx.argsPost.add(fieldName, content);
  }
}

// ---------------------------------------------------------------- JSON

/** Flattens JSON into arguments named json.a.b (arrays by index), as ModSecurity's JSON processor. */
class JsonFlattener {
  pos: i32 = 0;
  depth: i32 = 0;

  constructor(private text: string, private into: Collection) {}

  run(): string {
    this.skipWs();
    const err = this.value("json");
    if (err.length > 0) return err;
    this.skipWs();
    if (this.pos < this.text.length) return "unexpected data at offset " + this.pos.toString();
    return "";
  }

  private skipWs(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private value(prefix: string): string {
    if (++this.depth > 256) return "nesting deeper than 256";
    const t = this.text;
    if (this.pos >= t.length) return "unexpected end of input";
    const c = t.charCodeAt(this.pos);
    let err = "";
    if (c == 123) {
      this.pos++;
      this.skipWs();
      if (this.pos < t.length && t.charCodeAt(this.pos) == 125) { this.pos++; }
      else while (true) {
        this.skipWs();
        if (this.pos >= t.length || t.charCodeAt(this.pos) != 34) { err = "expected a key at offset " + this.pos.toString(); break; }
        const key = this.str();
        if (key == null) { err = "bad string at offset " + this.pos.toString(); break; }
        this.skipWs();
        if (this.pos >= t.length || t.charCodeAt(this.pos) != 58) { err = "expected ':' at offset " + this.pos.toString(); break; }
        this.pos++;
        this.skipWs();
        err = this.value(prefix + "." + key!);
        if (err.length > 0) break;
        this.skipWs();
        if (this.pos < t.length && t.charCodeAt(this.pos) == 44) { this.pos++; continue; }
        if (this.pos < t.length && t.charCodeAt(this.pos) == 125) { this.pos++; break; }
        err = "expected ',' or '}' at offset " + this.pos.toString();
        break;
      }
    } else if (c == 91) {
      this.pos++;
      this.skipWs();
      let index = 0;
      if (this.pos < t.length && t.charCodeAt(this.pos) == 93) { this.pos++; }
      else while (true) {
        this.skipWs();
        err = this.value(prefix + "." + index.toString());
        if (err.length > 0) break;
        index++;
        this.skipWs();
        if (this.pos < t.length && t.charCodeAt(this.pos) == 44) { this.pos++; continue; }
        if (this.pos < t.length && t.charCodeAt(this.pos) == 93) { this.pos++; break; }
        err = "expected ',' or ']' at offset " + this.pos.toString();
        break;
      }
    } else if (c == 34) {
      const s = this.str();
      if (s == null) err = "bad string at offset " + this.pos.toString();
      else this.into.add(prefix, s!);
    } else {
      const from = this.pos;
      while (this.pos < t.length) {
        const d = t.charCodeAt(this.pos);
        if (d == 44 || d == 125 || d == 93 || isSpace(d)) break;
        this.pos++;
      }
      const literal = t.substring(from, this.pos);
      if (literal == "true" || literal == "false" || literal == "null" || isNumber(literal)) this.into.add(prefix, literal);
      else err = "unexpected '" + literal + "' at offset " + from.toString();
    }
    this.depth--;
    return err;
  }

  /** A JSON string at pos; escapes decoded to UTF-8 bytes. */
  private str(): string | null {
    const t = this.text;
    this.pos++;
    const out = new ByteBuilder(16);
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 34) { this.pos++; return out.toString(); }
      if (c == 92) {
        if (this.pos + 1 >= t.length) return null;
        const e = t.charCodeAt(this.pos + 1);
        this.pos += 2;
        if (e == 110) out.push(10); else if (e == 116) out.push(9); else if (e == 114) out.push(13);
        else if (e == 98) out.push(8); else if (e == 102) out.push(12);
        else if (e == 117) {
          if (this.pos + 4 > t.length) return null;
          const code = I32.parseInt(t.substring(this.pos, this.pos + 4), 16);
          this.pos += 4;
          pushUtf8(out, code);
        } else out.push(e);
        continue;
      }
      out.push(c);
      this.pos++;
    }
    return null;
  }
}

function isNumber(s: string): bool {
  if (s.length == 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69)) return false;
  }
  return true;
}

function pushUtf8(out: ByteBuilder, code: i32): void {
  if (code < 0x80) out.push(code);
  else if (code < 0x800) { out.push(0xc0 | (code >> 6)); out.push(0x80 | (code & 63)); }
  else { out.push(0xe0 | (code >> 12)); out.push(0x80 | ((code >> 6) & 63)); out.push(0x80 | (code & 63)); }
}

// ---------------------------------------------------------------- XML

/** XML:/* is the document's text content; XML://@* its attribute values. */
function parseXml(tx: Transaction): void {
  const t = tx.body;
  const text = new ByteBuilder(t.length);
  let i = 0;
  let depth = 0;
  let sawRoot = false;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c != 60) { if (depth > 0) text.push(c); i++; continue; }
    const end = findText(t, ">", i);
    if (end < 0) { tx.reqbodyError = true; tx.reqbodyErrorMsg = "XML parsing error: unterminated tag"; break; }
    const tag = t.substring(i + 1, end);
    if (tag.startsWith("!--") || tag.startsWith("?") || tag.startsWith("!")) {
      if (tag.startsWith("![CDATA[")) {
        const close = findText(t, "]]>", i);
        if (close >= 0) { text.append(t.substring(i + 9, close)); i = close + 3; continue; }
      }
      i = end + 1;
      continue;
    }
    if (tag.startsWith("/")) depth--;
    else {
      sawRoot = true;
      if (!tag.endsWith("/")) depth++;
      collectAttributes(tag, tx.xml);
    }
    i = end + 1;
  }
  if (!sawRoot) { tx.reqbodyError = true; tx.reqbodyErrorMsg = "XML parsing error: no root element"; }
  tx.xml.add("/*", text.toString());
}

function collectAttributes(tag: string, into: Collection): void {
  let i = 0;
  while (i < tag.length) {
    const eq = findText(tag, "=", i);
    if (eq < 0) return;
    let j = eq + 1;
    if (j >= tag.length) return;
    const q = tag.charCodeAt(j);
    if (q != 34 && q != 39) { i = j; continue; }
    const close = findText(tag, String.fromCharCode(q), j + 1);
    if (close < 0) return;
    into.add("//@*", tag.substring(j + 1, close));
    i = close + 1;
  }
}
