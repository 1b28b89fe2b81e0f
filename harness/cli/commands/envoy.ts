// `proxyscript envoy config|validate|up|down|logs|status|scenario`: the gateway in a real Envoy.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { missingModules } from "../../envoy/compose.ts";
import { renderEnvoyYaml } from "../../envoy/envoy-yaml.ts";
import { defaultOutDir, envoyDown, envoyLogs, envoyStatus, envoyUp } from "../../envoy/runner.ts";
import { EnvoyConfigError } from "../../envoy/validate.ts";
import { ENVOY_IMAGE } from "../../envoy/versions.ts";
import { loadGateway } from "../../gateway/load.ts";
import type { Gateway } from "../../gateway/model.ts";
import { UserError } from "../errors.ts";

const DEFAULT_GATEWAY = "proxyscript.yaml";

async function gatewayAt(file: string | undefined): Promise<Gateway> {
  const name = file ?? DEFAULT_GATEWAY;
  if (!file && !existsSync(name)) throw new UserError(`${name}: no gateway file here (name one: proxyscript envoy <command> path/to/proxyscript.yaml)`);
  return loadGateway(name);
}

function parsePort(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`${flag}: expected a port from 1 to 65535, got "${value}"`);
  return port;
}

/** A generated config Envoy would refuse is our bug, but the user should see exactly why. */
function rethrowConfigError(err: unknown): never {
  if (err instanceof EnvoyConfigError) throw new UserError(err.message);
  throw err;
}

async function projectDir(gatewayFile: string | undefined, outDir: string | undefined): Promise<string> {
  if (outDir) return path.resolve(outDir);
  return defaultOutDir(await gatewayAt(gatewayFile));
}

