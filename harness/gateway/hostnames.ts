// Which routes a request's Host may use, as Envoy decides it from the virtual hosts that
// harness/envoy/bootstrap.ts generates: the port is ignored, an exact hostname beats a "*."
// wildcard, the longest wildcard wins, and a host that matches no declared hostname may only use
// the routes that name none. The embedded proxy can select routes through this to agree with Envoy.
import type { Route } from "./model.ts";

/** The host part of a Host / :authority value, lower-cased, without the port. */
export function hostWithoutPort(authority: string): string {
  const host = authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.replace(/:\d*$/, "");
  return host.toLowerCase();
}

function wildcardMatches(pattern: string, host: string): boolean {
  // "*.example.org" matches any host ending in ".example.org" (Envoy: non-empty prefix).
  return pattern.startsWith("*.") && host.length > pattern.length - 1 && host.endsWith(pattern.slice(1));
}

/** The declared hostname whose virtual host serves `authority`, or undefined for the catch-all. */
export function matchingHostname(hostnames: readonly string[], authority: string): string | undefined {
  const host = hostWithoutPort(authority);
  const exact = hostnames.find((h) => h.toLowerCase() === host);
  if (exact !== undefined) return exact;
  const wildcards = hostnames.filter((h) => wildcardMatches(h.toLowerCase(), host)).sort((a, b) => b.length - a.length);
  return wildcards[0];
}

/** The routes, in order, that a request with this Host / :authority may match. */
export function routesForHost(routes: readonly Route[], authority: string): Route[] {
  const declared = [...new Set(routes.flatMap((r) => r.hostnames))];
  const hostname = matchingHostname(declared, authority);
  return routes.filter((r) => r.hostnames.length === 0 || (hostname !== undefined && r.hostnames.includes(hostname)));
}
