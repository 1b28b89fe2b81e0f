// One request's data as ModSecurity exposes it: request line parts, collections, body results,
// TX variables and the match state rules read (MATCHED_VAR, captures).
import { Collection } from "./collection";
import { asciiLower, findText } from "./bytes";
import { urlDecodeArg, uriDecode } from "./url";

export class Transaction {
  method: string = "GET";
  /** The request target as received (path and query, maybe a fragment). */
  rawUri: string = "/";
  protocol: string = "HTTP/1.1";
  remoteAddr: string = "127.0.0.1";
  remotePort: string = "0";
  serverAddr: string = "127.0.0.1";
  serverPort: string = "80";
  uniqueId: string = "";

  requestUri: string = "/";
  requestFilename: string = "/";
  requestBasename: string = "";
  queryString: string = "";
  requestLine: string = "";

  headers: Collection;
  cookies: Collection;
  argsGet: Collection;
  argsPost: Collection;
  /** ARGS: GET then POST arguments. */
  args: Collection;
  files: Collection;
  filesNames: Collection;
  filesSizes: Collection;
  multipartPartHeaders: Collection;
  xml: Collection;
  tx: Collection;
  env: Collection;
  responseHeaders: Collection;

  body: string = "";
  /** ctl:forceRequestBodyVariable=On: REQUEST_BODY exists whatever the body processor. */
  forceRequestBodyVariable: bool = false;

  /** REQUEST_BODY exists with the URLENCODED processor or when forced, as in ModSecurity v2. */
  requestBodyVisible(): bool {
    return this.forceRequestBodyVariable || this.bodyProcessor == "URLENCODED";
  }
  bodyProcessor: string = "";
  reqbodyError: bool = false;
  reqbodyErrorMsg: string = "";
  multipartStrictError: bool = false;
  multipartUnmatchedBoundary: bool = false;
  multipartFlags: Collection;
  urlencodedError: bool = false;
  inboundDataError: bool = false;
  responseStatus: string = "";
  responseProtocol: string = "";
  responseBody: string = "";

  /** Match state of the rule being evaluated. */
  matchedVar: string = "";
  matchedVarName: string = "";
  matchedVars: Collection;
  captures: string[] = [];

  highestSeverity: i32 = 255;

  /** A new transaction; given a finished one, it takes over that one's collections (emptied, capacity kept). */
  constructor(recycled: Transaction | null = null) {
    if (recycled == null) {
      this.headers = new Collection();
      this.cookies = new Collection();
      this.argsGet = new Collection();
      this.argsPost = new Collection();
      this.args = new Collection();
      this.files = new Collection();
      this.filesNames = new Collection();
      this.filesSizes = new Collection();
      this.multipartPartHeaders = new Collection();
      this.xml = new Collection();
      this.tx = new Collection();
      this.env = new Collection();
      this.responseHeaders = new Collection();
      this.multipartFlags = new Collection();
      this.matchedVars = new Collection();
    } else {
      this.headers = recycled.headers.emptied();
      this.cookies = recycled.cookies.emptied();
      this.argsGet = recycled.argsGet.emptied();
      this.argsPost = recycled.argsPost.emptied();
      this.args = recycled.args.emptied();
      this.files = recycled.files.emptied();
      this.filesNames = recycled.filesNames.emptied();
      this.filesSizes = recycled.filesSizes.emptied();
      this.multipartPartHeaders = recycled.multipartPartHeaders.emptied();
      this.xml = recycled.xml.emptied();
      this.tx = recycled.tx.emptied();
      this.env = recycled.env.emptied();
      this.responseHeaders = recycled.responseHeaders.emptied();
      this.multipartFlags = recycled.multipartFlags.emptied();
      this.matchedVars = new Collection(); // the evaluation reuses its own MATCHED_VARS buffers
    }
  }

  setRequestLine(method: string, uri: string, protocol: string): void {
    this.method = method;
    this.rawUri = uri;
    this.protocol = protocol;
    this.requestLine = method + " " + uri + " " + protocol;
    let withoutFragment = uri;
    const hash = findText(uri, "#");
    if (hash >= 0) withoutFragment = uri.substring(0, hash);
    const q = findText(withoutFragment, "?");
    this.queryString = q < 0 ? "" : withoutFragment.substring(q + 1);
    this.requestUri = uriDecode(withoutFragment);
    const path = q < 0 ? withoutFragment : withoutFragment.substring(0, q);
    this.requestFilename = uriDecode(path);
    const slash = this.requestFilename.lastIndexOf("/");
    this.requestBasename = slash < 0 ? this.requestFilename : this.requestFilename.substring(slash + 1);
    parseArguments(this.queryString, this.argsGet, this);
    this.args.copyFrom(this.argsGet);
  }

  addHeader(name: string, value: string): void {
    this.headers.add(name, value);
    if (asciiLower(name) == "cookie") parseCookies(value, this.cookies);
  }

  header(lowerName: string): string {
    return this.headers.get(lowerName);
  }

  argsCombinedSize(): i32 {
    let n = 0;
    for (let i = 0; i < this.args.size; i++) n += this.args.keys[i].length + this.args.values[i].length;
    return n;
  }
}

/** `a=1&b=2`: names and values URL-decoded ('+' is a space), as ModSecurity splits arguments. */
export function parseArguments(text: string, into: Collection, tx: Transaction): void {
  if (text.length == 0) return;
  let start = 0;
  while (start <= text.length) {
    let end = findText(text, "&", start);
    if (end < 0) end = text.length;
    if (end > start) {
      const part = text.substring(start, end);
      const eq = findText(part, "=");
      const name = eq < 0 ? part : part.substring(0, eq);
      const value = eq < 0 ? "" : part.substring(eq + 1);
      if (!validUrlEncoding(name) || !validUrlEncoding(value)) tx.urlencodedError = true;
      into.add(urlDecodeArg(name), urlDecodeArg(value));
    }
    start = end + 1;
  }
}

function validUrlEncoding(s: string): bool {
  let i = findText(s, "%");
  while (i >= 0) {
    if (i + 2 >= s.length) return false;
    const a = s.charCodeAt(i + 1) | 32, b = s.charCodeAt(i + 2) | 32;
    const okA = (a >= 48 && a <= 57) || (a >= 97 && a <= 102);
    const okB = (b >= 48 && b <= 57) || (b >= 97 && b <= 102);
    if (!okA || !okB) return false;
    i = findText(s, "%", i + 3);
  }
  return true;
}

/** Cookie header: `a=1; b=2` (values are not decoded, as ModSecurity's default cookie format). */
export function parseCookies(header: string, into: Collection): void {
  const parts = header.split(";");
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i];
    let a = 0;
    while (a < p.length && p.charCodeAt(a) == 32) a++;
    p = p.substring(a);
    if (p.length == 0) continue;
    const eq = findText(p, "=");
    if (eq < 0) into.add(p, "");
    else into.add(p.substring(0, eq), p.substring(eq + 1));
  }
}
