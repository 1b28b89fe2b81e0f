// `proxyscript run`: the embedded proxy, from a gateway file or from flags for one filter.
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { startEchoServer, startProxy, type RunningProxy } from "../../proxy/index.ts";
import type { LogEntry } from "../../host/api.ts";
import { UserError } from "../errors.ts";

interface RunFlags {
  gateway?: string;
  wasm?: string;
  config?: string;
  rootId?: string;
  vmConfig?: string;
  upstream?: string;
  listen?: string;
  workers?: string;
  failOpen?: boolean;
}

function parseListen(listen: string): { address: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$|^(\d{1,5})$/.exec(listen);
  const port = Number(m?.[3] ?? m?.[4]);
  if (!m || !(port >= 0 && port <= 65535)) throw new UserError(`--listen: expected host:port or a port, got "${listen}"`);
  const host = m[1] ?? m[2] ?? "127.0.0.1";
  // Listener addresses are IP addresses (Envoy refuses names); "localhost" is loopback.
  return { address: host === "localhost" ? "127.0.0.1" : host, port };
}

function parseUpstream(upstream: string): string {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new UserError(`--upstream: expected a URL like http://127.0.0.1:8080, got "${upstream}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UserError(`--upstream: expected an http:// or https:// URL, got "${upstream}"`);
  return url.toString();
}

/** --config takes JSON text, or @file to read it from a file. */
function readConfigFlag(value: string | undefined): string {
  if (value === undefined) return "";
  if (value.startsWith("@")) {
    const file = value.slice(1);
    if (!existsSync(file)) throw new UserError(`--config: no such file ${file}`);
    return readFileSync(file, "utf8");
  }
  return value;
}

export function printLog(entry: LogEntry): void {
  process.stderr.write(`[${entry.plugin}#${entry.worker}] ${entry.level}: ${entry.message}\n`);
}

async function gatewayFromFlags(flags: RunFlags, upstreamUrl: string) {
  const { parseGateway } = await import("../../gateway/load.ts");
  const listen = parseListen(flags.listen ?? "127.0.0.1:10000");
  const workers = flags.workers === undefined ? 1 : Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UserError(`--workers: expected a whole number from 1 to 64, got "${flags.workers}"`);
  const config = readConfigFlag(flags.config);
  if (config.trim() !== "") {
    try {
      JSON.parse(config);
    } catch (err) {
      throw new UserError(`--config: not valid JSON: ${(err as Error).message}`);
    }
  }
  const doc = {
    listener: listen,
    workers,
    clusters: [{ name: "upstream", url: upstreamUrl }],
    routes: [{ name: "default", match: { prefix: "/" }, cluster: "upstream" }],
    filters: [
      {
        name: "filter",
        wasm: flags.wasm,
        root_id: flags.rootId ?? "",
        ...(config.trim() === "" ? {} : { config }),
        vm_config: flags.vmConfig ?? "",
        fail_open: flags.failOpen ?? false,
      },
    ],
  };
  return parseGateway(JSON.stringify(doc), process.cwd(), "command-line flags");
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run the embedded proxy: filters in the embedded host in front of an upstream")
    .argument("[gateway]", "gateway file (default: proxyscript.yaml when no --wasm is given)")
    .option("--wasm <file>", "run one filter from this .wasm")
    .option("--config <json|@file>", "the filter's plugin configuration")
    .option("--root-id <id>", "the filter's root id")
    .option("--vm-config <text>", "VM configuration")
    .option("--upstream <url>", "upstream URL (default: a built-in echo server)")
    .option("--listen <host:port>", "listen address (default 127.0.0.1:10000, or the gateway file's listener)")
    .option("--workers <n>", "worker VMs per filter")
    .option("--fail-open", "let requests through when the filter traps")
    .action(async (gatewayFile: string | undefined, flags: RunFlags) => {
      let echo: Awaited<ReturnType<typeof startEchoServer>> | undefined;
      let proxy: RunningProxy;
      if (flags.wasm) {
        if (gatewayFile) throw new UserError("give either a gateway file or --wasm, not both");
        if (!existsSync(flags.wasm)) throw new UserError(`--wasm: no such file ${flags.wasm}`);
        const upstream = flags.upstream ? parseUpstream(flags.upstream) : undefined;
        if (!upstream) echo = await startEchoServer();
        try {
          proxy = await startProxy(await gatewayFromFlags(flags, upstream ?? echo!.url), { onLog: printLog });
        } catch (err) {
          await echo?.close();
          throw err;
        }
      } else {
        const file = gatewayFile ?? "proxyscript.yaml";
        if (!existsSync(file)) throw new UserError(`${file}: no such gateway file (or run one filter with --wasm)`);
        const { loadGateway } = await import("../../gateway/load.ts");
        const gateway = await loadGateway(file);
        const listen = flags.listen === undefined ? undefined : parseListen(flags.listen);
        proxy = await startProxy(gateway, { onLog: printLog, port: listen?.port, address: listen?.address });
      }
      process.stdout.write(`proxyscript: listening on ${proxy.url}${echo ? ` (upstream: built-in echo at ${echo.url})` : ""}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await proxy.close();
      await echo?.close();
    })
    .configureHelp({ showGlobalOptions: false });
}
