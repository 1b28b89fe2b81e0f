// The templates a project can start from, and the reference filters `from-reference` can copy.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../templates");

/** @type {Record<string, string>} template name → one-line description */
export const TEMPLATES = {
  "http-filter": "minimal: adds a configured header to every response",
  auth: "asks an external service (http_call) whether to let each request through",
  "rate-limit": "fixed-window request limits per client, counted in shared data across worker VMs",
  "from-reference": "a copy of one of ProxyScript's reference filters to start from",
};

/** @type {Record<string, string>} reference filter → one-line description */
export const REFERENCES = {
  "header-rewrite": "set/add/remove/rename headers by rules, with %REQ()%-style formatters",
  "rate-limit": "token buckets per key shared across worker VMs, optional global rate-limit service",
  jwt: "Envoy jwt_authn-style JWT verification with local or remote JWKS",
  waf: "a SecLang engine running the OWASP Core Rule Set",
};

export const DEFAULT_TEMPLATE = "http-filter";
export const DEFAULT_REFERENCE = "header-rewrite";

/** @param {Record<string, string>} table */
export function describeChoices(table) {
  return Object.keys(table).join(", ");
}
