// Loads and validates a proxyscript.yaml into the Gateway model: YAML → JSON Schema → defaults →
// cross-checks (names, references, files) → each filter's config against its own schema.
// Every problem found is reported at once, each with file:line:col and field path.
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDurationMs } from "./duration.ts";
import { GatewayError, type GatewayIssue } from "./errors.ts";
import { formatPath, type PathSegment } from "./field-path.ts";
import type { Cluster, Endpoint, Filter, Gateway, Route, RouteMatch } from "./model.ts";
import { compileSchemaFile, schemaIssues } from "./schema-check.ts";
import { YamlSource } from "./yaml-source.ts";

export const GATEWAY_SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "proxyscript.schema.json");

/** Reads and validates a gateway file; relative paths in it resolve against its folder. */
export async function loadGateway(file: string): Promise<Gateway> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GatewayError([{ file, path: "", message: code === "ENOENT" ? "gateway file not found" : `cannot read gateway file (${code ?? String(e)})` }]);
  }
  return parseGateway(text, path.dirname(path.resolve(file)), file);
}

// Raw shapes after the schema check (snake_case, as written).
interface RawCluster { name: string; endpoints?: string[]; url?: string; protocol?: "http" | "https"; connect_timeout?: string; http2?: boolean }
interface RawRoute { name?: string; match?: RouteMatch; cluster: string; hostnames?: string[]; filters?: string[]; timeout?: string }
interface RawFilter {
  name: string; source?: string; wasm?: string; image?: string; image_digest?: string; url?: string; sha256?: string;
  root_id?: string; config?: unknown; config_file?: string; config_schema?: string; vm_config?: unknown; fail_open?: boolean;
}
interface RawGateway {
  listener?: { address?: string; port?: number };
  workers?: number;
  clusters: RawCluster[];
  routes?: RawRoute[];
  filters?: RawFilter[];
  kubernetes?: { gateway?: string; gateway_namespace?: string; namespace?: string };
}

/** Parses gateway YAML text. `sourceName` is how errors name the file (default proxyscript.yaml). */
export function parseGateway(text: string, baseDir: string, sourceName = "proxyscript.yaml"): Gateway {
  const source = new YamlSource(text, sourceName);
  if (source.parseIssues.length) throw new GatewayError(source.parseIssues);
  if (source.value === undefined || source.value === null) {
    throw new GatewayError([{ file: sourceName, path: "", message: "the file is empty; expected a mapping with listener, clusters, routes and filters" }]);
  }
  const schemaErrors = schemaIssues(compileSchemaFile(GATEWAY_SCHEMA_FILE), source.value, source);
  if (schemaErrors.length) throw new GatewayError(schemaErrors);

  const checker = new Checker(source, path.resolve(baseDir));
  const gateway = checker.build(source.value as RawGateway);
  if (checker.issues.length) throw new GatewayError(checker.issues);
  return gateway;
}

class Checker {
  readonly issues: GatewayIssue[] = [];
  constructor(private readonly source: YamlSource, private readonly baseDir: string) {}

  report(segments: PathSegment[], message: string, options: { key?: boolean } = {}): void {
    const pos = this.source.positionOf(segments, options);
    this.issues.push({ file: this.source.file, line: pos?.line, col: pos?.col, path: formatPath(segments), message });
  }

  build(raw: RawGateway): Gateway {
    const clusters = raw.clusters.map((c, i) => this.cluster(c, i));
    this.unique(clusters.map((c) => c.name), "clusters");
    const filters = (raw.filters ?? []).map((f, i) => this.filter(f, i));
    this.unique(filters.map((f) => f.name), "filters");
    const routes = this.routes(raw, new Set(clusters.map((c) => c.name)), filters.map((f) => f.name));
    this.unique(routes.map((r) => r.name), "routes");
    const address = raw.listener?.address;
    // Envoy binds listeners to IP addresses only ("localhost" is refused as malformed).
    if (address !== undefined && isIP(address) === 0) this.report(["listener", "address"], `expected an IP address such as 127.0.0.1, 0.0.0.0 or ::, got ${JSON.stringify(address)}`);
    const namespace = raw.kubernetes?.namespace ?? "default";
    return {
      baseDir: this.baseDir,
      kubernetes: { gatewayName: raw.kubernetes?.gateway ?? "eg", gatewayNamespace: raw.kubernetes?.gateway_namespace, namespace },
      listener: { address: raw.listener?.address ?? "127.0.0.1", port: raw.listener?.port ?? 10000 },
      workers: raw.workers ?? 1,
      clusters,
      routes,
      filters,
    };
  }

