// A built-in upstream that answers every request with the request it saw, as JSON: what the demo
// and `proxyscript run` without an upstream put behind the proxy.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startEchoServer(port = 0, host = "127.0.0.1"): Promise<EchoServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-echo": "true" });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${bound}`,
        port: bound,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
