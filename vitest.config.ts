import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "filters/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "create-proxyscript/test/**/*.test.ts"],
    // Compiling AssemblyScript and starting real servers takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
