// The filter configuration: the JSON form of Envoy's
// envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication, read field by field so every
// unknown field or wrong type is reported with its full path.
import { base64Decode, ConfigArray, ConfigErrors, ConfigObject, JsonValue } from "../../sdk/index";
import { sanitizeAudience } from "./jwt";
import { Jwks, parseKeySet } from "./keys";

export class HeaderLocation {
  constructor(readonly name: string, readonly valuePrefix: string) {}
}

export class ClaimToHeader {
  constructor(readonly headerName: string, readonly claimName: string) {}
}

export class RemoteJwks {
  uri: string = "";
  scheme: string = "https";
  authority: string = "";
  path: string = "/";
  cluster: string = "";
  timeoutMs: u32 = 1000;
  cacheDurationMs: i64 = 600_000;
  asyncFetch: bool = false;
  /** Wait after a failed fetch before the next one; doubles per failure up to maxBackoffMs. */
  baseBackoffMs: i64 = 1000;
  maxBackoffMs: i64 = 30_000;
}

export class Provider {
  name: string = "";
  issuer: string = "";
  /** Allowed audiences, sanitized as Envoy compares them (no scheme, no trailing slash). */
  audiences: string[] = [];
  localJwks: Jwks | null = null;
  remote: RemoteJwks | null = null;
  fromHeaders: HeaderLocation[] = [];
  fromParams: string[] = [];
  fromCookies: string[] = [];
  forward: bool = false;
  forwardPayloadHeader: string = "";
  padForwardPayloadHeader: bool = false;
  payloadInMetadata: string = "";
  claimToHeaders: ClaimToHeader[] = [];
  clockSkewSeconds: u64 = 60;
  /** 0: no limit on exp - iat. */
  maxLifetimeSeconds: u64 = 0;
  requireExpiration: bool = false;
  jwtCacheSize: i32 = 100;
}

export enum RequirementKind {
  Provider,
  Any,
  All,
  AllowMissing,
  AllowMissingOrFailed,
}

export class Requirement {
  kind: RequirementKind = RequirementKind.Provider;
  provider: Provider | null = null;
  /** provider_and_audiences: replaces the provider's audiences (sanitized); null keeps them. */
  audiences: string[] | null = null;
  children: Requirement[] = [];
}

export enum MatchKind {
  Prefix,
  Path,
  PathSeparatedPrefix,
}

export class Rule {
  kind: MatchKind = MatchKind.Prefix;
  /** Lower-cased when the rule is not case-sensitive. */
  value: string = "";
  caseSensitive: bool = true;
  /** null: the rule matches and nothing is required. */
  requires: Requirement | null = null;
}

export class FilterConfig {
  providers: Provider[] = [];
  rules: Rule[] = [];
  bypassCorsPreflight: bool = false;
  stripFailureResponse: bool = false;

  provider(name: string): Provider | null {
    for (let i = 0; i < this.providers.length; i++) if (this.providers[i].name == name) return this.providers[i];
    return null;
  }

  get hasRemoteJwks(): bool {
    for (let i = 0; i < this.providers.length; i++) if (this.providers[i].remote !== null) return true;
    return false;
  }
}

function strings(arr: ConfigArray | null): string[] {
  return arr !== null ? arr.strings() : [];
}

/** Audiences in the form they are compared in, so requests compare without re-sanitizing. */
function audienceList(arr: ConfigArray | null): string[] {
  const list = strings(arr);
  for (let i = 0; i < list.length; i++) list[i] = sanitizeAudience(list[i]);
  return list;
}

/** Splits "https://host:port/path?q" for the http_call pseudo-headers. */
function parseUri(remote: RemoteJwks, uri: string): bool {
  const schemeEnd = uri.indexOf("://");
  if (schemeEnd <= 0) return false;
  remote.scheme = uri.substring(0, schemeEnd);
  const rest = uri.substring(schemeEnd + 3);
  const slash = rest.indexOf("/");
  remote.authority = slash < 0 ? rest : rest.substring(0, slash);
  remote.path = slash < 0 ? "/" : rest.substring(slash);
  return remote.authority.length > 0;
}

