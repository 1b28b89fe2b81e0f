// Host-based route selection as Envoy does it with the generated virtual hosts; checked against a
// small model of Envoy's domain matching run over the bootstrap itself, so the two cannot drift.
import { describe, expect, it } from "vitest";
import { envoyBootstrap } from "../../harness/envoy/bootstrap.ts";
import { hostWithoutPort, matchingHostname, parseGateway, routesForHost } from "../../harness/gateway/index.ts";

const gateway = parseGateway(
  `
clusters: [{ name: up, url: "http://127.0.0.1:9000" }]
routes:
  - { name: api, cluster: up, hostnames: [api.example.com], match: { prefix: /v1 } }
  - { name: wild, cluster: up, hostnames: ["*.example.com"] }
  - { name: deep, cluster: up, hostnames: ["*.eu.example.com", "Mixed.Example.NET"] }
  - { name: any, cluster: up, match: { prefix: / } }
`,
  "/tmp",
);

/** Envoy's virtual host choice over generated domains: exact, then longest "*." suffix, then "*". */
function envoyRouteNames(authority: string): string[] {
  const hcm = envoyBootstrap(gateway).static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  const hosts = hcm.route_config.virtual_hosts as unknown as Array<{ domains: string[]; routes: Array<{ name: string }> }>;
  const host = hostWithoutPort(authority);
  const exact = hosts.find((v) => v.domains.some((d) => d.toLowerCase() === host));
  const suffix = hosts
    .flatMap((v) => v.domains.filter((d) => d.startsWith("*.") && host.endsWith(d.slice(1)) && host.length > d.length - 1).map((d) => ({ v, d })))
    .sort((a, b) => b.d.length - a.d.length)[0]?.v;
  const chosen = exact ?? suffix ?? hosts.find((v) => v.domains.includes("*"));
  return chosen ? chosen.routes.map((r) => r.name) : [];
}

describe("routesForHost", () => {
  it.each([
    ["api.example.com", ["api", "any"]],
    ["api.example.com:8443", ["api", "any"]],
    ["shop.example.com", ["wild", "any"]],
    ["a.b.example.com", ["wild", "any"]],
    ["x.eu.example.com", ["deep", "any"]],
    ["mixed.example.net", ["deep", "any"]],
    ["example.com", ["any"]],
    ["127.0.0.1:10000", ["any"]],
    ["[::1]:10000", ["any"]],
  ])("%s", (authority, expected) => {
    expect(routesForHost(gateway.routes, authority).map((r) => r.name)).toEqual(expected);
    expect(envoyRouteNames(authority)).toEqual(expected);
  });

  it("a gateway whose routes all name hostnames serves nothing to other hosts", () => {
    const only = parseGateway("clusters: [{ name: up, url: 'http://x:1' }]\nroutes: [{ cluster: up, hostnames: [a.example.com] }]\n", "/tmp");
    expect(routesForHost(only.routes, "b.example.com")).toEqual([]);
    expect(routesForHost(only.routes, "A.example.com").map((r) => r.name)).toEqual(["route-0"]);
  });

  it("helpers: port stripping and the winning hostname", () => {
    expect(hostWithoutPort("Example.COM:80")).toBe("example.com");
    expect(hostWithoutPort("[::1]:80")).toBe("[::1]");
    expect(matchingHostname(["*.example.com", "*.eu.example.com"], "a.eu.example.com")).toBe("*.eu.example.com");
    expect(matchingHostname(["*.example.com"], ".example.com")).toBeUndefined();
  });
});
