// `proxyscript manifests [proxyscript.yaml]`: Kubernetes YAML for Envoy Gateway (HTTPRoute +
// EnvoyExtensionPolicy, default) or Istio (HTTPRoute + WasmPlugin); with --push, each filter's
// .wasm is pushed to its `image` first and the pushed digest goes into the manifests.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { loadGateway } from "../../gateway/load.ts";
import type { Gateway } from "../../gateway/model.ts";
import { addIstioWasmPluginSchema, loadCrdSchemas } from "../../kube/crd-json-schema.ts";
import { CrdValidator } from "../../kube/crd-validator.ts";
import { generateManifests, ManifestError, manifestsToYaml, MANIFEST_TARGETS, type ManifestTarget } from "../../kube/generate.ts";
import { resolveCredentials } from "../../oci/credentials.ts";
import { buildWasmImage } from "../../oci/image.ts";
import { IMAGE_FORMATS, type ImageFormat } from "../../oci/media-types.ts";
import { stderrProgress } from "../../oci/progress.ts";
import { pushImage } from "../../oci/push.ts";
import { parseImageReference } from "../../oci/reference.ts";
import { readWasmFile } from "../../oci/wasm-source.ts";

interface ManifestFlags {
  target: string;
  output?: string;
  push?: boolean;
  format: string;
  username?: string;
  password?: string;
  dockerConfig?: string;
  insecure?: boolean;
  json?: boolean;
  pullSecret?: string;
  crds?: string[];
  digestsFromWasm?: boolean;
}

/** Pushes the .wasm of every routed filter that names an image; returns digests by filter name. */
export async function pushFilterImages(gateway: Gateway, flags: Pick<ManifestFlags, "format" | "username" | "password" | "dockerConfig" | "insecure" | "json">): Promise<Map<string, string>> {
  if (!(IMAGE_FORMATS as readonly string[]).includes(flags.format)) throw new UserError(`--format must be one of ${IMAGE_FORMATS.join(", ")}, not "${flags.format}"`);
  const digests = new Map<string, string>();
  const routed = gateway.filters.filter((f) => f.code.image && gateway.routes.some((r) => r.filters.includes(f.name)));
  if (routed.length === 0) throw new UserError("--push: no filter on a route names an image to push to");
  for (const filter of routed) {
    if (!existsSync(filter.code.wasm)) {
      throw new UserError(`--push: filter "${filter.name}": ${filter.code.wasm} does not exist; build it first (proxyscript build)`);
    }
    const ref = parseImageReference(filter.code.image!);
    const image = buildWasmImage(await readWasmFile(filter.code.wasm), { format: flags.format as ImageFormat, rootIds: filter.rootId ? [filter.rootId] : [] });
    const result = await pushImage(image, ref, {
      credentials: resolveCredentials(ref.registry, { username: flags.username, password: flags.password, dockerConfig: flags.dockerConfig }),
      insecure: flags.insecure,
      progress: stderrProgress(Boolean(process.stderr.isTTY) && !flags.json),
    });
    digests.set(filter.name, result.digest);
  }
  return digests;
}

/**
 * The digest each routed image filter's image has when built from its local .wasm: image builds are
 * reproducible, so this is the digest `image push`/`--push` produced (or will produce) for that module.
 */
export async function localImageDigests(gateway: Gateway, format: string): Promise<Map<string, string>> {
  if (!(IMAGE_FORMATS as readonly string[]).includes(format)) throw new UserError(`--format must be one of ${IMAGE_FORMATS.join(", ")}, not "${format}"`);
  const digests = new Map<string, string>();
  for (const filter of gateway.filters) {
    if (!filter.code.image || filter.code.imageDigest || !gateway.routes.some((r) => r.filters.includes(filter.name))) continue;
    if (!existsSync(filter.code.wasm)) throw new UserError(`--digests-from-wasm: filter "${filter.name}": ${filter.code.wasm} does not exist; build it first`);
    const image = buildWasmImage(await readWasmFile(filter.code.wasm), { format: format as ImageFormat, rootIds: filter.rootId ? [filter.rootId] : [] });
    digests.set(filter.name, image.digest);
  }
  return digests;
}

export function register(program: Command): void {
  program
    .command("manifests")
    .description("write Kubernetes YAML: HTTPRoute + EnvoyExtensionPolicy per route (or Istio WasmPlugins)")
    .argument("[gateway]", "gateway file", "proxyscript.yaml")
    .option("--target <target>", `${MANIFEST_TARGETS.join(" or ")}`, "envoy-gateway")
    .option("-o, --output <file>", "write the YAML here instead of stdout")
    .option("--push", "push each filter's .wasm to its image first and use the pushed digests")
    .option("--digests-from-wasm", "without pushing: use the digest each image has when built from the local .wasm (builds are reproducible)")
    .option("--pull-secret <name>", "docker-registry Secret the cluster pulls private images with")
    .option("--format <variant>", "image variant for --push and --digests-from-wasm: compat or oci", "compat")
    .option("-u, --username <user>", "registry user for --push (else PROXYSCRIPT_REGISTRY_USER, else ~/.docker/config.json)")
    .option("-p, --password <password>", "registry password for --push (else PROXYSCRIPT_REGISTRY_PASSWORD)")
    .option("--docker-config <file>", "Docker config with `auths` for --push")
    .option("--insecure", "plain HTTP to a non-loopback registry for --push")
    .option("--crds <files...>", "also validate every object against these CRD files (YAML, e.g. the Gateway API and Envoy Gateway CRDs)")
    .option("--json", "print the objects as a JSON list instead of YAML")
    .action(async (file: string, flags: ManifestFlags) => {
      if (!(MANIFEST_TARGETS as readonly string[]).includes(flags.target)) {
        throw new UserError(`--target must be one of ${MANIFEST_TARGETS.join(", ")}, not "${flags.target}"`);
      }
      const gateway = await loadGateway(file);
      if (flags.push && flags.digestsFromWasm) throw new UserError("give --push or --digests-from-wasm, not both");
      const imageDigests = flags.push
        ? await pushFilterImages(gateway, flags)
        : flags.digestsFromWasm
          ? await localImageDigests(gateway, flags.format)
          : undefined;
      const { objects, warnings } = generateManifests(gateway, { target: flags.target as ManifestTarget, imageDigests, pullSecret: flags.pullSecret });
      if (flags.crds) {
        for (const crd of flags.crds) if (!existsSync(crd)) throw new UserError(`--crds: ${crd} does not exist`);
        let validator: CrdValidator;
        try {
          validator = new CrdValidator(addIstioWasmPluginSchema(loadCrdSchemas(flags.crds)));
        } catch (error) {
          throw new UserError(`--crds: cannot read the CRDs: ${(error as Error).message}`);
        }
        const uncovered = [...new Set(objects.filter((o) => !validator.covers(o)).map((o) => `${o.apiVersion} ${o.kind}`))];
        for (const kind of uncovered) warnings.push(`--crds: no CRD given for ${kind}; those objects were not validated`);
        const problems = objects.filter((o) => validator.covers(o)).flatMap((o) => validator.validate(o));
        if (problems.length) throw new ManifestError(problems);
      }
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      const text = flags.json ? `${JSON.stringify(objects, null, 2)}\n` : manifestsToYaml(objects);
      if (flags.output) {
        await mkdir(path.dirname(path.resolve(flags.output)), { recursive: true });
        await writeFile(flags.output, text);
      } else {
        process.stdout.write(text);
      }
    });
}
