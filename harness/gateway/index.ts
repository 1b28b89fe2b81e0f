// The gateway file: model, loading and validation.
export type * from "./model.ts";
export { loadGateway, parseGateway, GATEWAY_SCHEMA_FILE } from "./load.ts";
export { GatewayError, formatIssue, type GatewayIssue } from "./errors.ts";
export { parseDurationMs, formatProtoDuration } from "./duration.ts";
export { routesForHost, matchingHostname, hostWithoutPort } from "./hostnames.ts";
