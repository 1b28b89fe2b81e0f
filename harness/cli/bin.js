#!/usr/bin/env node
// The CLI is TypeScript; tsx runs it on the installed Node without a separate build step.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
