// The rate-limit configuration. Limits are tried in order: the first rule whose match holds and
// whose key the request has decides; otherwise the top-level limit (key + token_bucket) applies.
import { ConfigArray, ConfigErrors, ConfigObject, JsonValue } from "../../sdk/index";
import { KeyPart, parseKeyPart } from "./key";
import { parseMatch, RequestMatch } from "../../sdk/index";
import { BucketSettings } from "./token-bucket";

export enum Mode {
  Enforce,
  Shadow,
}

/** Which rate-limit headers responses carry. */
export enum HeaderStyle {
  None,
  /** IETF draft: RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset. */
  Ietf,
  /** Envoy's: x-ratelimit-limit / x-ratelimit-remaining / x-ratelimit-reset. */
  Envoy,
}

export class Limit {
  constructor(
    /** Rule name, or "" for the top-level limit; names the bucket space, so reordering rules keeps buckets. */
    public name: string,
    /** null: every request matches. */
    public match: RequestMatch | null,
    public key: KeyPart[],
    /** null: no local bucket (the global service alone decides). */
    public bucket: BucketSettings | null,
  ) {}

  get bucketId(): string {
    return this.name.length > 0 ? "rule:" + this.name : "default";
  }
}

export class GlobalService {
  constructor(
    public cluster: string,
    public domain: string,
    public path: string,
    public timeoutMillis: u32,
    public failureModeDeny: bool,
  ) {}
}

export class RateLimitConfig {
  statPrefix: string = "";
  mode: Mode = Mode.Enforce;
  rules: Limit[] = [];
  /** The top-level limit, applied when no rule does; null when none was configured. */
  fallback: Limit | null = null;
  status: u32 = 429;
  headerStyle: HeaderStyle = HeaderStyle.None;
  maxKeys: u32 = 100_000;
  global: GlobalService | null = null;
}

const TOP_FIELDS: string[] = ["stat_prefix", "mode", "key", "token_bucket", "rules", "status", "response_headers", "max_keys", "global"];
const RULE_FIELDS: string[] = ["name", "match", "key", "token_bucket"];
const BUCKET_FIELDS: string[] = ["max_tokens", "tokens_per_fill", "fill_interval"];
const GLOBAL_FIELDS: string[] = ["cluster", "domain", "timeout", "failure_mode_deny", "path"];
/** Envoy's local_ratelimit refuses shorter fill intervals. */
const MIN_FILL_INTERVAL_NANOS: i64 = 50_000_000;

export function parseConfig(value: JsonValue, errors: ConfigErrors): RateLimitConfig | null {
  const config = new RateLimitConfig();
  const root = new ConfigObject(value, "", errors);
  if (!errors.ok) return null;
  root.rejectUnknown(TOP_FIELDS);

  config.statPrefix = root.requiredString("stat_prefix");
  if (root.has("stat_prefix") && !isStatName(config.statPrefix)) {
    root.error("stat_prefix", "expected letters, digits, '_', '-' or '.', not starting or ending with '.'");
  }
  config.mode = root.enumString("mode", ["enforce", "shadow"], "enforce") == "shadow" ? Mode.Shadow : Mode.Enforce;
  config.status = <u32>root.integer("status", 429, 400, 599);
  const style = root.enumString("response_headers", ["ratelimit", "x-ratelimit", "none"], "none");
  config.headerStyle = style == "ratelimit" ? HeaderStyle.Ietf : style == "x-ratelimit" ? HeaderStyle.Envoy : HeaderStyle.None;
  config.maxKeys = <u32>root.integer("max_keys", 100_000, 1, 10_000_000);

  const globalObject = root.optionalObject("global");
  if (globalObject !== null) config.global = parseGlobal(globalObject);
  const hasGlobal = globalObject !== null;

  // Top-level limit: key (default: one bucket for all requests) and token_bucket.
  const topKey = root.has("key") ? parseKey(root, "key") : new Array<KeyPart>();
  const topBucketObject = root.optionalObject("token_bucket");
  const topBucket = topBucketObject !== null ? parseBucket(topBucketObject) : null;
  if (topBucket !== null || (hasGlobal && root.has("key"))) {
    config.fallback = new Limit("", null, topKey, topBucket);
  } else if (root.has("key") && !hasGlobal) {
    root.error("key", "a top-level key needs a top-level token_bucket (or a global service) to limit anything");
  }

  const rules = root.optionalArray("rules");
  if (rules !== null) config.rules = parseRules(rules, hasGlobal, errors);
  return errors.ok ? config : null;
}

