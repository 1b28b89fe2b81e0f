// Where tokens are read from: the provider's from_headers / from_params / from_cookies, or
// Envoy's defaults (Authorization: Bearer and ?access_token=).
import { HeaderMap } from "../../sdk/index";
import { Provider } from "./config";

/** A token and where it was found (header name, or "" for query/cookie locations). */
export class FoundToken {
  constructor(readonly token: string, readonly header: string) {}
}

function isTokenChar(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c == 0x2d || c == 0x5f || c == 0x2e || c == 0x3d;
}

/** The token right after `start`: the run of base64url, '.' and '=' characters (as Envoy cuts it). */
function tokenAt(value: string, start: i32): string {
  let end = start;
  while (end < value.length && isTokenChar(value.charCodeAt(end))) end++;
  return value.substring(start, end);
}

function queryParam(path: string, name: string): string | null {
  const q = path.indexOf("?");
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

function addUnique(out: FoundToken[], token: string, header: string): void {
  if (token.length == 0) return;
  for (let i = 0; i < out.length; i++) if (out[i].token == token) return;
  out.push(new FoundToken(token, header));
}

/** Every token present at the provider's locations, without duplicates. */
export function extractTokens(provider: Provider, headers: HeaderMap, path: string, out: FoundToken[]): void {
  for (let i = 0; i < provider.fromHeaders.length; i++) {
    const location = provider.fromHeaders[i];
    const value = headers.get(location.name);
    if (value === null) continue;
    if (location.valuePrefix.length == 0) {
      addUnique(out, tokenAt(value, 0), location.name);
      continue;
    }
    let at = value.indexOf(location.valuePrefix);
    // "Bearer" is matched without regard to case (RFC 6750 §2.1 names the scheme case-insensitively).
    if (at < 0 && location.valuePrefix.toLowerCase() == "bearer ") at = value.toLowerCase().indexOf("bearer ");
    if (at < 0) continue;
    addUnique(out, tokenAt(value, at + location.valuePrefix.length), location.name);
  }
  for (let i = 0; i < provider.fromParams.length; i++) {
    const v = queryParam(path, provider.fromParams[i]);
    if (v !== null) addUnique(out, tokenAt(v, 0), "");
  }
  if (provider.fromCookies.length > 0) {
    const cookies = headers.get("cookie");
    if (cookies !== null) {
      for (let i = 0; i < provider.fromCookies.length; i++) {
        const v = cookieValue(cookies, provider.fromCookies[i]);
        if (v !== null) addUnique(out, tokenAt(v, 0), "");
      }
    }
  }
}
