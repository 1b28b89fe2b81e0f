// `proxyscript build`: compile filters to Envoy-loadable .wasm.
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CompileError, compileFilter, PACKAGE_ROOT } from "../../build/compile.ts";
import { crsAvailable, DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP, embedCrs } from "../../build/crs.ts";
import { jobForPath, type BuildJob } from "../../build/targets.ts";
import { UserError } from "../errors.ts";

interface BuildFlags {
  outDir: string;
  out?: string;
  debug?: boolean;
  json?: boolean;
  /** CRS rules folder to embed into the WAF; true: Debian's, when installed; false: none. */
  crs?: string | boolean;
  crsSetup?: string;
}

const WAF_ENTRY = path.join(PACKAGE_ROOT, "filters", "waf", "index.ts");

/**
 * Envoy gives a filter no file access, so the WAF's rules travel inside its .wasm: the WAF is
 * compiled from a generated entry holding the CRS files. Without CRS it keeps its own rule set.
 */
async function entryWithCrs(job: BuildJob, flags: BuildFlags): Promise<string> {
  if (path.resolve(job.entry) !== WAF_ENTRY || flags.crs === false) return job.entry;
  const explicit = typeof flags.crs === "string";
  const rulesDir = explicit ? (flags.crs as string) : DEFAULT_CRS_RULES_DIR;
  const setup = flags.crsSetup ?? (explicit ? path.join(rulesDir, "..", "crs-setup.conf") : DEFAULT_CRS_SETUP);
  if (!explicit && !crsAvailable(rulesDir, setup)) {
    process.stderr.write(`proxyscript: no OWASP CRS at ${rulesDir}: the WAF is built with its own default rules (--crs <dir> names one)\n`);
    return job.entry;
  }
  const generated = path.join(path.dirname(WAF_ENTRY), "build", "crs-entry.ts");
  const embedded = await embedCrs(rulesDir, setup, generated);
  process.stderr.write(`proxyscript: embedding OWASP CRS from ${rulesDir} (${embedded.files} files, ${(embedded.bytes / 1024).toFixed(0)} KiB) into the WAF\n`);
  return embedded.outFile;
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
      await compileFilter(await entryWithCrs(job, flags), job.outFile, { target: flags.debug ? "debug" : "release", config: job.config, baseDir: job.baseDir });
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
    .option("--crs <dir>", `OWASP CRS rules folder to embed into the WAF filter (default ${DEFAULT_CRS_RULES_DIR} when installed)`)
    .option("--crs-setup <file>", `its crs-setup.conf (default ${DEFAULT_CRS_SETUP}, or beside --crs)`)
    .option("--no-crs", "build the WAF filter with its own default rules only")
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
