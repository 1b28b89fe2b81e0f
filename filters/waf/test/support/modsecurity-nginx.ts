// Real ModSecurity v3 with the same CRS, in nginx (Debian's nginx-light and
// libnginx-mod-http-modsecurity), on 127.0.0.1 with configs written to a temp dir, in front of a
// tiny upstream; requests go over raw sockets so both WAFs see the same bytes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { DEFAULT_CRS_RULES_DIR, DEFAULT_CRS_SETUP } from "../../../../harness/build/crs.ts";
import type { FtwRequest } from "./ftw.ts";

export const MODSECURITY_MODULE = "/usr/lib/nginx/modules/ngx_http_modsecurity_module.so";
export const NGINX = "/usr/sbin/nginx";
export const haveModsecNginx = existsSync(NGINX) && existsSync(MODSECURITY_MODULE);

export interface ModsecNginx {
  port: number;
  /** Port of nginx without ModSecurity, same upstream (for cost comparisons). */
  plainPort: number;
  errorLog: string;
  auditLog: string;
  /** CPU time (µs, user + system) nginx's processes have used so far. */
  cpuMicros(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not listen on ${port} within ${deadlineMs} ms`);
}

/** `auditLog`: write every transaction's matched rules to <dir>/audit.log (part H), for diagnosis. */
/** `rules`: SecLang to run instead of CRS (e.g. one @detectSQLi rule). */
/** utime + stime of a process and its children (nginx's workers), in µs, from /proc. */
function nginxCpuMicros(masterPid: number): number {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, "utf8"); } catch { continue; }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry), ppid = Number(fields[1]);
    if (pid !== masterPid && ppid !== masterPid) continue;
    total += (Number(fields[11]) + Number(fields[12])) * (1_000_000 / ticks);
  }
  return total;
}

export async function startModsecNginx(paranoia = 1, auditLog = false, rules?: string): Promise<ModsecNginx> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "waf-modsec-"));
  for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"]) mkdirSync(path.join(dir, sub));
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("ok\n"));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const port = await freePort();
  const plainPort = await freePort();
  // ModSecurity's recommended base (the XML/JSON body processor rules), then CRS as Debian ships it.
  writeFileSync(path.join(dir, "modsec.conf"), [
    "SecRuleEngine On",
    "SecRequestBodyAccess On",
    "SecRequestBodyLimit 131072",
    "SecRequestBodyNoFilesLimit 131072",
    "SecRequestBodyLimitAction Reject",
    "SecResponseBodyAccess Off",
    ...(auditLog ? ["SecAuditEngine On", "SecAuditLogParts ABHZ", "SecAuditLogType Serial", `SecAuditLog ${dir}/logs/audit.log`] : ["SecAuditEngine Off"]),
    "SecPcreMatchLimit 1000000",
    "SecPcreMatchLimitRecursion 1000000",
    'SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"',
    'SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"',
    ...(rules !== undefined ? [rules] : [
      `Include ${DEFAULT_CRS_SETUP}`,
      `SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=${paranoia}"`,
      `Include ${DEFAULT_CRS_RULES_DIR}/*.conf`,
    ]),
    "",
  ].join("\n"));
  const errorLog = path.join(dir, "logs/error.log");
  writeFileSync(path.join(dir, "nginx.conf"), `
load_module ${MODSECURITY_MODULE};
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${errorLog} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 16m;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    modsecurity on;
    modsecurity_rules_file ${dir}/modsec.conf;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:${plainPort};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`);
  const child = spawn(NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => { stderr += d; });
  try {
    await waitForPort(port, child, 60_000);
  } catch (e) {
    child.kill("SIGKILL");
    upstream.close();
    throw new Error(`${(e as Error).message}: ${stderr.trim()}`);
  }
  return {
    port,
    plainPort,
    errorLog,
    auditLog: path.join(dir, "logs/audit.log"),
    cpuMicros: () => nginxCpuMicros(child.pid!),
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGQUIT");
        await new Promise((r) => { const t = setTimeout(() => { child.kill("SIGKILL"); r(null); }, 5000); child.on("exit", () => { clearTimeout(t); r(null); }); });
      }
      await new Promise((r) => upstream.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The request as bytes on the wire (Connection: close added). */
export function rawRequest(req: FtwRequest, keepAlive = false): Buffer {
  const lines = [`${req.method} ${req.uri} ${req.version}`];
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
  if (!req.headers.some(([k]) => k.toLowerCase() === "connection")) lines.push(keepAlive ? "Connection: keep-alive" : "Connection: close");
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), req.body]);
}

/** Sends raw bytes, returns the response status (0 when the connection closed without one). */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => { socket.destroy(); resolve(0); }, timeoutMs);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (d) => {
      data += d.toString("latin1");
      const m = /^HTTP\/1\.\d (\d{3})/.exec(data);
      if (m) { clearTimeout(timer); socket.destroy(); resolve(Number(m[1])); }
    });
    socket.on("error", () => { clearTimeout(timer); resolve(0); });
    socket.on("close", () => { clearTimeout(timer); resolve(0); });
  });
}
