// Every bench/<name>.bench.ts default-exports a BenchSuite; bench/run.ts runs them in one process
// and prints one table, so ratios always compare against a baseline measured in the same run.
export interface BenchRow {
  /** What was measured, e.g. "header-rewrite, 10 operations". */
  name: string;
  /** Measured value and its unit, e.g. 12.3 "µs/request". */
  value: number;
  unit: string;
  /** The baseline this row is compared with, e.g. "no-op filter floor", and the ratio value/baseline. */
  baseline?: string;
  ratio?: number;
  /** The target as text, e.g. "≤ 2×", and whether this run met it. */
  target?: string;
  pass?: boolean;
}

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}
