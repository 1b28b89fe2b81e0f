// Kubernetes object names: what the API server accepts (RFC 1123 labels and subdomains), and a
// predictable way to turn gateway-file names into them.
import { UserError } from "../cli/errors.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/** "JWT_auth route" → "jwt-auth-route"; refuses what cannot become a name at all. */
export function toObjectName(name: string, what: string): string {
  const converted = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, 253);
  if (!isDnsSubdomain(converted)) {
    throw new UserError(`${what} "${name}" cannot be turned into a Kubernetes object name (lower-case letters, digits, '-' and '.')`);
  }
  return converted;
}
