// Every example gateway file in the repository loads, and becomes an envoy.yaml and a compose
// project that Envoy's API and the Compose schema accept.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { envoyBootstrap } from "../../harness/envoy/bootstrap.ts";
import { composeProject } from "../../harness/envoy/compose.ts";
import { checkBootstrap } from "../../harness/envoy/envoy-yaml.ts";
import { loadGateway } from "../../harness/gateway/load.ts";
import { parse } from "yaml";

const examplesDir = path.join(PACKAGE_ROOT, "examples");
const gatewayFiles = existsSync(examplesDir)
  ? readdirSync(examplesDir)
      .map((name) => path.join(examplesDir, name, "proxyscript.yaml"))
      .filter((file) => existsSync(file))
  : [];
if (!gatewayFiles.length) console.warn("skipping example gateway checks: no examples/*/proxyscript.yaml yet");

describe.skipIf(!gatewayFiles.length)("example gateway files", () => {
  it.each(gatewayFiles.map((f) => [path.relative(PACKAGE_ROOT, f), f]))("%s → valid envoy.yaml and compose project", async (_name, file) => {
    const gateway = await loadGateway(file);
    expect(checkBootstrap(envoyBootstrap(gateway)).errors).toEqual([]);
    const project = composeProject(gateway, { outDir: path.join(gateway.baseDir, ".proxyscript", "envoy") });
    expect(checkBootstrap(parse(project.envoyYaml)).errors).toEqual([]);
    expect(parse(project.composeYaml).services.envoy.volumes).toHaveLength(gateway.filters.length + 1);
  });
});
