// Reads CRS regression tests (go-ftw / ftw YAML) into requests and expectations, and judges a WAF's
// outcome for one the way go-ftw does: by the rule ids in the log, the status, or a refused request.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";

export interface FtwRequest {
  method: string;
  uri: string;
  version: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface FtwCase {
  file: string;
  title: string;
  /** The rule the file tests (its name). */
  ruleId: number;
  /** null when the request is malformed at the HTTP level (no proxy would pass it on). */
  request: FtwRequest | null;
  logContains?: number;
  noLogContains?: number;
  status?: number[];
  expectError?: boolean;
}

export interface WafOutcome {
  /** Ids of matched rules that log (not `nolog`). */
  loggedIds: Set<number>;
  status: number;
}

function idIn(clause: unknown): number | undefined {
  if (typeof clause !== "string") return undefined;
  const m = /id[ :]"?(\d{6,7})/.exec(clause);
  return m ? Number(m[1]) : undefined;
}

/** Splits a raw HTTP/1.x request; null when it is not one a proxy would accept. */
export function parseRawRequest(raw: Buffer): FtwRequest | null {
  const text = raw.toString("latin1");
  let headEnd = text.indexOf("\r\n\r\n");
  let sep = 4;
  if (headEnd < 0) { headEnd = text.indexOf("\n\n"); sep = 2; }
  if (headEnd < 0) return null;
  const lines = text.slice(0, headEnd).split(/\r?\n/);
  const requestLine = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(lines[0]);
  if (!requestLine) return null;
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, headEnd + sep), "latin1"));
  const cl = headers.find(([n]) => n.toLowerCase() === "content-length");
  if (cl) body = body.subarray(0, Number(cl[1]));
  return { method: requestLine[1], uri: requestLine[2], version: requestLine[3], headers, body };
}

function buildRequest(input: Record<string, any>): FtwRequest | null {
  if (input.encoded_request) return parseRawRequest(Buffer.from(String(input.encoded_request), "base64"));
  if (input.raw_request) return parseRawRequest(Buffer.from(String(input.raw_request), "latin1"));
  const headers: Array<[string, string]> = Object.entries(input.headers ?? {}).map(([k, v]) => [k, String(v)]);
  let data: string = Array.isArray(input.data) ? input.data.join("\r\n") : input.data === undefined || input.data === null ? "" : String(input.data);
  const body = Buffer.from(data, "utf8");
  // Like go-ftw (unless stop_magic): a body gets Content-Length and, when absent, a form Content-Type.
  if (body.length > 0 && !input.stop_magic) {
    if (!headers.some(([n]) => n.toLowerCase() === "content-length")) headers.push(["Content-Length", String(body.length)]);
    if (!headers.some(([n]) => n.toLowerCase() === "content-type")) headers.push(["Content-Type", "application/x-www-form-urlencoded"]);
  }
  let uri = input.uri === undefined ? "/" : String(input.uri);
  uri = Buffer.from(uri, "utf8").toString("latin1");
  return {
    method: input.method ?? "GET",
    uri,
    version: input.version ?? "HTTP/1.1",
    headers: headers.map(([k, v]) => [k, Buffer.from(v, "utf8").toString("latin1")]),
    body,
  };
}

export function loadFtwCases(root: string): FtwCase[] {
  const cases: FtwCase[] = [];
  for (const dir of readdirSync(root).sort()) {
    const full = path.join(root, dir);
    if (!dir.startsWith("REQUEST-")) continue;
    for (const file of readdirSync(full).sort()) {
      if (!file.endsWith(".yaml")) continue;
      const doc = YAML.parse(readFileSync(path.join(full, file), "utf8"));
      const ruleId = Number(file.replace(/\.yaml$/, ""));
      for (const test of doc.tests ?? []) {
        for (const s of test.stages ?? []) {
          const stage = s.stage ?? s;
          const out = stage.output ?? {};
          cases.push({
            file: `${dir}/${file}`,
            title: String(test.test_title),
            ruleId,
            request: buildRequest(stage.input ?? {}),
            logContains: idIn(out.log_contains),
            noLogContains: idIn(out.no_log_contains),
            status: out.status === undefined ? undefined : ([] as number[]).concat(out.status).map(Number),
            expectError: out.expect_error === true,
          });
        }
      }
    }
  }
  return cases;
}

/** go-ftw's verdict for one case: log clauses first, then status, then expect_error. */
export function judge(c: FtwCase, outcome: WafOutcome | null): boolean {
  if (outcome === null) {
    // Refused before any filter ran: nothing logged, and the client saw a 400.
    if (c.logContains !== undefined) return false;
    if (c.noLogContains !== undefined) return true;
    return c.expectError === true || (c.status !== undefined && c.status.includes(400));
  }
  if (c.logContains !== undefined) return outcome.loggedIds.has(c.logContains);
  if (c.noLogContains !== undefined) return !outcome.loggedIds.has(c.noLogContains);
  if (c.status !== undefined) return c.status.includes(outcome.status);
  if (c.expectError) return false;
  return true;
}

/** The paranoia level a CRS rule belongs to, from its `paranoia-level/N` tag in the rule files. */
export function paranoiaLevels(rulesDir: string): Map<number, number> {
  const levels = new Map<number, number>();
  for (const file of readdirSync(rulesDir)) {
    if (!file.endsWith(".conf")) continue;
    const text = readFileSync(path.join(rulesDir, file), "latin1");
    // Rules sit between "SecRule TX:EXECUTING_PARANOIA_LEVEL "@lt N"" markers; the tag is on the rule.
    const re = /id:(\d{6})[\s\S]*?(?=id:\d{6}|$)/g;
    for (const m of text.matchAll(re)) {
      const tag = /paranoia-level\/(\d)/.exec(m[0]);
      levels.set(Number(m[1]), tag ? Number(tag[1]) : 1);
    }
  }
  return levels;
}