function parseRules(rules: ConfigArray, hasGlobal: bool, errors: ConfigErrors): Limit[] {
  const limits = new Array<Limit>();
  const names = new Array<string>();
  for (let i = 0; i < rules.length; i++) {
    if (!rules.item(i).isObject) {
      rules.object(i); // records "expected an object"
      continue;
    }
    const rule = rules.object(i);
    rule.rejectUnknown(RULE_FIELDS);
    const name = rule.requiredString("name");
    if (rule.has("name")) {
      if (name.length == 0) rule.error("name", "must not be empty");
      else if (names.includes(name)) rule.error("name", "duplicate rule name \"" + name + "\"");
      else names.push(name);
    }
    const matchValue = rule.object.get("match");
    const match = matchValue !== null ? parseMatch(matchValue, rule.pathOf("match"), errors) : null;
    const key = rule.has("key") ? parseKey(rule, "key") : new Array<KeyPart>();
    const bucketObject = rule.optionalObject("token_bucket");
    const bucket = bucketObject !== null ? parseBucket(bucketObject) : null;
    if (bucketObject === null && !rule.has("token_bucket") && !hasGlobal) {
      rule.error("token_bucket", "is required (a rule without one only makes sense with a global service)");
    }
    limits.push(new Limit(name, match, key, bucket));
  }
  return limits;
}

function parseKey(object: ConfigObject, field: string): KeyPart[] {
  const parts = new Array<KeyPart>();
  const list = object.optionalArray(field);
  if (list === null) return parts;
  const seen = new Array<string>();
  for (let i = 0; i < list.length; i++) {
    const item = list.item(i);
    if (!item.isString) {
      object.errors.add(list.pathOf(i), "expected a key part string such as \"source_ip\" or \"header:x-api-key\", got " + item.kindName);
      continue;
    }
    const spec = item.asString();
    const parsed = parseKeyPart(spec);
    if (parsed.part === null) {
      object.errors.add(list.pathOf(i), parsed.error);
      continue;
    }
    if (seen.includes(spec)) {
      object.errors.add(list.pathOf(i), "key part \"" + spec + "\" is listed twice");
      continue;
    }
    seen.push(spec);
    parts.push(parsed.part!);
  }
  return parts;
}

function parseBucket(bucket: ConfigObject): BucketSettings | null {
  bucket.rejectUnknown(BUCKET_FIELDS);
  const maxTokens = bucket.integer("max_tokens", 1, 1, 4_294_967_295, true);
  const tokensPerFill = bucket.integer("tokens_per_fill", 1, 1, 4_294_967_295);
  const interval = bucket.duration("fill_interval", -1, true);
  if (interval >= 0 && interval < MIN_FILL_INTERVAL_NANOS) {
    bucket.error("fill_interval", "must be at least 50ms (as Envoy's local rate limit requires)");
  }
  if (interval < MIN_FILL_INTERVAL_NANOS) return null;
  return new BucketSettings(<u32>maxTokens, <u32>tokensPerFill, interval);
}

function parseGlobal(global: ConfigObject): GlobalService {
  global.rejectUnknown(GLOBAL_FIELDS);
  const cluster = global.requiredString("cluster");
  if (global.has("cluster") && cluster.length == 0) global.error("cluster", "must not be empty");
  const domain = global.requiredString("domain");
  if (global.has("domain") && domain.length == 0) global.error("domain", "must not be empty");
  const path = global.optionalString("path", "/json");
  if (!path.startsWith("/")) global.error("path", "expected a path starting with \"/\"");
  // Envoy's rate limit filter waits 20ms by default.
  const timeout = global.duration("timeout", 20_000_000);
  if (timeout <= 0 || timeout > 60_000_000_000) global.error("timeout", "must be more than 0 and at most 60s");
  const deny = global.optionalBool("failure_mode_deny", false);
  const millis = timeout / 1_000_000;
  return new GlobalService(cluster, domain, path, <u32>(millis < 1 ? 1 : millis), deny);
}

function isStatName(name: string): bool {
  if (name.length == 0 || name.startsWith(".") || name.endsWith(".")) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f || c == 0x2d || c == 0x2e;
    if (!ok) return false;
  }
  return true;
}
