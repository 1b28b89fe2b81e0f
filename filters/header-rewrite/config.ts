// The header-rewrite configuration: top-level request/response operations applied to every
// exchange, then every rule whose match holds, in order.
import { Side } from "./formatter";
import { parseMatch, RequestMatch } from "../../sdk/index";
import { HeaderOperations, parseOperations } from "./operations";
import { ConfigErrors, fieldPath, itemPath, JsonValue } from "../../sdk/index";

export class Rule {
  constructor(public match: RequestMatch, public request: HeaderOperations, public response: HeaderOperations) {}
}

export class HeaderRewriteConfig {
  request: HeaderOperations = new HeaderOperations();
  response: HeaderOperations = new HeaderOperations();
  rules: Rule[] = [];
  /** Request headers that response-side values read with %REQ()%, captured at request time. */
  capturedRequestHeaders: string[] = [];
  /** True when some response operation exists (else the response path does nothing). */
  touchesResponse: bool = false;
}

const TOP_KEYS: string[] = ["request", "response", "rules"];
const RULE_KEYS: string[] = ["match", "request", "response"];

/** Parses the plugin configuration; returns null and fills `problems` when it is not valid. */
export function parseConfig(value: JsonValue, problems: ConfigErrors): HeaderRewriteConfig | null {
  const config = new HeaderRewriteConfig();
  if (!value.isObject) {
    problems.add("", "expected a JSON object with request/response/rules, got " + value.kindName);
    return null;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    if (!TOP_KEYS.includes(object.keys[i])) problems.add(object.keys[i], "unknown field (expected one of request, response, rules)");
  }
  const request = object.get("request");
  if (request !== null) config.request = parseOperations(request, "request", Side.Request, problems);
  const response = object.get("response");
  if (response !== null) config.response = parseOperations(response, "response", Side.Response, problems);
  const rules = object.get("rules");
  if (rules !== null) {
    if (!rules.isArray) problems.add("rules", "expected an array of rules, got " + rules.kindName);
    else {
      const list = rules.asArray();
      for (let i = 0; i < list.length; i++) {
        const rule = parseRule(list.items[i], itemPath("rules", i), problems);
        if (rule !== null) config.rules.push(rule);
      }
    }
  }
  if (!problems.ok) return null;
  config.response.requestHeaderNames(config.capturedRequestHeaders);
  config.touchesResponse = !config.response.isEmpty;
  for (let i = 0; i < config.rules.length; i++) {
    config.rules[i].response.requestHeaderNames(config.capturedRequestHeaders);
    if (!config.rules[i].response.isEmpty) config.touchesResponse = true;
  }
  return config;
}

function parseRule(value: JsonValue, path: string, problems: ConfigErrors): Rule | null {
  if (!value.isObject) {
    problems.add(path, "expected a rule object with match/request/response, got " + value.kindName);
    return null;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    if (!RULE_KEYS.includes(object.keys[i])) problems.add(fieldPath(path, object.keys[i]), "unknown field (expected one of match, request, response)");
  }
  const matchValue = object.get("match");
  const match = matchValue === null ? new RequestMatch() : parseMatch(matchValue, fieldPath(path, "match"), problems);
  const requestValue = object.get("request");
  const request = requestValue === null ? new HeaderOperations() : parseOperations(requestValue, fieldPath(path, "request"), Side.Request, problems);
  const responseValue = object.get("response");
  const response = responseValue === null ? new HeaderOperations() : parseOperations(responseValue, fieldPath(path, "response"), Side.Response, problems);
  return new Rule(match, request, response);
}
