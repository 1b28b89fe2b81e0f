// The WAF filter with Debian's CRS embedded, built once per content (the generated entry lives in
// .cache, never in the repository), and an adapter that runs ftw requests through the embedded host.
import path from "node:path";
import { existsSync } from "node:fs";
import { buildWasm } from "../../../../test/support/build.ts";
import { PACKAGE_ROOT } from "../../../../harness/build/compile.ts";
import { crsAvailable, embedCrs, DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP } from "../../../../harness/build/crs.ts";
import { loadFilter, type LoadedFilter } from "../../../../harness/testing.ts";
import type { FtwRequest, WafOutcome } from "./ftw.ts";

export const REGRESSION_DIR = path.resolve(PACKAGE_ROOT, "../shared/crs-3.3.4-regression");
export const haveCrs = crsAvailable();
export const haveRegression = existsSync(REGRESSION_DIR);

/** The CRS-embedded WAF; `extraArgs` go to asc (e.g. `--use PROXYSCRIPT_GC_BUDGET=0`). */
export async function crsFilterWasm(extraArgs: string[] = []): Promise<string> {
  const entry = path.join(PACKAGE_ROOT, ".cache/waf-crs/index.ts");
  await embedCrs(DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP, entry);
  return buildWasm(path.relative(PACKAGE_ROOT, entry), { alsoHash: ["filters/waf"], extraArgs });
}

/** Rule ids of every JSON log line the WAF wrote for a request. */
export function loggedIds(logs: Array<{ message: string }>): Set<number> {
  const ids = new Set<number>();
  for (const l of logs) {
    if (!l.message.startsWith("{\"waf\"")) continue;
    for (const m of JSON.parse(l.message).matches ?? []) ids.add(Number(m.id));
  }
  return ids;
}

/**
 * Why Envoy's HTTP/1 codec would refuse this request before any filter sees it (400), or "".
 * The embedded host's test API takes parsed requests, so these checks stand in for Envoy's parser.
 */
export function envoyRejects(req: FtwRequest): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(req.method)) return "method is not an HTTP token";
  if (req.method === "CONNECT") return "CONNECT is not enabled on the route";
  if (!/^HTTP\/1\.[01]$/.test(req.version)) return `HTTP/1 codec does not speak "${req.version}"`;
  if (!(req.uri.startsWith("/") || /^https?:\/\//i.test(req.uri) || (req.uri === "*" && req.method === "OPTIONS"))) return "request target is not origin or absolute form";
  if (req.uri.includes("#")) return "fragment in the request target";
  if (/[\x00-\x20\x7f]/.test(req.uri)) return "control character or space in the request target";
  for (const [k, v] of req.headers) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) return `header name "${k}" is not a token`;
    if (/[\r\n\x00]/.test(v)) return `header ${k} holds CR, LF or NUL`;
  }
  const cl = req.headers.filter(([k]) => k.toLowerCase() === "content-length");
  if (cl.some(([, v]) => !/^\d+$/.test(v.trim()))) return "Content-Length is not a number";
  if (cl.length > 0 && req.headers.some(([k]) => k.toLowerCase() === "transfer-encoding")) return "both Content-Length and Transfer-Encoding";
  if (cl.length === 1 && Number(cl[0][1]) !== req.body.length) return "Content-Length does not match the body sent";
  const host = req.headers.find(([k]) => k.toLowerCase() === "host");
  if (req.version === "HTTP/1.1" && (!host || host[1].trim() === "")) return "HTTP/1.1 request without Host";
  return "";
}

export async function runThroughHost(f: LoadedFilter, req: FtwRequest): Promise<WafOutcome | null> {
  if (envoyRejects(req) !== "") return null;
  const host = req.headers.find(([k]) => k.toLowerCase() === "host");
  const headers = req.headers.filter(([k]) => k.toLowerCase() !== "host");
  const r = await f.request({
    method: req.method,
    // The host encodes strings as UTF-8: give it the bytes' UTF-8 reading.
    path: Buffer.from(req.uri, "latin1").toString("utf8"),
    authority: host ? Buffer.from(host[1], "latin1").toString("utf8") : "",
    headers: headers.map(([k, v]) => [k, Buffer.from(v, "latin1").toString("utf8")]),
    body: req.body.length > 0 ? new Uint8Array(req.body) : undefined,
  });
  return { loggedIds: loggedIds(r.logs), status: r.status };
}