function readRemote(o: ConfigObject): RemoteJwks {
  const remote = new RemoteJwks();
  o.rejectUnknown(["http_uri", "cache_duration", "async_fetch", "retry_policy"]);
  const http = o.requiredObject("http_uri");
  if (http !== null) {
    http.rejectUnknown(["uri", "cluster", "timeout"]);
    remote.uri = http.requiredString("uri");
    if (remote.uri != "" && !parseUri(remote, remote.uri)) http.error("uri", "expected an absolute URI such as \"https://issuer.example/jwks.json\"");
    remote.cluster = http.requiredString("cluster");
    if (http.has("cluster") && remote.cluster == "") http.error("cluster", "must not be empty");
    const timeout = http.duration("timeout", 1_000_000_000);
    remote.timeoutMs = <u32>max<i64>(1, timeout / 1_000_000);
  }
  // Envoy's default cache_duration is 10 minutes.
  remote.cacheDurationMs = max<i64>(1, o.duration("cache_duration", 600_000_000_000) / 1_000_000);
  const asyncFetch = o.optionalObject("async_fetch");
  if (asyncFetch !== null) {
    asyncFetch.rejectUnknown(["fast_listener", "failed_refetch_duration"]);
    remote.asyncFetch = true;
    asyncFetch.optionalBool("fast_listener", false);
    remote.baseBackoffMs = max<i64>(1, asyncFetch.duration("failed_refetch_duration", 1_000_000_000) / 1_000_000);
  }
  const retry = o.optionalObject("retry_policy");
  if (retry !== null) {
    retry.rejectUnknown(["num_retries", "retry_back_off"]);
    retry.integer("num_retries", 1, 0, 100);
    const backOff = retry.optionalObject("retry_back_off");
    if (backOff !== null) {
      backOff.rejectUnknown(["base_interval", "max_interval"]);
      remote.baseBackoffMs = max<i64>(1, backOff.duration("base_interval", remote.baseBackoffMs * 1_000_000) / 1_000_000);
      remote.maxBackoffMs = max<i64>(remote.baseBackoffMs, backOff.duration("max_interval", remote.baseBackoffMs * 10_000_000) / 1_000_000);
    }
  }
  return remote;
}

function readLocalJwks(o: ConfigObject): Jwks | null {
  o.rejectUnknown(["inline_string", "inline_bytes", "filename", "environment_variable"]);
  let text: string | null = null;
  if (o.has("inline_string")) text = o.requiredString("inline_string");
  else if (o.has("inline_bytes")) {
    const decoded = base64Decode(o.requiredString("inline_bytes"));
    if (decoded === null) o.error("inline_bytes", "expected base64");
    else text = String.UTF8.decode(decoded);
  } else if (o.has("filename") || o.has("environment_variable")) {
    o.error(o.has("filename") ? "filename" : "environment_variable", "is not readable from a Wasm filter; use inline_string");
  } else {
    o.errors.add(o.path, "expected inline_string or inline_bytes");
  }
  if (text === null) return null;
  const parsed = parseKeySet(text);
  if (parsed.jwks === null) {
    o.error(o.has("inline_string") ? "inline_string" : "inline_bytes", "is neither a usable JWKS nor a PEM public key: " + parsed.error);
    return null;
  }
  return parsed.jwks;
}

const PROVIDER_FIELDS: string[] = [
  "issuer", "audiences", "local_jwks", "remote_jwks", "from_headers", "from_params", "from_cookies", "forward",
  "forward_payload_header", "pad_forward_payload_header", "payload_in_metadata", "claim_to_headers",
  "clock_skew_seconds", "max_lifetime", "max_lifetime_seconds", "require_expiration", "jwt_cache_config",
];

