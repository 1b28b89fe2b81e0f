// Versions the generated project depends on. assemblyscript and vitest follow what the proxyscript
// package itself is built and tested with (a test holds them to the root package.json).
import { readFileSync } from "node:fs";

const own = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** proxyscript and create-proxyscript are released together, at the same version. */
export const PROXYSCRIPT_SPEC = `^${own.version}`;

export const DEV_DEPENDENCIES = {
  "@types/node": "^20.19.0",
  assemblyscript: "^0.28.20",
  vitest: "^3.2.7",
};
