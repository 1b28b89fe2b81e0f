// Where tokens are read from: the provider's from_headers / from_params / from_cookies, or
// Envoy's defaults (Authorization: Bearer and ?access_token=).
import { HeaderMap } from "../../sdk/index";
import { Provider } from "./config";
import { indexOfCode, isTokenChar, sliceEquals, tokenLength } from "./text-slice";

/**
 * A token and where it was found (header name, or "" for query/cookie locations). It stays a slice
 * of the text it was found in: a cache hit never copies it, and only needs to scan for its end when
 * the token does not simply run to the end of that text.
 */
export class FoundToken {
  private scannedLength: i32 = -1;
  private text: string | null = null;

  constructor(readonly source: string, readonly start: i32, readonly header: string) {}

  /** Length in code units: the run of token characters from `start`. */
  get length(): i32 {
    if (this.scannedLength < 0) this.scannedLength = tokenLength(this.source, this.start);
    return this.scannedLength;
  }

  get lengthKnown(): bool {
    return this.scannedLength >= 0;
  }

  /** Records the length a cache hit proved (the slice equals a cached token and ends there). */
  knowLength(length: i32): void {
    this.scannedLength = length;
  }

  /** The token as its own string (copied on first use: parsing and caching need it). */
  get token(): string {
    if (this.text === null) this.text = this.source.substring(this.start, this.start + this.length);
    return this.text!;
  }

  sameAs(other: FoundToken): bool {
    const length = this.length;
    return other.length == length && sliceEquals(this.source, this.start, other.source, other.start, length);
  }
}

function queryParam(path: string, name: string): string | null {
  const q = indexOfCode(path, 0x3f /* ? */);
  if (q < 0) return null;
  const hash = path.indexOf("#", q);
  const query = hash < 0 ? path.substring(q + 1) : path.substring(q + 1, hash);
  const pairs = query.split("&");
  for (let i = 0; i < pairs.length; i++) {
    const eq = pairs[i].indexOf("=");
    if (eq < 0) continue;
    if (pairs[i].substring(0, eq) == name) return pairs[i].substring(eq + 1);
  }
  return null;
}

function cookieValue(cookies: string, name: string): string | null {
  const parts = cookies.split(";");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i].trim();
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.substring(0, eq) == name) {
      let v = part.substring(eq + 1);
      if (v.length >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length - 1);
      return v;
    }
  }
  return null;
}

/** Adds the token starting at `start` of `source` (the run of base64url, '.' and '=' characters, as Envoy cuts it). */
function addUnique(out: FoundToken[], source: string, start: i32, header: string): void {
  if (start >= source.length || !isTokenChar(<u32>source.charCodeAt(start))) return;
  const found = new FoundToken(source, start, header);
  for (let i = 0; i < out.length; i++) if (out[i].sameAs(found)) return;
  out.push(found);
}

/** Every token present at the provider's locations, without duplicates. */
export function extractTokens(provider: Provider, headers: HeaderMap, path: string, out: FoundToken[]): void {
  for (let i = 0; i < provider.fromHeaders.length; i++) {
    const location = provider.fromHeaders[i];
    const value = headers.get(location.name);
    if (value === null) continue;
    if (location.valuePrefix.length == 0) {
      addUnique(out, value, 0, location.name);
      continue;
    }
    let at = value.startsWith(location.valuePrefix) ? 0 : value.indexOf(location.valuePrefix);
    // "Bearer" is matched without regard to case (RFC 6750 §2.1 names the scheme case-insensitively).
    if (at < 0 && location.valuePrefix.toLowerCase() == "bearer ") at = value.toLowerCase().indexOf("bearer ");
    if (at < 0) continue;
    addUnique(out, value, at + location.valuePrefix.length, location.name);
  }
  for (let i = 0; i < provider.fromParams.length; i++) {
    const v = queryParam(path, provider.fromParams[i]);
    if (v !== null) addUnique(out, v, 0, "");
  }
  if (provider.fromCookies.length > 0) {
    const cookies = headers.get("cookie");
    if (cookies !== null) {
      for (let i = 0; i < provider.fromCookies.length; i++) {
        const v = cookieValue(cookies, provider.fromCookies[i]);
        if (v !== null) addUnique(out, v, 0, "");
      }
    }
  }
}
