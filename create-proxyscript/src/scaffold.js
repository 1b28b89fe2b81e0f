// Writes a new project: the files every template shares (templates/common), the chosen template's
// files, a package.json and a README, with {{placeholders}} filled in.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors.js";
import { TEMPLATES_DIR } from "./templates.js";
import { DEV_DEPENDENCIES, PROXYSCRIPT_SPEC } from "./versions.js";

// npm drops .gitignore files from published packages, so templates keep it without the dot.
const RENAMED = { gitignore: ".gitignore" };
// Template parts that are not copied as files.
const NOT_COPIED = new Set(["README.section.md"]);
// Entries that do not make a folder "non-empty" (a fresh `git init`, editor folders).
const HARMLESS = new Set([".git", ".DS_Store", ".idea", ".vscode"]);

/**
 * @typedef {{
 *   directory: string, packageName: string, filterName: string,
 *   template: string, reference?: string, proxyscriptSpec?: string, force?: boolean,
 * }} ScaffoldOptions
 */

/** Refuses to write into a folder that already holds files, unless forced. */
export function checkTarget(directory, force = false) {
  if (!existsSync(directory)) return;
  if (!statSync(directory).isDirectory()) throw new UsageError(`${directory} exists and is not a folder`);
  const entries = readdirSync(directory).filter((e) => !HARMLESS.has(e));
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? `, … (${entries.length} entries)` : "");
    throw new UsageError(`${directory} is not empty (${shown}): choose another name, or pass --force to write into it (files with the same names are overwritten)`);
  }
}

/** Fills {{name}} placeholders; an unknown one is a bug in the template, so it fails loudly. */
export function render(text, values, file) {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error(`template ${file}: unknown placeholder {{${key}}}`);
    return values[key];
  });
}

function copyTree(from, to, values, written) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (NOT_COPIED.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, RENAMED[entry.name] ?? entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      copyTree(source, target, values, written);
    } else {
      writeFileSync(target, render(readFileSync(source, "utf8"), values, source));
      written.push(target);
    }
  }
}

/** The folder holding a template's own files (from-reference has one per reference filter). */
export function templateDir(template, reference) {
  return template === "from-reference" ? path.join(TEMPLATES_DIR, "from-reference", reference) : path.join(TEMPLATES_DIR, template);
}

export function packageJson({ packageName, proxyscriptSpec }) {
  return {
    name: packageName,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      build: "proxyscript build",
      test: "proxyscript build && vitest run",
      start: "proxyscript run",
      "envoy:up": "proxyscript envoy up",
      manifests: "proxyscript manifests",
    },
    dependencies: { proxyscript: proxyscriptSpec ?? PROXYSCRIPT_SPEC },
    devDependencies: { ...DEV_DEPENDENCIES },
  };
}

/**
 * Writes the project. Returns the files written (absolute paths).
 * @param {ScaffoldOptions} options
 */
export function scaffold(options) {
  const { directory, packageName, filterName, template, reference } = options;
  checkTarget(directory, options.force);
  const own = templateDir(template, reference);
  const values = { packageName, filterName, template, reference: reference ?? "" };
  values.templateSection = render(readFileSync(path.join(own, "README.section.md"), "utf8"), values, "README.section.md").trim();

  mkdirSync(directory, { recursive: true });
  const written = [];
  copyTree(path.join(TEMPLATES_DIR, "common"), directory, values, written);
  copyTree(own, directory, values, written);
  const manifest = path.join(directory, "package.json");
  writeFileSync(manifest, JSON.stringify(packageJson(options), null, 2) + "\n");
  written.push(manifest);
  return written;
}
