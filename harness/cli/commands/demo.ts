// `proxyscript demo`: builds the demo's filters, runs them in the embedded proxy in front of the
// built-in echo upstream, sends the demo's requests and shows what each filter did.
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { PACKAGE_ROOT } from "../../build/compile.ts";
import type { LogEntry } from "../../host/api.ts";
import { startEchoServer, startProxy } from "../../proxy/index.ts";
import { UserError } from "../errors.ts";
import { buildTargets } from "./build.ts";

interface DemoRequest {
  title: string;
  request: { method?: string; path: string; headers?: Record<string, string>; body?: string };
  /** Response headers worth showing. */
  show?: string[];
  /** Request headers the upstream saw worth showing. */
  upstream_show?: string[];
  repeat?: number;
}

function line(s = ""): void {
  process.stdout.write(s + "\n");
}

export async function runDemo(dir: string, options: { build: boolean }): Promise<void> {
  const gatewayFile = path.join(dir, "proxyscript.yaml");
  const requestsFile = path.join(dir, "requests.yaml");
  if (!existsSync(gatewayFile) || !existsSync(requestsFile)) throw new UserError(`${dir}: a demo folder needs proxyscript.yaml and requests.yaml`);
  if (options.build) {
    line("Building the demo's filters…");
    for (const r of await buildTargets([gatewayFile], { outDir: "build", crs: false })) {
      line(`  ${path.relative(PACKAGE_ROOT, r.entry)} → ${path.relative(PACKAGE_ROOT, r.outFile)} (${(r.bytes / 1024).toFixed(1)} KiB)`);
    }
  }
  const { loadGateway } = await import("../../gateway/load.ts");
  const gateway = await loadGateway(gatewayFile);
  const echo = await startEchoServer();
  // The demo's clusters named "echo" point at the built-in echo upstream started just now.
  for (const c of gateway.clusters) if (c.name === "echo") c.endpoints = [{ host: "127.0.0.1", port: echo.port }];
  const logs: LogEntry[] = [];
  const proxy = await startProxy(gateway, { port: 0, address: "127.0.0.1", onLog: (e) => logs.push(e) });
  line(`\nEmbedded proxy on ${proxy.url} → built-in echo upstream on ${echo.url}`);
  line(`Filter chain: ${gateway.filters.map((f) => f.name).join(" → ")} (${gateway.workers} worker VM${gateway.workers > 1 ? "s" : ""} each)\n`);
  const requests = YAML.parse(readFileSync(requestsFile, "utf8")) as DemoRequest[];
  try {
    for (const demo of requests) {
      const { method = "GET", path: reqPath, headers = {}, body } = demo.request;
      line(`▶ ${demo.title}`);
      line(`  → ${method} ${reqPath}${Object.keys(headers).length ? "  " + Object.entries(headers).map(([k, v]) => `${k}: ${v.length > 40 ? v.slice(0, 37) + "…" : v}`).join(", ") : ""}`);
      const statuses: number[] = [];
      let last: Response | undefined;
      let lastBody = "";
      for (let i = 0; i < (demo.repeat ?? 1); i++) {
        logs.length = 0;
        last = await fetch(proxy.url + reqPath, { method, headers, body });
        lastBody = await last.text();
        statuses.push(last.status);
      }
      const res = last!;
      if (statuses.length > 1) {
        const counts = new Map<number, number>();
        for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
        line(`  ← ${statuses.length} requests: ${[...counts].map(([s, n]) => `${n}× ${s}`).join(", ")}`);
      } else {
        line(`  ← ${res.status} ${res.statusText}`);
      }
      for (const name of demo.show ?? []) {
        const v = res.headers.get(name);
        line(`    ${name}: ${v ?? "(absent)"}`);
      }
      if (res.headers.get("x-echo") === "true") {
        const seen = JSON.parse(lastBody) as { headers: Record<string, string> };
        for (const name of demo.upstream_show ?? []) line(`    upstream saw ${name}: ${seen.headers[name] ?? "(absent)"}`);
      } else if (lastBody) {
        line(`    body: ${lastBody.length > 160 ? lastBody.slice(0, 157) + "…" : lastBody.trim()}`);
      }
      for (const e of logs) line(`    log [${e.plugin}] ${e.level}: ${e.message.length > 200 ? e.message.slice(0, 197) + "…" : e.message}`);
      line();
    }
    line("Metrics:");
    for (const [name, plugin] of proxy.plugins) {
      for (const m of plugin.metrics()) line(`  ${name}: ${m.name} = ${m.value}`);
    }
  } finally {
    await proxy.close();
    await echo.close();
  }
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("build the demo filters and run them in the embedded proxy in front of an echo upstream")
    .argument("[dir]", "demo folder with proxyscript.yaml and requests.yaml", path.join(PACKAGE_ROOT, "examples", "demo"))
    .option("--no-build", "use the .wasm files already built")
    .action(async (dir: string, flags: { build: boolean }) => runDemo(dir, flags));
}
