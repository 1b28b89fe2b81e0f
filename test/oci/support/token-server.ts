// A tiny token service for docker-registry's `auth: token` mode: a self-signed EC certificate
// (made with openssl) is the registry's trust root; tokens are ES256 JWTs carrying it in `x5c`
// and granting the scope asked for, to one user with one password. Listens on 127.0.0.1 only.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { importPKCS8, SignJWT } from "jose";

export const OPENSSL_BIN = "/usr/bin/openssl";

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  /** Scopes granted so far, in order. */
  grants: string[];
  stop(): Promise<void>;
}

export async function startTokenServer(dir: string, user: { username: string; password: string }): Promise<TokenServer> {
  const keyFile = path.join(dir, "token.key");
  const certFile = path.join(dir, "token.crt");
  execFileSync(OPENSSL_BIN, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=proxyscript-test-token-issuer",
  ], { stdio: "ignore" });
  const key = await importPKCS8(readFileSync(keyFile, "utf8"), "ES256");
  const certDer = new X509Certificate(readFileSync(certFile)).raw.toString("base64");
  const service = "proxyscript-test-registry";
  const issuer = "proxyscript-test-issuer";
  const grants: string[] = [];
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ details: "bad credentials" }));
      return;
    }
    const access = url.searchParams.getAll("scope").flatMap((scope) => {
      const [type, name, actions] = scope.split(":");
      grants.push(scope);
      return [{ type, name, actions: actions.split(",") }];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: "ES256", typ: "JWT", x5c: [certDer] })
      .setIssuer(issuer)
      .setSubject(user.username)
      .setAudience(url.searchParams.get("service") ?? "")
      .setIssuedAt(now)
      .setNotBefore(now - 10)
      .setExpirationTime(now + 300)
      .setJti(`t${grants.length}`)
      .sign(key);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: certFile,
    grants,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