  private unique(names: string[], list: string): void {
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      const first = seen.get(name);
      if (first !== undefined) this.report([list, i, "name"], `duplicate name "${name}" (also ${list}[${first}])`);
      else seen.set(name, i);
    });
  }

  private cluster(raw: RawCluster, i: number): Cluster {
    const at: PathSegment[] = ["clusters", i];
    let endpoints: Endpoint[] = [];
    let protocol = raw.protocol;
    if (raw.endpoints && raw.url) this.report([...at, "url"], "give endpoints or url, not both");
    else if (!raw.endpoints && !raw.url) this.report(at, 'expected endpoints (["host:port"]) or url ("http://host:port")');
    if (raw.endpoints) {
      endpoints = raw.endpoints.map((e, j) => this.endpoint(e, [...at, "endpoints", j]));
    } else if (raw.url) {
      const parsed = this.clusterUrl(raw.url, [...at, "url"]);
      if (parsed) {
        endpoints = [parsed.endpoint];
        if (protocol && protocol !== parsed.protocol) this.report([...at, "protocol"], `is "${protocol}" but url uses ${parsed.protocol}`);
        protocol = parsed.protocol;
      }
    }
    const connectTimeoutMs = raw.connect_timeout ? parseDurationMs(raw.connect_timeout) : 5000;
    if (raw.connect_timeout && connectTimeoutMs <= 0) this.report([...at, "connect_timeout"], "expected a duration greater than 0");
    const cluster: Cluster = { name: raw.name, endpoints, protocol: protocol ?? "http", connectTimeoutMs };
    if (raw.http2) cluster.http2 = true;
    return cluster;
  }

  private endpoint(text: string, at: PathSegment[]): Endpoint {
    const colon = text.lastIndexOf(":");
    const host = text.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
    const port = Number(text.slice(colon + 1));
    if (port < 1 || port > 65535) this.report(at, `port ${port} is out of range (1-65535)`);
    return { host, port };
  }

  private clusterUrl(text: string, at: PathSegment[]): { endpoint: Endpoint; protocol: "http" | "https" } | undefined {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.report(at, `expected a URL such as "http://127.0.0.1:8080", got ${JSON.stringify(text)}`);
      return undefined;
    }
    if (url.pathname !== "/" || url.search || url.hash || url.username) {
      this.report(at, "expected only scheme, host and port (a cluster has no path; routes choose paths)");
      return undefined;
    }
    const protocol = url.protocol === "https:" ? "https" : "http";
    const port = url.port ? Number(url.port) : protocol === "https" ? 443 : 80;
    return { endpoint: { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port }, protocol };
  }

  private routes(raw: RawGateway, clusters: Set<string>, filterNames: string[]): Route[] {
    let rawRoutes = raw.routes;
    if (!rawRoutes) {
      if (raw.clusters.length !== 1) {
        this.report([], `routes is required when more than one cluster is declared (${raw.clusters.length} are)`);
        return [];
      }
      rawRoutes = [{ name: "default", cluster: raw.clusters[0].name }];
    }
    return rawRoutes.map((r, i) => {
      const at: PathSegment[] = ["routes", i];
      if (!clusters.has(r.cluster)) this.report([...at, "cluster"], `unknown cluster "${r.cluster}" (declared: ${[...clusters].join(", ") || "none"})`);
      const match: RouteMatch = { ...(r.match ?? {}) };
      if (match.prefix !== undefined && match.path !== undefined) this.report([...at, "match", "path"], "give prefix or path, not both");
      if (match.prefix === undefined && match.path === undefined) match.prefix = "/";
      match.headers?.forEach((h, j) => {
        if (h.exact !== undefined && h.present !== undefined) this.report([...at, "match", "headers", j], "give exact or present, not both");
        if (h.exact === undefined && h.present === undefined) h.present = true;
        h.name = h.name.toLowerCase();
      });
      const filters = r.filters ?? filterNames;
      const seen = new Set<string>();
      r.filters?.forEach((name, j) => {
        if (!filterNames.includes(name)) this.report([...at, "filters", j], `unknown filter "${name}" (declared: ${filterNames.join(", ") || "none"})`);
        if (seen.has(name)) this.report([...at, "filters", j], `filter "${name}" is listed twice`);
        seen.add(name);
      });
      // Envoy has one filter chain per listener: a route may skip filters, not reorder them.
      const declared = (r.filters ?? []).filter((n) => filterNames.includes(n));
      for (let j = 1; j < declared.length; j++) {
        if (filterNames.indexOf(declared[j]) < filterNames.indexOf(declared[j - 1])) {
          this.report([...at, "filters", r.filters!.indexOf(declared[j])],
            `filters run in the order they are declared under filters (Envoy has one chain per listener): list "${declared[j]}" before "${declared[j - 1]}"`);
          break;
        }
      }
      const timeoutMs = r.timeout ? parseDurationMs(r.timeout) : 15000;
      return { name: r.name ?? `route-${i}`, match, cluster: r.cluster, hostnames: r.hostnames ?? [], filters: [...filters], timeoutMs };
    });
  }

  private file(relative: string, at: PathSegment[], what: string): string | undefined {
    const abs = path.resolve(this.baseDir, relative);
    if (!existsSync(abs)) {
      this.report(at, `${what} not found: ${abs}`);
      return undefined;
    }
    if (!statSync(abs).isFile()) {
      this.report(at, `${what} is not a file: ${abs}`);
      return undefined;
    }
    return abs;
  }

  private filter(raw: RawFilter, i: number): Filter {
    const at: PathSegment[] = ["filters", i];
    const sourceFile = raw.source !== undefined ? this.file(raw.source, [...at, "source"], "source file") : undefined;
    let wasm: string;
    if (raw.wasm !== undefined) {
      wasm = path.resolve(this.baseDir, raw.wasm);
      // With a source, `proxyscript build` produces the .wasm, so it need not exist yet.
      if (raw.source === undefined) this.file(raw.wasm, [...at, "wasm"], "wasm file");
    } else if (raw.source !== undefined) {
      wasm = path.resolve(this.baseDir, "build", `${raw.name}.wasm`);
    } else {
      this.report(at, "expected wasm (a .wasm path) or source (an AssemblyScript entry)");
      wasm = "";
    }

    const { config, configValue } = this.filterConfig(raw, at);
    const configSchema = this.configSchemaFor(raw, at, sourceFile, wasm);
    if (configSchema) this.checkConfig(configSchema, configValue, raw, at);

    const filter: Filter = {
      name: raw.name,
      code: { wasm, source: sourceFile, image: raw.image, imageDigest: raw.image_digest, url: raw.url, sha256: raw.sha256 },
      rootId: raw.root_id ?? "",
      config,
      configValue,
      vmConfig: raw.vm_config === undefined ? "" : typeof raw.vm_config === "string" ? raw.vm_config : JSON.stringify(raw.vm_config),
      failOpen: raw.fail_open ?? false,
      configSchema,
    };
    for (const key of ["source", "image", "imageDigest", "url", "sha256"] as const) if (filter.code[key] === undefined) delete filter.code[key];
    if (filter.configSchema === undefined) delete filter.configSchema;
    return filter;
  }

  private filterConfig(raw: RawFilter, at: PathSegment[]): { config: string; configValue: unknown } {
    if (raw.config !== undefined && raw.config_file !== undefined) {
      this.report([...at, "config_file"], "give config or config_file, not both");
    }
    if (raw.config_file !== undefined) {
      const file = this.file(raw.config_file, [...at, "config_file"], "config file");
      if (!file) return { config: "{}", configValue: undefined };
      const configSource = new YamlSource(readFileSync(file, "utf8"), file);
      if (configSource.parseIssues.length) {
        this.issues.push(...configSource.parseIssues);
        return { config: "{}", configValue: undefined };
      }
      return { config: JSON.stringify(configSource.value ?? {}), configValue: configSource.value ?? {} };
    }
    if (typeof raw.config === "string") {
      // An empty configuration is what Envoy passes when none is set: keep it as written.
      if (raw.config.trim() === "") return { config: raw.config, configValue: undefined };
      try {
        return { config: raw.config, configValue: JSON.parse(raw.config) };
      } catch (e) {
        this.report([...at, "config"], `expected an object or a JSON string; the string is not JSON (${(e as Error).message})`);
        return { config: raw.config, configValue: undefined };
      }
    }
    if (raw.config !== undefined) return { config: JSON.stringify(raw.config), configValue: raw.config };
    return { config: "{}", configValue: {} };
  }

  /** The schema named by config_schema, else a config.schema.json shipped beside the filter. */
  private configSchemaFor(raw: RawFilter, at: PathSegment[], sourceFile: string | undefined, wasm: string): string | undefined {
    if (raw.config_schema !== undefined) return this.file(raw.config_schema, [...at, "config_schema"], "config schema");
    const folders: string[] = [];
    if (sourceFile) folders.push(path.dirname(sourceFile));
    if (wasm) {
      folders.push(path.dirname(wasm));
      if (path.basename(path.dirname(wasm)) === "build") folders.push(path.dirname(path.dirname(wasm)));
    }
    return folders.map((d) => path.join(d, "config.schema.json")).find((f) => existsSync(f));
  }

  private checkConfig(schemaFile: string, value: unknown, raw: RawFilter, at: PathSegment[]): void {
    if (value === undefined && typeof raw.config === "string" && raw.config.trim() === "") value = {}; // empty: check as {}
    if (value === undefined) return; // unreadable config, already reported
    let validate;
    try {
      validate = compileSchemaFile(schemaFile);
    } catch (e) {
      this.report([...at, raw.config_schema !== undefined ? "config_schema" : "name"], `config schema ${schemaFile} is not usable: ${(e as Error).message}`);
      return;
    }
    if (raw.config_file !== undefined) {
      const file = path.resolve(this.baseDir, raw.config_file);
      const configSource = new YamlSource(readFileSync(file, "utf8"), file);
      this.issues.push(...schemaIssues(validate, value, configSource).map((issue) => ({ ...issue, message: `${issue.message} (schema ${path.basename(schemaFile)})` })));
      return;
    }
    const configAt = [...at, "config"];
    // Inside a YAML mapping we can point at the field; inside a JSON string, at the string.
    const inline = typeof raw.config !== "string";
    const found = schemaIssues(validate, value, this.source, configAt, (p, key) =>
      this.source.positionOf(inline ? p : configAt, { key: inline && key }));
    this.issues.push(...found.map((issue) => ({ ...issue, message: `${issue.message} (schema ${path.basename(schemaFile)})` })));
  }
}
