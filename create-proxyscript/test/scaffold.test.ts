// The scaffold without installing anything: names, flags, the non-empty-folder guard, every
// template's files, and the reference filters' import rewriting against the real filters/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { create, parseFlags } from "../src/cli.js";
import { UsageError } from "../src/errors.js";
import { projectIdentity } from "../src/name.js";
import { copyReferenceFilter, rewriteImports } from "../src/reference.js";
import { checkTarget, scaffold } from "../src/scaffold.js";
import { REFERENCES, TEMPLATES } from "../src/templates.js";
import { DEV_DEPENDENCIES, PROXYSCRIPT_SPEC } from "../src/versions.js";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = path.resolve(PACKAGE_DIR, "..");
const BIN = path.join(PACKAGE_DIR, "bin", "create-proxyscript.js");
const work = mkdtempSync(path.join(tmpdir(), "create-proxyscript-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("project names", () => {
  it("derives folder, package and filter names", () => {
    expect(projectIdentity("my-filter", "/w")).toEqual({ directory: "/w/my-filter", packageName: "my-filter", filterName: "my-filter" });
    expect(projectIdentity("./filters/edge.auth", "/w")).toEqual({ directory: "/w/filters/edge.auth", packageName: "edge.auth", filterName: "edge.auth" });
    expect(projectIdentity("@acme/authz", "/w")).toEqual({ directory: "/w/authz", packageName: "@acme/authz", filterName: "authz" });
    expect(projectIdentity(".", "/w/api-guard")).toEqual({ directory: "/w/api-guard", packageName: "api-guard", filterName: "api-guard" });
  });

  it("refuses bad names with the reason", () => {
    expect(usageError(() => projectIdentity("My Filter", "/w"))).toMatch(/invalid project name "My Filter": .*capital letters/);
    expect(usageError(() => projectIdentity("  ", "/w"))).toMatch(/project name is empty/);
    expect(usageError(() => projectIdentity("_private", "/w"))).toMatch(/cannot start with an underscore/);
    expect(usageError(() => projectIdentity("node_modules", "/w"))).toMatch(/node_modules is not a valid package name|not a valid package name/);
    expect(usageError(() => projectIdentity("@acme", "/w"))).toMatch(/a scoped name looks like @scope\/name/);
    expect(usageError(() => projectIdentity(`a${"b".repeat(70)}`, "/w"))).toMatch(/at most 63 characters/);
  });
});

describe("flags", () => {
  it("reads the documented flags", () => {
    expect(parseFlags(["x", "--template", "auth", "--yes", "--no-install", "--force"]))
      .toMatchObject({ name: "x", template: "auth", yes: true, install: false, force: true });
    expect(parseFlags(["-t", "from-reference", "-r", "jwt", "-y"])).toMatchObject({ name: undefined, template: "from-reference", reference: "jwt", install: true });
  });

  it("refuses unknown templates, references and options precisely", () => {
    expect(usageError(() => parseFlags(["x", "--template", "nope"]))).toBe('unknown template "nope": expected one of http-filter, auth, rate-limit, from-reference');
    expect(usageError(() => parseFlags(["x", "-t", "from-reference", "-r", "cors"]))).toMatch(/unknown reference filter "cors": expected one of header-rewrite, rate-limit, jwt, waf/);
    expect(usageError(() => parseFlags(["x", "-t", "auth", "-r", "jwt"]))).toMatch(/--reference goes with --template from-reference/);
    expect(usageError(() => parseFlags(["x", "--bogus"]))).toMatch(/Unknown option '--bogus'/);
    expect(usageError(() => parseFlags(["a", "b"]))).toMatch(/expected one project name, got 2: a b/);
  });
});

describe("the target folder", () => {
  it("accepts a missing or empty folder (a fresh .git too) and refuses a non-empty one unless forced", () => {
    const dir = path.join(work, "occupied");
    checkTarget(dir);
    mkdirSync(path.join(dir, ".git"), { recursive: true });
    checkTarget(dir);
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    expect(usageError(() => checkTarget(dir))).toBe(`${dir} is not empty (notes.txt): choose another name, or pass --force to write into it (files with the same names are overwritten)`);
    checkTarget(dir, true);
  });

  it("refuses a file in the way", () => {
    const file = path.join(work, "a-file");
    writeFileSync(file, "");
    expect(usageError(() => checkTarget(file))).toMatch(/exists and is not a folder/);
  });
});

