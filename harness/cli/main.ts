// `proxyscript`: one command for building filters, running them locally, in Envoy, and shipping them.
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { UserError } from "./errors.ts";
import { PluginLoadError } from "../host/api.ts";
import { register as registerBuild } from "./commands/build.ts";
import { register as registerRun } from "./commands/run.ts";
import { register as registerDemo } from "./commands/demo.ts";
import { register as registerEnvoy } from "./commands/envoy.ts";
import { register as registerImage } from "./commands/image.ts";
import { register as registerManifests } from "./commands/manifests.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

export function registerAll(program: Command): void {
  for (const register of [registerBuild, registerRun, registerDemo, registerEnvoy, registerImage, registerManifests]) register(program);
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command("proxyscript")
    .description("Write Envoy filters in TypeScript: build, test locally, run in Envoy, ship to Kubernetes.")
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerAll(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; commander already printed usage errors.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof PluginLoadError) {
      // A module Envoy would refuse, or a filter whose start/configure failed: show its own log lines.
      const logs = err.logs.map((l) => `  [${l.plugin}] ${l.level}: ${l.message}\n`).join("");
      process.stderr.write(`proxyscript: ${err.message}\n${logs}`);
      return 2;
    }
    if (err instanceof UserError || (err as { exitCode?: number }).exitCode === 2) {
      process.stderr.write(`proxyscript: ${(err as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`proxyscript: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

// `tsx harness/cli/main.ts …` (npm scripts) runs it directly; bin.js calls main() itself.
const invokedDirectly = process.argv[1] && /main\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
