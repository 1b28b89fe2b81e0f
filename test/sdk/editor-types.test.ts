// Scaffolded projects type-check their filter with tsc against AssemblyScript's declarations,
// and that reaches into proxyscript/sdk. The end-to-end scaffold test catches an SDK line tsc
// rejects only after minutes of packing and installing; this catches it in seconds.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

describe("SDK under editor types", () => {
  it("type-checks with tsc against assemblyscript/std/assembly.json (only TS1206 decorator placement allowed)", () => {
    const dir = path.join(ROOT, ".cache/editor-types");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      extends: path.join(ROOT, "node_modules/assemblyscript/std/assembly.json"),
      include: [path.join(ROOT, "sdk/**/*.ts")],
    }));
    let output = "";
    try {
      output = execFileSync(process.execPath, [TSC, "-p", path.join(dir, "tsconfig.json"), "--noEmit"], { encoding: "utf8" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    const diagnostics = output.split("\n").filter((line) => /error TS/.test(line) && !/error TS1206:/.test(line));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
