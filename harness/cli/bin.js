#!/usr/bin/env node
// The CLI is TypeScript; tsx runs it on the installed Node without a separate build step.
// Runs main() itself, so it works however it is invoked (node_modules/.bin/proxyscript, npx, node bin.js).
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
