// Answers a registry's 401 challenge: Basic with the user's credentials, or Bearer with a token
// from the challenge's realm (the distribution token flow), and remembers the resulting header.
import { UserError } from "../cli/errors.ts";
import { parseAuthChallenge } from "./auth-challenge.ts";
import type { Credentials } from "./credentials.ts";

export function basicAuthorization(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
}

/** "as "alice" (credentials from …)" or "anonymously": who the registry refused, never the secret. */
export function identity(creds: Credentials | undefined): string {
  return creds ? `as "${creds.username}" (credentials from ${creds.source})` : "anonymously";
}

export async function bodySnippet(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim().replace(/\s+/g, " ");
  return text ? ` (${text.slice(0, 300)})` : "";
}

export class RegistryAuth {
  /** The Authorization header to send, once a challenge was answered. */
  header: string | undefined;

  constructor(
    private readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly timeoutMs: number,
  ) {}

  async answer(challengeHeader: string | null, scope: string): Promise<void> {
    const challenge = parseAuthChallenge(challengeHeader);
    if (!challenge) throw new UserError(`registry ${this.registry} answered 401 without a usable WWW-Authenticate challenge`);
    if (challenge.scheme === "basic") {
      if (!this.credentials) {
        throw new UserError(
          `registry ${this.registry} requires a login (Basic realm "${challenge.params.realm ?? ""}"): pass --username/--password, ` +
            `set PROXYSCRIPT_REGISTRY_USER/PROXYSCRIPT_REGISTRY_PASSWORD, or add it to ~/.docker/config.json`,
        );
      }
      this.header = basicAuthorization(this.credentials);
    } else if (challenge.scheme === "bearer") {
      this.header = `Bearer ${await this.fetchToken(challenge.params, scope)}`;
    } else {
      throw new UserError(`registry ${this.registry} asks for unsupported authentication scheme "${challenge.scheme}"`);
    }
  }

  /** GET realm?service=…&scope=… (with Basic credentials when known) → token or access_token. */
  private async fetchToken(params: Record<string, string>, scope: string): Promise<string> {
    if (!params.realm) throw new UserError(`registry ${this.registry}: Bearer challenge without a realm`);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    // Ask for everything the client will do (pull,push), not only what the challenged request needed.
    url.searchParams.set("scope", scope);
    const headers: Record<string, string> = {};
    if (this.credentials) headers.authorization = basicAuthorization(this.credentials);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new UserError(`cannot reach the token service ${url.origin} of registry ${this.registry}: ${code ?? (error as Error).message}`);
    }
    if (!response.ok) {
      throw new UserError(
        `token request to ${url.origin}${url.pathname}: authentication failed by registry ${this.registry} ${identity(this.credentials)}: ` +
          `HTTP ${response.status}${await bodySnippet(response)}`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new UserError(`token service ${url.origin} answered without a "token" or "access_token" field`);
    return token;
  }
}
