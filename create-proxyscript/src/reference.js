// `from-reference`: copies a reference filter out of the installed proxyscript package into the
// project's src/, turning its repository-relative SDK imports ("../../sdk/index") into package
// imports ("proxyscript/sdk/index") so that it compiles outside the repository.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors.js";

// Test suites of the reference filters run against the repository's build helpers; the project
// gets its own test from the template instead.
const SKIPPED = new Set(["test"]);
const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\2/g;

/**
 * Rewrites the relative imports of one source file.
 * @param {string} text the file's source
 * @param {string} fileInPackage the file's path relative to the package root (e.g. "filters/jwt/crypto/sha256.ts")
 * @param {string} filterDir the filter's folder relative to the package root (e.g. "filters/jwt")
 */
export function rewriteImports(text, fileInPackage, filterDir) {
  return text.replace(RELATIVE_IMPORT, (whole, keyword, quote, specifier) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(fileInPackage), specifier));
    if (target === "sdk" || target.startsWith("sdk/")) return `${keyword}${quote}proxyscript/${target}${quote}`;
    if (target === filterDir || target.startsWith(`${filterDir}/`)) return whole;
    throw new UsageError(`${fileInPackage} imports "${specifier}" (${target}), outside the filter and the SDK: it cannot be copied on its own`);
  });
}

/**
 * Copies filters/<reference> of the proxyscript package at `packageRoot` into `destination`.
 * Returns the files written.
 */
export function copyReferenceFilter(packageRoot, reference, destination) {
  const filterDir = `filters/${reference}`;
  const source = path.join(packageRoot, filterDir);
  if (!existsSync(path.join(source, "index.ts"))) {
    throw new UsageError(`the installed proxyscript package (${packageRoot}) has no reference filter "${reference}" (${source}/index.ts is missing)`);
  }
  const written = [];
  const copy = (relative) => {
    const from = path.join(source, relative);
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (relative === "" && SKIPPED.has(entry.name)) continue;
        copy(child);
        continue;
      }
      const target = path.join(destination, child);
      mkdirSync(path.dirname(target), { recursive: true });
      const content = readFileSync(path.join(from, entry.name));
      writeFileSync(target, entry.name.endsWith(".ts") ? rewriteImports(content.toString("utf8"), `${filterDir}/${child}`, filterDir) : content);
      written.push(target);
    }
  };
  copy("");
  return written;
}