function readProvider(name: string, o: ConfigObject): Provider {
  const p = new Provider();
  p.name = name;
  o.rejectUnknown(PROVIDER_FIELDS);
  p.issuer = o.optionalString("issuer", "");
  p.audiences = audienceList(o.optionalArray("audiences"));
  const local = o.optionalObject("local_jwks");
  const remote = o.optionalObject("remote_jwks");
  if (local !== null && remote !== null) o.error("remote_jwks", "cannot be combined with local_jwks");
  if (local === null && remote === null) o.errors.add(o.path, "needs local_jwks or remote_jwks");
  if (local !== null) p.localJwks = readLocalJwks(local);
  if (remote !== null) p.remote = readRemote(remote);
  const headers = o.optionalArray("from_headers");
  if (headers !== null) {
    for (let i = 0; i < headers.length; i++) {
      const h = headers.object(i);
      h.rejectUnknown(["name", "value_prefix"]);
      const headerName = h.requiredString("name");
      if (h.has("name") && headerName == "") h.error("name", "must not be empty");
      p.fromHeaders.push(new HeaderLocation(headerName.toLowerCase(), h.optionalString("value_prefix", "")));
    }
  }
  p.fromParams = strings(o.optionalArray("from_params"));
  p.fromCookies = strings(o.optionalArray("from_cookies"));
  // Envoy's default locations when none is configured.
  if (headers === null && !o.has("from_params") && !o.has("from_cookies")) {
    p.fromHeaders.push(new HeaderLocation("authorization", "Bearer "));
    p.fromParams.push("access_token");
  }
  p.forward = o.optionalBool("forward", false);
  p.forwardPayloadHeader = o.optionalString("forward_payload_header", "").toLowerCase();
  p.padForwardPayloadHeader = o.optionalBool("pad_forward_payload_header", false);
  p.payloadInMetadata = o.optionalString("payload_in_metadata", "");
  const claims = o.optionalArray("claim_to_headers");
  if (claims !== null) {
    for (let i = 0; i < claims.length; i++) {
      const c = claims.object(i);
      c.rejectUnknown(["header_name", "claim_name"]);
      p.claimToHeaders.push(new ClaimToHeader(c.requiredString("header_name").toLowerCase(), c.requiredString("claim_name")));
    }
  }
  // Envoy treats 0 (the proto default) as "use 60 seconds".
  const skew = o.integer("clock_skew_seconds", 60, 0, 0xffffffff);
  p.clockSkewSeconds = skew == 0 ? 60 : <u64>skew;
  if (o.has("max_lifetime")) p.maxLifetimeSeconds = <u64>(o.duration("max_lifetime", 0) / 1_000_000_000);
  if (o.has("max_lifetime_seconds")) p.maxLifetimeSeconds = <u64>o.integer("max_lifetime_seconds", 0, 0, 0xffffffffff);
  p.requireExpiration = o.optionalBool("require_expiration", false);
  const cache = o.optionalObject("jwt_cache_config");
  if (cache !== null) {
    cache.rejectUnknown(["jwt_cache_size"]);
    p.jwtCacheSize = <i32>cache.integer("jwt_cache_size", 100, 0, 1_000_000);
  }
  return p;
}

