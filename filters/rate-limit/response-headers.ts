// Headers that tell a client about its quota: Retry-After on rejections, and per
// `response_headers` the IETF draft's RateLimit-* fields or Envoy's x-ratelimit-* ones.
import { HeaderPair } from "../../sdk/index";
import { HeaderStyle } from "./config";

/** What the deciding limit said about this request, for the response headers. */
export class Quota {
  constructor(public limit: u32, public remaining: u32, public resetNanos: i64) {}
}

/** Whole seconds until `nanos` from now, rounded up (0 when already due). */
export function secondsUntil(nanos: i64): i64 {
  return nanos <= 0 ? 0 : (nanos + 999_999_999) / 1_000_000_000;
}

export function quotaHeaders(style: HeaderStyle, quota: Quota, into: HeaderPair[]): void {
  if (style == HeaderStyle.None) return;
  const prefix = style == HeaderStyle.Ietf ? "ratelimit-" : "x-ratelimit-";
  into.push(new HeaderPair(prefix + "limit", quota.limit.toString()));
  into.push(new HeaderPair(prefix + "remaining", quota.remaining.toString()));
  into.push(new HeaderPair(prefix + "reset", secondsUntil(quota.resetNanos).toString()));
}

/** Headers of a rejection: Retry-After (at least 1 second) plus the quota headers. */
export function rejectionHeaders(style: HeaderStyle, quota: Quota | null): HeaderPair[] {
  const headers = new Array<HeaderPair>();
  let retry: i64 = 1;
  if (quota !== null) {
    const seconds = secondsUntil(quota.resetNanos);
    if (seconds > retry) retry = seconds;
  }
  headers.push(new HeaderPair("retry-after", retry.toString()));
  if (quota !== null) quotaHeaders(style, quota, headers);
  return headers;
}
