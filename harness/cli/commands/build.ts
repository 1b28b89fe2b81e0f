// `proxyscript build`: compile filters to Envoy-loadable .wasm.
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CompileError, compileFilter } from "../../build/compile.ts";
import { jobForPath, type BuildJob } from "../../build/targets.ts";
import { UserError } from "../errors.ts";

interface BuildFlags {
  outDir: string;
  out?: string;
  debug?: boolean;
  json?: boolean;
}

async function gatewayJobs(file: string): Promise<BuildJob[]> {
  const { loadGateway } = await import("../../gateway/load.ts");
  const gateway = await loadGateway(file);
  const jobs = gateway.filters
    .filter((f) => f.code.source)
    .map((f) => ({ ...jobForPath(f.code.source!, gateway.baseDir), outFile: path.resolve(gateway.baseDir, f.code.wasm) }));
  if (jobs.length === 0) throw new UserError(`${file}: no filter names a \`source\` to build`);
  return jobs;
}

export async function buildTargets(targets: string[], flags: BuildFlags): Promise<Array<BuildJob & { bytes: number; ms: number }>> {
  if (targets.length === 0) {
    if (!existsSync("proxyscript.yaml")) {
      throw new UserError("nothing to build: name a filter entry (.ts), a filter folder or a gateway file, or run where proxyscript.yaml is");
    }
    targets = ["proxyscript.yaml"];
  }
  if (flags.out && targets.length !== 1) throw new UserError("--out names one output file: give exactly one target");
  const jobs: BuildJob[] = [];
  for (const t of targets) {
    if (/\.ya?ml$/.test(t)) jobs.push(...(await gatewayJobs(t)));
    else jobs.push(jobForPath(t, flags.outDir, flags.out));
  }
  const results = [];
  for (const job of jobs) {
    const started = performance.now();
    try {
      await compileFilter(job.entry, job.outFile, { target: flags.debug ? "debug" : "release", config: job.config, baseDir: job.baseDir });
    } catch (err) {
      if (err instanceof CompileError) throw new UserError(err.message);
      throw err;
    }
    results.push({ ...job, bytes: statSync(job.outFile).size, ms: performance.now() - started });
  }
  return results;
}

export function register(program: Command): void {
  program
    .command("build")
    .description("compile filters to .wasm (entries, filter folders, or a gateway file's filters with `source`)")
    .argument("[targets...]", "entry .ts files, filter folders, or proxyscript.yaml")
    .option("-o, --out <file>", "output file (one target only)")
    .option("--out-dir <dir>", "output folder", "build")
    .option("--debug", "debug build (no optimization, assertions on)")
    .option("--json", "print results as JSON")
    .action(async (targets: string[], flags: BuildFlags) => {
      const results = await buildTargets(targets, flags);
      if (flags.json) {
        process.stdout.write(JSON.stringify(results.map((r) => ({ entry: r.entry, wasm: r.outFile, bytes: r.bytes, ms: Math.round(r.ms) })), null, 2) + "\n");
        return;
      }
      for (const r of results) {
        const rel = (p: string) => path.relative(process.cwd(), p) || p;
        process.stdout.write(`built ${rel(r.entry)} → ${rel(r.outFile)} (${(r.bytes / 1024).toFixed(1)} KiB, ${(r.ms / 1000).toFixed(1)} s)\n`);
      }
    });
}
