#!/usr/bin/env node
// `npm create proxyscript@latest my-filter` runs this.
import { create } from "../src/cli.js";
import { UsageError } from "../src/errors.js";

try {
  await create(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`create-proxyscript: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`create-proxyscript: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
