// Two invariants over many mutated gateway files (seeded, so failures reproduce):
// the loader either returns a Gateway or throws a GatewayError (never anything else), and every
// gateway it accepts becomes an envoy.yaml that Envoy's API definitions accept.
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { envoyBootstrap } from "../../harness/envoy/bootstrap.ts";
import { composeProject } from "../../harness/envoy/compose.ts";
import { checkBootstrap } from "../../harness/envoy/envoy-yaml.ts";
import { GatewayError, parseGateway } from "../../harness/gateway/index.ts";
import type { Gateway } from "../../harness/gateway/model.ts";
import { gatewayFolder, STUB_WASM } from "../gateway/gateway-files.ts";
import { seededRandom as prng } from "../support/random.ts";

const dir = gatewayFolder({ "a.wasm": STUB_WASM, "b.wasm": STUB_WASM });

const BASE = `listener: { address: 0.0.0.0, port: 8080 }
workers: 2
clusters:
  - name: backend
    endpoints: ["10.0.0.1:80", "backend.internal:8080"]
    connect_timeout: 1s
  - name: auth
    url: https://auth.example.com:8443
routes:
  - name: api
    match: { prefix: /api, headers: [{ name: x-env, exact: prod }] }
    cluster: backend
    hostnames: [api.example.com, "*.example.org"]
    filters: [a]
    timeout: 250ms
  - name: exact
    match: { path: /health }
    cluster: auth
    filters: []
  - name: rest
    cluster: backend
filters:
  - name: a
    wasm: a.wasm
    root_id: r
    config: { k: [1, 2, { x: y }] }
    fail_open: true
  - name: b
    wasm: b.wasm
    config: '{"s": "t"}'
    vm_config: vm
`;

const TOKENS = ["0", "-1", "70000", "1.5s", "5", "x", ":", "[", "]", "{", "}", ",", "\n", " ", "- ", "null", "true", '"', "'", "/", "*", "a", "b", "backend", "auth", "&x ", "*x"];

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = random() < 0.7 ? 1 : 2;
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    const token = TOKENS[Math.floor(random() * TOKENS.length)];
    if (kind < 0.33) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 6));
    else if (kind < 0.66) out = out.slice(0, at) + token + out.slice(at);
    else out = out.slice(0, at) + token + out.slice(at + token.length);
  }
  return out;
}

describe("mutated gateway files", () => {
  it("the base file loads and its bootstrap validates", () => {
    expect(checkBootstrap(envoyBootstrap(parseGateway(BASE, dir))).errors).toEqual([]);
  });

  it("400 mutations: a Gateway or a GatewayError, and every accepted gateway gives a valid envoy.yaml", () => {
    const random = prng(20261123);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const text = mutate(BASE, random);
      let gateway: Gateway | undefined;
      try {
        gateway = parseGateway(text, dir, "mutant.yaml");
      } catch (e) {
        if (!(e instanceof GatewayError)) throw new Error(`mutant ${i} threw ${(e as Error).stack}\n--- input ---\n${text}`);
        expect(e.message).toMatch(/^mutant\.yaml(:\d+:\d+)?: /);
        rejected++;
        continue;
      }
      accepted++;
      const errors = checkBootstrap(envoyBootstrap(gateway)).errors;
      if (errors.length) throw new Error(`mutant ${i} loaded but its bootstrap is invalid: ${JSON.stringify(errors)}\n--- input ---\n${text}`);
      if (gateway.listener.port !== 0) expect(checkBootstrap(parseYaml(composeProject(gateway, { outDir: dir }).envoyYaml)).errors).toEqual([]);
    }
    // Both outcomes must actually occur, or the test proves nothing (this seed: 31 and 369).
    expect(accepted).toBeGreaterThanOrEqual(25);
    expect(rejected).toBeGreaterThanOrEqual(100);
  });
});