export function register(program: Command): void {
  const envoy = program.command("envoy").description("run the gateway in a real Envoy (Docker), or write its envoy.yaml");

  envoy
    .command("config")
    .description("write the Envoy v3 bootstrap (envoy.yaml) for a gateway file, validated against Envoy's API")
    .argument("[gateway]", `gateway file (default ${DEFAULT_GATEWAY})`)
    .option("-o, --output <file>", 'where to write it; "-" for standard output', "envoy.yaml")
    .option("--admin-port <port>", "Envoy admin port (on 127.0.0.1)", "9901")
    .action(async (gatewayFile: string | undefined, flags: { output: string; adminPort: string }) => {
      const gateway = await gatewayAt(gatewayFile);
      let text: string;
      try {
        text = renderEnvoyYaml(gateway, { adminPort: parsePort("--admin-port", flags.adminPort) });
      } catch (err) {
        rethrowConfigError(err);
      }
      for (const f of missingModules(gateway)) process.stderr.write(`proxyscript: warning: filter "${f.name}": ${f.code.wasm} does not exist yet (proxyscript build)\n`);
      if (flags.output === "-") {
        process.stdout.write(text);
      } else {
        await writeFile(flags.output, text).catch((e: NodeJS.ErrnoException) => {
          throw new UserError(`-o ${flags.output}: cannot write the file (${e.code ?? e.message})`);
        });
        process.stdout.write(`proxyscript: wrote ${flags.output} (run: envoy -c ${flags.output} --concurrency ${gateway.workers})\n`);
      }
    });

  envoy
    .command("validate")
    .description("check an envoy.yaml (generated or hand-written) against Envoy's API definitions")
    .argument("<file>", "Envoy bootstrap, YAML or JSON")
    .action(async (file: string) => {
      const { checkEnvoyFile } = await import("../../envoy/check-file.ts");
      const { errors, warnings } = await checkEnvoyFile(file);
      for (const w of warnings) process.stderr.write(`proxyscript: warning: ${w}\n`);
      if (errors.length) throw new UserError(`${file} is not a valid Envoy bootstrap:\n${errors.join("\n")}`);
      process.stdout.write(`proxyscript: ${file} is a valid Envoy v3 bootstrap\n`);
    });

  envoy
    .command("up")
    .description("start Envoy in Docker with the gateway's filters; waits until it is ready and prints its URL")
    .argument("[gateway]", `gateway file (default ${DEFAULT_GATEWAY})`)
    .option("--image <image>", "Envoy image", ENVOY_IMAGE)
    .option("--echo <cluster...>", "serve these clusters from a built-in echo container")
    .option("--admin-port <port>", "host port for Envoy's admin interface (on 127.0.0.1)", "9901")
    .option("--out-dir <dir>", "where the compose project is written (default .proxyscript/envoy beside the gateway file)")
    .option("--json", "print the result as JSON")
    .action(async (gatewayFile: string | undefined, flags: { image: string; echo?: string[]; adminPort: string; outDir?: string; json?: boolean }) => {
      const gateway = await gatewayAt(gatewayFile);
      if (!flags.json) process.stderr.write("proxyscript: starting Envoy in Docker...\n");
      const state = await envoyUp(gateway, {
        envoyImage: flags.image,
        echoClusters: flags.echo,
        adminPort: parsePort("--admin-port", flags.adminPort),
        outDir: flags.outDir,
      }).catch(rethrowConfigError);
      if (flags.json) process.stdout.write(JSON.stringify({ url: state.url, adminUrl: state.adminUrl, project: state.project, dir: state.outDir }) + "\n");
      else process.stdout.write(`proxyscript: Envoy is ready at ${state.url} (admin ${state.adminUrl}); stop it with: proxyscript envoy down\n`);
    });

  envoy
    .command("scenario")
    .description("run scenario files (requests + expectations) against Envoy in Docker, or the embedded proxy")
    .argument("<scenario...>", "scenario YAML files")
    .option("--runtime <runtime>", '"envoy", "embedded", or "url" (a gateway already running at --url)', "envoy")
    .option("--url <url>", 'for --runtime url: the running gateway, e.g. http://127.0.0.1:10000')
    .option("--image <image>", "Envoy image", ENVOY_IMAGE)
    .option("--json", "print the results as JSON")
    .action(async (files: string[], flags: { runtime: string; image: string; url?: string; json?: boolean }) => {
      if (flags.runtime !== "envoy" && flags.runtime !== "embedded" && flags.runtime !== "url") {
        throw new UserError(`--runtime: expected "envoy", "embedded" or "url", got "${flags.runtime}"`);
      }
      if (flags.runtime === "url" && !flags.url) throw new UserError("--runtime url needs --url <address of the running gateway>");
      const { loadScenario, runScenario, formatScenarioResult } = await import("../../scenario/index.ts");
      const results = [];
      for (const file of files) {
        const result = await runScenario(await loadScenario(file), { runtime: flags.runtime, envoyImage: flags.image, baseUrl: flags.url }).catch(rethrowConfigError);
        results.push(result);
        if (!flags.json) process.stdout.write(formatScenarioResult(result) + "\n");
      }
      if (flags.json) process.stdout.write(JSON.stringify(results) + "\n");
      const failed = results.filter((r) => !r.passed).length;
      if (failed) throw new UserError(`${failed} of ${results.length} scenario${results.length === 1 ? "" : "s"} failed`);
    });

  envoy
    .command("down")
    .description("stop and remove everything `envoy up` started")
    .argument("[gateway]", `gateway file (default ${DEFAULT_GATEWAY})`)
    .option("--out-dir <dir>", "the compose project's folder, if `up` was given one")
    .action(async (gatewayFile: string | undefined, flags: { outDir?: string }) => {
      await envoyDown(await projectDir(gatewayFile, flags.outDir));
      process.stdout.write("proxyscript: Envoy stopped and removed\n");
    });

  envoy
    .command("logs")
    .description("show the containers' logs")
    .argument("[gateway]", `gateway file (default ${DEFAULT_GATEWAY})`)
    .option("-f, --follow", "keep printing new lines")
    .option("--out-dir <dir>", "the compose project's folder, if `up` was given one")
    .action(async (gatewayFile: string | undefined, flags: { follow?: boolean; outDir?: string }) => {
      const code = await envoyLogs(await projectDir(gatewayFile, flags.outDir), flags.follow ?? false);
      if (code !== 0) throw new UserError(`docker compose logs exited with ${code}`);
    });

  envoy
    .command("status")
    .description("show whether Envoy is running and ready")
    .argument("[gateway]", `gateway file (default ${DEFAULT_GATEWAY})`)
    .option("--out-dir <dir>", "the compose project's folder, if `up` was given one")
    .option("--json", "print the result as JSON")
    .action(async (gatewayFile: string | undefined, flags: { outDir?: string; json?: boolean }) => {
      const status = await envoyStatus(await projectDir(gatewayFile, flags.outDir));
      if (flags.json) {
        process.stdout.write(JSON.stringify(status) + "\n");
        return;
      }
      process.stdout.write(`${status.project}: ${status.ready ? `ready at ${status.url}` : "not ready"} (admin ${status.adminUrl})\n`);
      for (const c of status.containers) process.stdout.write(`  ${c.service}: ${c.state}\n`);
    });
}
