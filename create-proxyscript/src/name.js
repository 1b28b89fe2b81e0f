// From what the user typed ("my-filter", "./filters/my-filter", "@acme/my-filter", ".") to the
// project's folder, its npm package name and the filter's name in proxyscript.yaml.
import path from "node:path";
import validatePackageName from "validate-npm-package-name";
import { UsageError } from "./errors.js";

// What proxyscript.yaml accepts as a filter name (harness/gateway/proxyscript.schema.json).
const FILTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * @typedef {{ directory: string, packageName: string, filterName: string }} ProjectIdentity
 * @param {string} input the project name or folder as typed
 * @param {string} cwd
 * @returns {ProjectIdentity}
 */
export function projectIdentity(input, cwd = process.cwd()) {
  const typed = input.trim();
  if (typed === "") throw new UsageError("the project name is empty: give one, e.g. `npm create proxyscript@latest my-filter`");

  let directory;
  let packageName;
  if (typed.startsWith("@")) {
    // A scoped package name: the folder is the part after the scope.
    const scoped = /^@([^/\\]+)\/([^/\\]+)$/.exec(typed);
    if (!scoped) throw new UsageError(`invalid project name "${typed}": a scoped name looks like @scope/name`);
    directory = path.resolve(cwd, scoped[2]);
    packageName = typed;
  } else {
    directory = path.resolve(cwd, typed);
    packageName = path.basename(directory);
  }

  const verdict = validatePackageName(packageName);
  if (!verdict.validForNewPackages) {
    const problems = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
    const shown = packageName === typed ? `"${typed}"` : `"${packageName}" (from "${typed}")`;
    throw new UsageError(`invalid project name ${shown}: ${problems.join("; ")}. Use lower-case letters, digits, "-", "." or "_", e.g. my-filter`);
  }
  const filterName = packageName.replace(/^@[^/]+\//, "");
  if (!FILTER_NAME.test(filterName)) {
    throw new UsageError(`invalid project name "${packageName}": the filter is named "${filterName}" in proxyscript.yaml, which takes letters, digits, "-", "_" or "." (starting with a letter or digit), at most 63 characters`);
  }
  return { directory, packageName, filterName };
}
