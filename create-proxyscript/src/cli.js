// `create-proxyscript [name] [--template t] [--reference r] [--yes] [--no-install] [--force]`
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { installDependencies, packageManager } from "./install.js";
import { projectIdentity } from "./name.js";
import { createAsker } from "./prompt.js";
import { copyReferenceFilter } from "./reference.js";
import { scaffold, checkTarget } from "./scaffold.js";
import { DEFAULT_REFERENCE, DEFAULT_TEMPLATE, describeChoices, REFERENCES, TEMPLATES } from "./templates.js";

export const USAGE = `Usage: npm create proxyscript@latest [name] -- [options]
       create-proxyscript [name] [options]

Creates a ProxyScript project: an Envoy filter in TypeScript (AssemblyScript), its tests on
the embedded host, and a proxyscript.yaml for \`proxyscript run\`, \`envoy up\` and \`manifests\`.

Options:
  -t, --template <name>     ${describeChoices(TEMPLATES)} (default ${DEFAULT_TEMPLATE})
  -r, --reference <filter>  with --template from-reference: ${describeChoices(REFERENCES)} (default ${DEFAULT_REFERENCE})
  -y, --yes                 use defaults for anything not given; never prompt
      --no-install          do not install dependencies
  -f, --force               write into a folder that is not empty
      --proxyscript <spec>  the proxyscript dependency (a version range, tarball or folder)
  -h, --help                show this help
`;

/**
 * @typedef {{ name?: string, template?: string, reference?: string, yes: boolean, install: boolean,
 *             force: boolean, proxyscript?: string, help: boolean }} CreateFlags
 * @param {string[]} argv
 * @returns {CreateFlags}
 */
export function parseFlags(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        template: { type: "string", short: "t" },
        reference: { type: "string", short: "r" },
        yes: { type: "boolean", short: "y", default: false },
        install: { type: "boolean", default: true },
        "no-install": { type: "boolean", default: false },
        force: { type: "boolean", short: "f", default: false },
        proxyscript: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err.message} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`expected one project name, got ${positionals.length}: ${positionals.join(" ")}`);
  const flags = {
    name: positionals[0],
    template: values.template,
    reference: values.reference,
    yes: values.yes,
    install: values.install && !values["no-install"],
    force: values.force,
    proxyscript: values.proxyscript,
    help: values.help,
  };
  if (flags.template !== undefined && !(flags.template in TEMPLATES)) {
    throw new UsageError(`unknown template "${flags.template}": expected one of ${describeChoices(TEMPLATES)}`);
  }
  if (flags.reference !== undefined) {
    if (!(flags.reference in REFERENCES)) throw new UsageError(`unknown reference filter "${flags.reference}": expected one of ${describeChoices(REFERENCES)}`);
    if (flags.template !== undefined && flags.template !== "from-reference") {
      throw new UsageError(`--reference goes with --template from-reference, not --template ${flags.template}`);
    }
  }
  return flags;
}

/** A relative path of a local tarball or folder must still point at it from inside the new project. */
function dependencySpec(spec, cwd, directory) {
  if (spec === undefined) return undefined;
  const local = /^(file:)?(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.exec(spec) || /\.t(ar\.)?gz$/.test(spec);
  if (!local) return spec;
  const file = path.resolve(cwd, spec.replace(/^file:/, ""));
  return `file:${path.relative(directory, file) || "."}`;
}

/**
 * Runs the whole flow. `io.interactive` false (no TTY) behaves like --yes.
 * @param {string[]} argv
 * @param {{ cwd?: string, interactive?: boolean, input?: NodeJS.ReadableStream, out?: NodeJS.WritableStream, quietInstall?: boolean }} io
 */
export async function create(argv, io = {}) {
  const cwd = io.cwd ?? process.cwd();
  const out = io.out ?? process.stdout;
  const flags = parseFlags(argv);
  if (flags.help) {
    out.write(USAGE);
    return null;
  }
  const interactive = !flags.yes && (io.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY));
  const asker = interactive ? createAsker({ input: io.input, output: out }) : null;
  let name = flags.name;
  let template = flags.template;
  let reference = flags.reference;
  try {
    if (name === undefined) name = asker ? await asker.text("Project name:", "my-filter") : "my-filter";
    const identity = projectIdentity(name, cwd);
    checkTarget(identity.directory, flags.force); // before the questions that follow, not after
    if (template === undefined) template = reference !== undefined ? "from-reference" : asker ? await asker.choose("Template:", TEMPLATES, DEFAULT_TEMPLATE) : DEFAULT_TEMPLATE;
    if (template === "from-reference" && reference === undefined) {
      reference = asker ? await asker.choose("Reference filter to start from:", REFERENCES, DEFAULT_REFERENCE) : DEFAULT_REFERENCE;
    }
    if (template === "from-reference" && !flags.install) {
      throw new UsageError("--template from-reference copies the filter out of the installed proxyscript package: it needs the install step (drop --no-install)");
    }
    asker?.close();

    const options = { ...identity, template, reference, force: flags.force, proxyscriptSpec: dependencySpec(flags.proxyscript, cwd, identity.directory) };
    const written = scaffold(options);
    const shown = path.relative(cwd, identity.directory) || ".";
    out.write(`Created ${identity.packageName} in ${shown} from the ${template}${reference ? ` (${reference})` : ""} template.\n`);

    const manager = packageManager();
    if (flags.install) {
      out.write(`Installing dependencies with ${manager}…\n`);
      await installDependencies(identity.directory, { manager, quiet: io.quietInstall });
      if (template === "from-reference") {
        const packageRoot = path.join(identity.directory, "node_modules", "proxyscript");
        written.push(...copyReferenceFilter(packageRoot, reference, path.join(identity.directory, "src")));
      }
    }
    const run = manager === "npm" ? "npm run" : manager;
    out.write(`\nNext:\n${shown === "." ? "" : `  cd ${shown}\n`}${flags.install ? "" : `  ${manager} install\n`}` +
      `  ${manager === "npm" ? "npm test" : `${manager} test`}         build the filter and run its tests\n` +
      `  npx proxyscript run      serve proxyscript.yaml locally (http://127.0.0.1:10000)\n` +
      `  ${run} envoy:up   the same gateway in a real Envoy (Docker)\n` +
      `See README.md for images and Kubernetes manifests.\n`);
    return { ...identity, template, reference, files: written };
  } finally {
    asker?.close();
  }
}
