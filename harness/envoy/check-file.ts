// Checks an envoy.yaml (or .json) on disk — generated or hand-written — against Envoy's API,
// reporting each problem as file:line:col: path: message.
import { readFile } from "node:fs/promises";
import { formatIssue, GatewayError, type GatewayIssue } from "../gateway/errors.ts";
import type { PathSegment } from "../gateway/field-path.ts";
import { YamlSource } from "../gateway/yaml-source.ts";
import { checkBootstrap } from "./envoy-yaml.ts";
import type { EnvoyConfigIssue } from "./validate.ts";

/**
 * Splits a validator path ("a.b[0].typed_per_filter_config.proxyscript.x") into segments by walking
 * the document, so keys that contain dots stay whole.
 */
export function segmentsOf(path: string, root: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let rest = path;
  let node: unknown = root;
  while (rest) {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index && Array.isArray(node)) {
      segments.push(Number(index[1]));
      node = node[Number(index[1])];
      rest = rest.slice(index[0].length);
      continue;
    }
    const keys = node !== null && typeof node === "object" && !Array.isArray(node) ? Object.keys(node) : [];
    const key = keys
      .filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0] ?? rest.split(/[.[]/)[0];
    segments.push(key);
    node = keys.includes(key) ? (node as Record<string, unknown>)[key] : undefined;
    rest = rest.slice(key.length).replace(/^\./, "");
    if (!key) break;
  }
  return segments;
}

function located(source: YamlSource, issues: EnvoyConfigIssue[]): GatewayIssue[] {
  return issues.map((issue) => {
    const unknownField = issue.message.startsWith("unknown field");
    const pos = source.positionOf(segmentsOf(issue.path, source.value), { key: unknownField });
    return { file: source.file, line: pos?.line, col: pos?.col, path: issue.path, message: issue.message };
  });
}

/** Errors (Envoy would refuse the file) and warnings (deprecated fields), each as one line. */
export async function checkEnvoyFile(file: string): Promise<{ errors: string[]; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new GatewayError([{ file, path: "", message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})` }]);
  }
  const source = new YamlSource(text, file);
  if (source.parseIssues.length) throw new GatewayError(source.parseIssues);
  const { errors, warnings } = checkBootstrap(source.value ?? {});
  return { errors: located(source, errors).map(formatIssue), warnings: located(source, warnings).map(formatIssue) };
}
