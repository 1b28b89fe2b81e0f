// Envoy's own API definitions (.proto files shipped by @grpc/grpc-js-xds), loaded with protobufjs.
// Packages load on demand, so any `@type` an Envoy config names can be resolved and checked.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);

function protoRoots(): string[] {
  const deps = path.join(path.dirname(require.resolve("@grpc/grpc-js-xds/package.json")), "deps");
  const protobufjs = path.dirname(require.resolve("protobufjs/package.json"));
  return [path.join(deps, "envoy-api"), path.join(deps, "xds"), path.join(deps, "googleapis"), path.join(deps, "protoc-gen-validate"), protobufjs];
}

export class EnvoyApi {
  private static instance: EnvoyApi | undefined;
  static get(): EnvoyApi {
    return (EnvoyApi.instance ??= new EnvoyApi());
  }

  readonly root = new protobuf.Root();
  private readonly roots = protoRoots();
  /** proto package → files (relative to a root) declaring it. */
  private readonly packages = new Map<string, string[]>();
  private readonly loadedPackages = new Set<string>();

  private constructor() {
    for (const r of this.roots.slice(0, 4)) this.indexPackages(r, "");
    this.root.resolvePath = (_origin, target) => {
      for (const r of this.roots) {
        const candidate = path.join(r, target);
        if (existsSync(candidate)) return candidate;
      }
      return target;
    };
    this.loadPackage("envoy.config.bootstrap.v3");
  }

  private indexPackages(root: string, rel: string): void {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const relPath = path.join(rel, entry.name);
      if (entry.isDirectory()) this.indexPackages(root, relPath);
      else if (entry.name.endsWith(".proto")) {
        const match = /^package\s+([\w.]+)\s*;/m.exec(readFileSync(path.join(root, relPath), "utf8"));
        if (match) this.packages.set(match[1], [...(this.packages.get(match[1]) ?? []), relPath]);
      }
    }
  }

  private loadPackage(pkg: string): boolean {
    if (this.loadedPackages.has(pkg)) return true;
    const files = this.packages.get(pkg);
    if (!files) return false;
    this.root.loadSync(files, { keepCase: true });
    this.root.resolveAll();
    this.loadedPackages.add(pkg);
    return true;
  }

  /** The message type with this full name, loading its package if needed; undefined if Envoy has none. */
  lookupType(fullName: string): protobuf.Type | undefined {
    const found = this.tryLookup(fullName);
    if (found) return found;
    const parts = fullName.split(".");
    for (let n = parts.length - 1; n > 0; n--) {
      if (this.loadPackage(parts.slice(0, n).join("."))) return this.tryLookup(fullName);
    }
    return undefined;
  }

  private tryLookup(fullName: string): protobuf.Type | undefined {
    const found = this.root.lookup(fullName);
    return found instanceof protobuf.Type ? found : undefined;
  }
}
