// Compares one response with its expectations; returns every mismatch as a sentence.
import type { Expectation, HeaderExpectations } from "./model.ts";

export interface ObservedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Request headers the echo upstream reported. Both echo servers the project uses reply with JSON:
 * the embedded one as `{headers: {...}}`, the echo container as `{request: {headers: {...}}}`.
 */
export function echoedHeaders(body: string): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(body) as { headers?: Record<string, unknown>; request?: { headers?: Record<string, unknown> } };
    const headers = parsed.headers ?? parsed.request?.headers;
    if (!headers || typeof headers !== "object") return undefined;
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v)]));
  } catch {
    return undefined;
  }
}

function headerMismatches(where: string, headers: Record<string, string>, expected: HeaderExpectations): string[] {
  const out: string[] = [];
  for (const name of expected.present ?? []) if (!(name in headers)) out.push(`${where} header ${name} is missing`);
  for (const name of expected.absent ?? []) if (name in headers) out.push(`${where} header ${name} is present (${JSON.stringify(headers[name])}) but should be absent`);
  for (const [name, value] of Object.entries(expected.equal ?? {})) {
    if (!(name in headers)) out.push(`${where} header ${name} is missing (expected ${JSON.stringify(value)})`);
    else if (headers[name] !== value) out.push(`${where} header ${name} is ${JSON.stringify(headers[name])}, expected ${JSON.stringify(value)}`);
  }
  return out;
}

export function mismatches(response: ObservedResponse, expected: Expectation): string[] {
  const out: string[] = [];
  if (expected.status !== undefined && response.status !== expected.status) out.push(`status is ${response.status}, expected ${expected.status}`);
  if (expected.headers) out.push(...headerMismatches("response", response.headers, expected.headers));
  for (const text of expected.bodyContains ?? []) {
    if (!response.body.includes(text)) out.push(`body does not contain ${JSON.stringify(text)} (body: ${JSON.stringify(response.body.slice(0, 200))})`);
  }
  if (expected.upstreamHeaders) {
    const seen = echoedHeaders(response.body);
    if (!seen) out.push("upstream_headers: the response is not an echo upstream's JSON (route the request to an `echo` cluster)");
    else out.push(...headerMismatches("upstream request", seen, expected.upstreamHeaders));
  }
  return out;
}
