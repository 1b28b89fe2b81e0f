// `proxyscript envoy validate`: any envoy.yaml on disk, checked with file:line:col positions.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkEnvoyFile, segmentsOf } from "../../harness/envoy/check-file.ts";
import { renderEnvoyYaml } from "../../harness/envoy/envoy-yaml.ts";
import { GatewayError, parseGateway } from "../../harness/gateway/index.ts";
import { gatewayFolder, STUB_WASM } from "../gateway/gateway-files.ts";

const dir = gatewayFolder({ "f.wasm": STUB_WASM });

const BROKEN = `static_resources:
  listeners:
    - name: main
      address: { socket_address: { address: 0.0.0.0, port_value: 10000 } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress
                route_config:
                  virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                        - match: { prefix: / }
                          route: { cluster: backend, timeout: 5 }
                http_filters:
                  - name: envoy.filters.http.router
                    typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
    - name: backend
      connect_timeout: 1s
      lb_polcy: ROUND_ROBIN
`;

describe("checkEnvoyFile", () => {
  it("a generated envoy.yaml is valid", async () => {
    const file = path.join(dir, "envoy.yaml");
    writeFileSync(file, renderEnvoyYaml(parseGateway("clusters: [{ name: up, url: 'http://127.0.0.1:1' }]\nfilters: [{ name: f, wasm: f.wasm }]\n", dir)));
    expect(await checkEnvoyFile(file)).toEqual({ errors: [], warnings: [] });
  });

  it("a hand-written one with mistakes: each reported at its line and column", async () => {
    const file = path.join(dir, "broken.yaml");
    writeFileSync(file, BROKEN);
    const hcm = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";
    expect((await checkEnvoyFile(file)).errors).toEqual([
      `${file}:17:63: ${hcm}.route_config.virtual_hosts[0].routes[0].route.timeout: expected a duration string like "5s" or "0.250s", got 5`,
      `${file}:24:7: static_resources.clusters[0].lb_polcy: unknown field in envoy.config.cluster.v3.Cluster`,
    ]);
  });

  it("unreadable and unparsable files are user errors", async () => {
    await expect(checkEnvoyFile(path.join(dir, "none.yaml"))).rejects.toThrow(GatewayError);
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "admin: [\n");
    await expect(checkEnvoyFile(file)).rejects.toThrow(new RegExp(`^${file}:\\d+:\\d+: `));
  });

  it("splits paths by walking the document, so keys with dots stay whole", () => {
    const doc = { routes: [{ typed_per_filter_config: { "proxyscript.hello": { disabled: 1 } } }] };
    expect(segmentsOf("routes[0].typed_per_filter_config.proxyscript.hello.disabled", doc)).toEqual(["routes", 0, "typed_per_filter_config", "proxyscript.hello", "disabled"]);
    expect(segmentsOf("a.b", {})).toEqual(["a", "b"]);
  });
});