function readRequirement(value: JsonValue, path: string, errors: ConfigErrors, config: FilterConfig): Requirement | null {
  const o = new ConfigObject(value, path, errors);
  const known = ["provider_name", "provider_and_audiences", "requires_any", "requires_all", "allow_missing", "allow_missing_or_failed"];
  const before = errors.count;
  o.rejectUnknown(known);
  if (errors.count != before) return null;
  if (o.object.size != 1) {
    if (o.object.size > 1 || value.isObject) errors.add(path, "expected exactly one of provider_name, provider_and_audiences, requires_any, requires_all, allow_missing, allow_missing_or_failed");
    return null;
  }
  const r = new Requirement();
  if (o.has("provider_name")) {
    const name = o.requiredString("provider_name");
    r.provider = config.provider(name);
    if (r.provider === null && o.object.get("provider_name")!.isString) o.error("provider_name", "names no provider in providers: \"" + name + "\"");
    return r;
  }
  if (o.has("provider_and_audiences")) {
    const pa = o.requiredObject("provider_and_audiences");
    if (pa === null) return null;
    pa.rejectUnknown(["provider_name", "audiences"]);
    const name = pa.requiredString("provider_name");
    r.provider = config.provider(name);
    if (r.provider === null && pa.has("provider_name")) pa.error("provider_name", "names no provider in providers: \"" + name + "\"");
    r.audiences = audienceList(pa.optionalArray("audiences"));
    return r;
  }
  if (o.has("allow_missing")) {
    o.requiredObject("allow_missing");
    r.kind = RequirementKind.AllowMissing;
    return r;
  }
  if (o.has("allow_missing_or_failed")) {
    o.requiredObject("allow_missing_or_failed");
    r.kind = RequirementKind.AllowMissingOrFailed;
    return r;
  }
  const field = o.has("requires_any") ? "requires_any" : "requires_all";
  r.kind = field == "requires_any" ? RequirementKind.Any : RequirementKind.All;
  const list = o.requiredObject(field);
  if (list === null) return null;
  list.rejectUnknown(["requirements"]);
  const items = list.requiredArray("requirements");
  if (items === null) return null;
  if (items.length < 2) list.error("requirements", "needs at least 2 requirements");
  for (let i = 0; i < items.length; i++) {
    const child = readRequirement(items.item(i), items.pathOf(i), errors, config);
    if (child !== null) r.children.push(child);
  }
  return r;
}

function readRule(o: ConfigObject, config: FilterConfig): Rule {
  const rule = new Rule();
  o.rejectUnknown(["match", "requires"]);
  const match = o.requiredObject("match");
  if (match !== null) {
    match.rejectUnknown(["prefix", "path", "path_separated_prefix", "case_sensitive"]);
    let kinds = 0;
    if (match.has("prefix")) { rule.kind = MatchKind.Prefix; rule.value = match.requiredString("prefix"); kinds++; }
    if (match.has("path")) { rule.kind = MatchKind.Path; rule.value = match.requiredString("path"); kinds++; }
    if (match.has("path_separated_prefix")) { rule.kind = MatchKind.PathSeparatedPrefix; rule.value = match.requiredString("path_separated_prefix"); kinds++; }
    if (kinds != 1) match.errors.add(match.path, "expected exactly one of prefix, path, path_separated_prefix");
    rule.caseSensitive = match.optionalBool("case_sensitive", true);
    // Requests compare a lower-cased path against it, so lower it once here.
    if (!rule.caseSensitive) rule.value = rule.value.toLowerCase();
  }
  if (o.has("requires")) rule.requires = readRequirement(o.object.get("requires")!, o.pathOf("requires"), o.errors, config);
  return rule;
}

/** Reads the whole configuration; problems are recorded in `errors` with their paths. */
export function readConfig(root: JsonValue, errors: ConfigErrors): FilterConfig {
  const config = new FilterConfig();
  const o = new ConfigObject(root, "", errors);
  o.rejectUnknown(["providers", "rules", "bypass_cors_preflight", "strip_failure_response"]);
  const providers = o.optionalObject("providers");
  if (providers !== null) {
    const names = providers.object.keys;
    for (let i = 0; i < names.length; i++) {
      const p = providers.optionalObject(names[i]);
      if (p !== null) config.providers.push(readProvider(names[i], p));
    }
  }
  const rules = o.optionalArray("rules");
  if (rules !== null) {
    for (let i = 0; i < rules.length; i++) config.rules.push(readRule(rules.object(i), config));
  }
  config.bypassCorsPreflight = o.optionalBool("bypass_cors_preflight", false);
  config.stripFailureResponse = o.optionalBool("strip_failure_response", false);
  return config;
}
