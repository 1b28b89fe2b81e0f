// `npm run bench`: runs every bench/*.bench.ts suite in this one process and prints one table.
// Usage: npm run bench [-- suite-name …]   (names filter the suites; --json prints JSON)
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchRow, BenchSuite } from "./types.ts";

const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes("--json");
const wanted = args.filter((a) => !a.startsWith("--"));

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const results: Array<{ suite: string; rows: BenchRow[]; error?: string }> = [];
const files = readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort();
for (const file of files) {
  const suite = (await import(pathToFileURL(path.join(dir, file)).href)).default as BenchSuite;
  if (wanted.length > 0 && !wanted.some((w) => suite.name.includes(w) || file.includes(w))) continue;
  if (!json) process.stderr.write(`running ${suite.name}…\n`);
  try {
    results.push({ suite: suite.name, rows: await suite.run() });
  } catch (err) {
    results.push({ suite: suite.name, rows: [], error: (err as Error).stack ?? String(err) });
  }
}

if (json) {
  process.stdout.write(JSON.stringify(results, null, 2) + "\n");
} else {
  for (const r of results) {
    process.stdout.write(`\n## ${r.suite}\n`);
    if (r.error) process.stdout.write(`  FAILED: ${r.error}\n`);
    for (const row of r.rows) {
      const ratio = row.ratio === undefined ? "" : `  ${fmt(row.ratio)}× ${row.baseline ?? "baseline"}`;
      const target = row.target === undefined ? "" : `  target ${row.target} ${row.pass === undefined ? "" : row.pass ? "✓" : "✗"}`;
      process.stdout.write(`  ${row.name.padEnd(52)} ${fmt(row.value).padStart(10)} ${row.unit}${ratio}${target}\n`);
    }
  }
}
const missed = results.flatMap((r) => r.rows).filter((row) => row.pass === false).length;
const failed = results.filter((r) => r.error).length;
if (!json) process.stdout.write(`\n${results.length} suites, ${failed} failed to run, ${missed} targets missed\n`);
process.exitCode = failed > 0 ? 1 : 0;
