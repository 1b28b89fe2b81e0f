// `proxyscript image build|push|pull`: Wasm OCI images that Envoy Gateway and Istio fetch.
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { resolveCredentials } from "../../oci/credentials.ts";
import { buildWasmImage, type WasmImage } from "../../oci/image.ts";
import { isImageLayout, readImageLayout, writeImageLayout } from "../../oci/layout.ts";
import { IMAGE_FORMATS, type ImageFormat } from "../../oci/media-types.ts";
import { stderrProgress } from "../../oci/progress.ts";
import { pullImage } from "../../oci/pull.ts";
import { pushImage, type TransferOptions } from "../../oci/push.ts";
import { parseImageReference, type ImageReference } from "../../oci/reference.ts";
import { loadWasmSource } from "../../oci/wasm-source.ts";

interface ImageFlags {
  format: string;
  rootId?: string[];
  debug?: boolean;
  json?: boolean;
}

interface TransferFlags extends ImageFlags {
  username?: string;
  password?: string;
  insecure?: boolean;
  dockerConfig?: string;
  chunkSize?: string;
  retries?: string;
}

function imageFormat(text: string): ImageFormat {
  if (!(IMAGE_FORMATS as readonly string[]).includes(text)) {
    throw new UserError(`--format must be one of ${IMAGE_FORMATS.join(", ")}, not "${text}"`);
  }
  return text as ImageFormat;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`${flag} must be a positive whole number, not "${text}"`);
  return n;
}

async function imageFromFilter(filter: string, flags: ImageFlags): Promise<{ image: WasmImage; wasmPath: string }> {
  const source = await loadWasmSource(filter, { target: flags.debug ? "debug" : "release" });
  return { image: buildWasmImage(source.wasm, { format: imageFormat(flags.format), rootIds: flags.rootId }), wasmPath: source.wasmPath };
}

function transferOptions(ref: ImageReference, flags: TransferFlags): TransferOptions {
  const attempts = positiveInt(flags.retries, "--retries");
  return {
    credentials: resolveCredentials(ref.registry, { username: flags.username, password: flags.password, dockerConfig: flags.dockerConfig }),
    insecure: flags.insecure,
    chunkSize: positiveInt(flags.chunkSize, "--chunk-size"),
    retry: attempts ? { attempts } : undefined,
    progress: stderrProgress(Boolean(process.stderr.isTTY) && !flags.json),
  };
}

/** `<layout>` or `<layout>:<tag>` (an OCI layout folder), else a filter to build. */
async function imageFromArgument(source: string, ref: ImageReference, flags: ImageFlags): Promise<WasmImage> {
  const colon = source.lastIndexOf(":");
  const [dir, tag] = colon > 0 && isImageLayout(source.slice(0, colon)) ? [source.slice(0, colon), source.slice(colon + 1)] : [source, undefined];
  if (existsSync(dir) && statSync(dir).isDirectory() && isImageLayout(dir)) {
    if (tag !== undefined) return readImageLayout(dir, tag);
    // Prefer the image tagged like the destination when the layout holds several.
    try {
      return await readImageLayout(dir);
    } catch (error) {
      if (ref.tag) return readImageLayout(dir, ref.tag);
      throw error;
    }
  }
  return (await imageFromFilter(source, flags)).image;
}

const print = (flags: { json?: boolean }, human: string, json: unknown) =>
  process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${human}\n`);

export function register(program: Command): void {
  const image = program.command("image").description("build, push and pull Wasm OCI images for Envoy Gateway and Istio");
  const formatHelp = `image variant: compat (tar+gzip layer with plugin.wasm) or oci (wasm artifact layers)`;

  image
    .command("build")
    .description("write an OCI image layout holding the filter (reproducible: same input, same digest)")
    .argument("<filter>", ".wasm file, AssemblyScript entry (.ts) or filter folder (built first)")
    .requiredOption("-t, --tag <ref>", "image reference, e.g. registry.example.com/filters/hello:v1")
    .option("-o, --output <dir>", "OCI layout folder (default: build/oci/<repository name>)")
    .option("--format <variant>", formatHelp, "compat")
    .option("--root-id <id...>", "root IDs recorded in the image's runtime config")
    .option("--debug", "build a .ts filter with the debug target")
    .option("--json", "machine-readable output")
    .action(async (filter: string, flags: ImageFlags & { tag: string; output?: string }) => {
      const ref = parseImageReference(flags.tag);
      const { image: built, wasmPath } = await imageFromFilter(filter, flags);
      const out = path.resolve(flags.output ?? path.join("build", "oci", ref.repository.split("/").pop()!));
      await writeImageLayout(out, built, ref.tag ?? "latest");
      print(flags, `${built.digest}\n  layout ${path.relative(process.cwd(), out) || "."} (tag ${ref.tag ?? "latest"}, ${flags.format})`, {
        digest: built.digest,
        layout: out,
        tag: ref.tag ?? "latest",
        format: flags.format,
        wasm: wasmPath,
      });
    });

  const withTransferOptions = (cmd: Command) =>
    cmd
      .option("-u, --username <user>", "registry user (else PROXYSCRIPT_REGISTRY_USER, else ~/.docker/config.json)")
      .option("-p, --password <password>", "registry password (else PROXYSCRIPT_REGISTRY_PASSWORD)")
      .option("--docker-config <file>", "Docker config with `auths` (default $DOCKER_CONFIG/config.json or ~/.docker/config.json)")
      .option("--insecure", "plain HTTP to a registry that is not on loopback")
      .option("--retries <n>", "tries per request on 5xx or dropped connections (default 4)")
      .option("--json", "machine-readable output, no progress");

  withTransferOptions(
    image
      .command("push")
      .description("push an OCI layout (or a filter, built into an image first) to a registry; prints the digest")
      .argument("<source>", "OCI layout folder (optionally <dir>:<tag>), .wasm file, .ts entry or filter folder")
      .argument("<ref>", "destination, e.g. registry.example.com/filters/hello:v1")
      .option("--format <variant>", `${formatHelp} (when <source> is a filter)`, "compat")
      .option("--root-id <id...>", "root IDs recorded in the image's runtime config (when <source> is a filter)")
      .option("--chunk-size <bytes>", "upload blobs larger than this in chunks (default 8388608)")
      .option("--debug", "build a .ts filter with the debug target"),
  ).action(async (source: string, refText: string, flags: TransferFlags) => {
    const ref = parseImageReference(refText);
    const options = transferOptions(ref, flags);
    const built = await imageFromArgument(source, ref, flags);
    const result = await pushImage(built, ref, options);
    print(flags, result.digest, result);
  });

  withTransferOptions(
    image
      .command("pull")
      .description("fetch an image and extract its Wasm module (compat, oci or Docker variant)")
      .argument("<ref>", "image reference, e.g. registry.example.com/filters/hello:v1")
      .option("-o, --output <file>", "where to write the module", "plugin.wasm"),
  ).action(async (refText: string, flags: TransferFlags & { output: string }) => {
    const ref = parseImageReference(refText);
    const result = await pullImage(ref, transferOptions(ref, { ...flags, format: "compat" }));
    await mkdir(path.dirname(path.resolve(flags.output)), { recursive: true });
    await writeFile(flags.output, result.wasm);
    print(flags, `${result.digest}\n  wrote ${flags.output} (${result.wasm.length} bytes, ${result.variant} variant)`, {
      digest: result.digest,
      variant: result.variant,
      output: path.resolve(flags.output),
      bytes: result.wasm.length,
    });
  });
}