describe("templates", () => {
  for (const template of Object.keys(TEMPLATES)) {
    const references = template === "from-reference" ? Object.keys(REFERENCES) : [undefined];
    for (const reference of references) {
      it(`${template}${reference ? ` (${reference})` : ""} writes a complete project with every placeholder filled`, () => {
        const directory = path.join(work, `t-${template}-${reference ?? "x"}`);
        scaffold({ directory, packageName: "@acme/edge-guard", filterName: "edge-guard", template, reference });
        const files = filesUnder(directory).sort();
        for (const expected of [".gitignore", "README.md", "asconfig.json", "package.json", "proxyscript.yaml", "src/tsconfig.json", "test/filter.test.ts", "tsconfig.json", "vitest.config.ts"]) {
          expect(files).toContain(expected);
        }
        // from-reference gets its source from the installed package after `npm install`.
        if (!reference) expect(files).toEqual(expect.arrayContaining(["src/index.ts", "src/config.schema.json"]));
        for (const file of files) {
          const text = readFileSync(path.join(directory, file), "utf8");
          expect(text, file).not.toMatch(/\{\{\w+\}\}/);
          if (file.endsWith(".json")) expect(() => JSON.parse(text), file).not.toThrow();
        }
        const manifest = JSON.parse(readFileSync(path.join(directory, "package.json"), "utf8"));
        expect(manifest).toMatchObject({ name: "@acme/edge-guard", private: true, type: "module", dependencies: { proxyscript: PROXYSCRIPT_SPEC } });
        expect(manifest.scripts.test).toBe("proxyscript build && vitest run");
        expect(readFileSync(path.join(directory, "proxyscript.yaml"), "utf8")).toContain("wasm: build/edge-guard.wasm");
        expect(readFileSync(path.join(directory, "test/filter.test.ts"), "utf8")).toContain('"../build/edge-guard.wasm"');
        const readme = readFileSync(path.join(directory, "README.md"), "utf8");
        for (const command of ["npm test", "proxyscript run", "proxyscript envoy up", "proxyscript image push", "proxyscript manifests"]) expect(readme).toContain(command);
      });
    }
  }

  it("the asconfig.json is complete and matches the package's compiler options", () => {
    const generated = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "templates/common/asconfig.json"), "utf8"));
    const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "asconfig.json"), "utf8"));
    expect(generated.extends).toBeUndefined();
    expect(generated.targets.release).toEqual(root.targets.release);
    const { use, ...options } = generated.options;
    const { use: rootUse, ...rootOptions } = root.options;
    expect(options).toEqual(rootOptions);
    expect(use).toEqual(rootUse.map((u: string) => u.replace("=sdk/", "=~lib/proxyscript/sdk/")));
  });

  it("depends on the assemblyscript and vitest versions the package is built and tested with", () => {
    const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect(DEV_DEPENDENCIES.assemblyscript).toBe(root.dependencies.assemblyscript);
    expect(DEV_DEPENDENCIES.vitest).toBe(root.devDependencies.vitest);
    const own = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"));
    expect(PROXYSCRIPT_SPEC).toBe(`^${root.version}`);
    expect(own.version).toBe(root.version);
  });
});

