// Installs the new project's dependencies with the package manager that ran `create`.
import { spawn } from "node:child_process";

/** npm, pnpm, yarn or bun, from the user agent the package manager sets for `create` (default npm). */
export function packageManager(userAgent = process.env.npm_config_user_agent ?? "") {
  const name = userAgent.split("/")[0];
  return ["pnpm", "yarn", "bun"].includes(name) ? name : "npm";
}

/**
 * Runs `<pm> install` in `directory`. Resolves when it succeeds; rejects with its exit status.
 * @param {string} directory
 * @param {{ manager?: string, quiet?: boolean }} options quiet: capture output (shown only on failure)
 */
export function installDependencies(directory, { manager = packageManager(), quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(manager, ["install"], {
      cwd: directory,
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      shell: process.platform === "win32",
    });
    let output = "";
    child.stdout?.on("data", (d) => { output += d; });
    child.stderr?.on("data", (d) => { output += d; });
    child.on("error", (err) => reject(new Error(`could not start ${manager}: ${err.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(undefined);
      else reject(new Error(`\`${manager} install\` failed in ${directory} (exit ${code})${output ? `:\n${output.trim()}` : ""}`));
    });
  });
}