describe("reference filters", () => {
  it("rewrites SDK imports to the package and keeps the filter's own", () => {
    const source = 'export * from "../../sdk/exports";\nimport { A } from "../../sdk/index";\nimport { B } from "./b";\nimport "./side-effect";\n';
    expect(rewriteImports(source, "filters/waf/index.ts", "filters/waf")).toBe(
      'export * from "proxyscript/sdk/exports";\nimport { A } from "proxyscript/sdk/index";\nimport { B } from "./b";\nimport "./side-effect";\n');
    expect(rewriteImports('import { C } from "../engine/c";', "filters/waf/seclang/x.ts", "filters/waf")).toBe('import { C } from "../engine/c";');
    expect(rewriteImports('import { R } from "../../../sdk/regex/index";', "filters/waf/engine/regex.ts", "filters/waf"))
      .toBe('import { R } from "proxyscript/sdk/regex/index";');
    expect(usageError(() => rewriteImports('import { X } from "../jwt/x";', "filters/waf/index.ts", "filters/waf")))
      .toMatch(/filters\/waf\/index.ts imports "..\/jwt\/x" \(filters\/jwt\/x\), outside the filter and the SDK/);
  });

  for (const reference of Object.keys(REFERENCES)) {
    it(`copies ${reference} from the package with every import resolvable`, () => {
      const destination = path.join(work, `copy-${reference}`, "src");
      const written = copyReferenceFilter(REPO_ROOT, reference, destination);
      const files = written.map((f) => path.relative(destination, f));
      expect(files).toEqual(expect.arrayContaining(["index.ts", "config.schema.json", "README.md"]));
      expect(files.some((f) => f.startsWith("test/"))).toBe(false);
      for (const file of written.filter((f) => f.endsWith(".ts"))) {
        const text = readFileSync(file, "utf8");
        for (const [, specifier] of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gm)) {
          if (specifier!.startsWith("proxyscript/")) {
            expect(existsSync(path.join(REPO_ROOT, `${specifier!.slice("proxyscript/".length)}.ts`)), `${file}: ${specifier}`).toBe(true);
          } else {
            expect(specifier, file).toMatch(/^\.\.?\//);
            expect(existsSync(`${path.resolve(path.dirname(file), specifier!)}.ts`), `${file}: ${specifier}`).toBe(true);
          }
        }
      }
    });
  }

  it("says what is missing when the installed package lacks the filter", () => {
    expect(usageError(() => copyReferenceFilter(path.join(work, "no-package"), "jwt", path.join(work, "x"))))
      .toMatch(/has no reference filter "jwt"/);
  });
});

describe("the command", () => {
  const run = (args: string[], cwd = work) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", stdin: "ignore" } as never) as unknown as { status: number; stdout: string; stderr: string };

  it("creates a project without prompting when there is no terminal, and prints the next steps", () => {
    const result = run(["fresh-filter", "--template", "auth", "--no-install"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Created fresh-filter in fresh-filter from the auth template.");
    expect(result.stdout).toMatch(/cd fresh-filter\n\s+npm install\n\s+npm test/);
    expect(readFileSync(path.join(work, "fresh-filter/src/index.ts"), "utf8")).toContain("httpCall(");
  });

  it("exits 2 with one line for a bad name, a non-empty folder, and from-reference without install", () => {
    const bad = run(["Bad_Name", "--yes", "--no-install"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^create-proxyscript: invalid project name "Bad_Name": [^\n]*\n$/);
    const again = run(["fresh-filter", "--yes", "--no-install"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^create-proxyscript: \S+fresh-filter is not empty \(/);
    const reference = run(["ref", "-t", "from-reference", "--no-install"]);
    expect(reference.status).toBe(2);
    expect(reference.stderr).toMatch(/needs the install step/);
    expect(existsSync(path.join(work, "ref"))).toBe(false);
  });

  it("--force writes into a non-empty folder", () => {
    const result = run(["fresh-filter", "--yes", "--no-install", "--force", "-t", "rate-limit"]);
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(work, "fresh-filter/src/index.ts"), "utf8")).toContain("setSharedDataText(");
  });

  it("asks for the name and template on a terminal", async () => {
    const { PassThrough } = await import("node:stream");
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (d) => { shown += d; });
    const asked = create(["--no-install"], { cwd: work, interactive: true, out: output, input } as never);
    // Answer each question once it has been asked.
    const answer = async (question: RegExp, text: string) => {
      for (let i = 0; i < 200 && !question.test(shown); i++) await new Promise((r) => setTimeout(r, 10));
      input.write(`${text}\n`);
    };
    await answer(/Project name: \(my-filter\)/, "asked-filter");
    await answer(/Template:[\s\S]*choice \(http-filter\)/, "3");
    const result = await asked;
    expect(result).toMatchObject({ packageName: "asked-filter", template: "rate-limit" });
    expect(shown).toContain("1. http-filter");
  });

  it("--help prints the usage", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("--template <name>");
    expect(result.stdout).toContain("--no-install");
  });
});
