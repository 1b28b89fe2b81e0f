// One direction's header operations (set / add / remove / rename), parsed from the config and
// applied to a header map. Order when applied: rename, remove, set, add — removals happen
// before additions, as in Envoy's header mutations, so `remove: [x]` with `set: {x: …}` yields x.
import { Format, FormatSource, parseFormat, Side } from "./formatter";
import { headerNameProblem, headerValueProblem } from "./header-names";
import { ConfigErrors, fieldPath, itemPath, JsonValue } from "../../sdk/index";

export class ValueOperation {
  constructor(public name: string, public value: Format) {}
}

export class RenameOperation {
  constructor(public from: string, public to: string) {}
}

/** The header map an operation list edits; the filter implements it over the host's map. */
export abstract class HeaderTarget {
  abstract get(name: string): string | null;
  /** Every value of `name`, in order. */
  abstract getAll(name: string): string[];
  abstract set(name: string, value: string): void;
  abstract add(name: string, value: string): void;
  abstract remove(name: string): void;
}

export class HeaderOperations {
  set: ValueOperation[] = [];
  add: ValueOperation[] = [];
  remove: string[] = [];
  rename: RenameOperation[] = [];

  get isEmpty(): bool {
    return this.set.length == 0 && this.add.length == 0 && this.remove.length == 0 && this.rename.length == 0;
  }

  get count(): i32 {
    return this.set.length + this.add.length + this.remove.length + this.rename.length;
  }

  /** Names `%REQ()%` reads in these values (response side captures them at request time). */
  requestHeaderNames(into: string[]): void {
    for (let i = 0; i < this.set.length; i++) appendAll(into, this.set[i].value.requestHeaderNames());
    for (let i = 0; i < this.add.length; i++) appendAll(into, this.add[i].value.requestHeaderNames());
  }

  /**
   * Applies every operation. A formatted value that comes out empty is skipped (Envoy's default
   * `keep_empty_value: false`): an absent `%REQ(x)%` never produces an empty header.
   */
  apply(target: HeaderTarget, source: FormatSource): void {
    for (let i = 0; i < this.rename.length; i++) {
      const op = this.rename[i];
      const values = target.getAll(op.from);
      if (values.length == 0) continue;
      target.remove(op.from);
      target.remove(op.to);
      for (let j = 0; j < values.length; j++) target.add(op.to, values[j]);
    }
    for (let i = 0; i < this.remove.length; i++) target.remove(this.remove[i]);
    for (let i = 0; i < this.set.length; i++) {
      const op = this.set[i];
      const value = op.value.evaluate(source);
      if (value.length > 0 || op.value.isLiteral) target.set(op.name, value);
    }
    for (let i = 0; i < this.add.length; i++) {
      const op = this.add[i];
      const value = op.value.evaluate(source);
      if (value.length > 0 || op.value.isLiteral) target.add(op.name, value);
    }
  }
}

function appendAll(into: string[], names: string[]): void {
  for (let i = 0; i < names.length; i++) if (!into.includes(names[i])) into.push(names[i]);
}

const KNOWN_KEYS: string[] = ["set", "add", "remove", "rename"];

/** Parses `{set, add, remove, rename}` at `path`; problems go to `problems`. */
export function parseOperations(value: JsonValue, path: string, side: Side, problems: ConfigErrors): HeaderOperations {
  const ops = new HeaderOperations();
  if (!value.isObject) {
    problems.add(path, "expected an object with set/add/remove/rename, got " + value.kindName);
    return ops;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    const key = object.keys[i];
    if (!KNOWN_KEYS.includes(key)) problems.add(fieldPath(path, key), "unknown field (expected one of set, add, remove, rename)");
  }
  const set = object.get("set");
  if (set !== null) parseValueMap(set, fieldPath(path, "set"), side, false, ops.set, problems);
  const add = object.get("add");
  if (add !== null) parseValueMap(add, fieldPath(path, "add"), side, true, ops.add, problems);
  const remove = object.get("remove");
  if (remove !== null) parseRemove(remove, fieldPath(path, "remove"), ops.remove, problems);
  const rename = object.get("rename");
  if (rename !== null) parseRename(rename, fieldPath(path, "rename"), ops.rename, problems);
  return ops;
}

function checkName(name: string, path: string, problems: ConfigErrors): string | null {
  const problem = headerNameProblem(name);
  if (problem.length > 0) {
    problems.add(path, problem);
    return null;
  }
  return name.toLowerCase();
}

function parseValue(value: JsonValue, path: string, side: Side, problems: ConfigErrors): Format | null {
  if (!value.isString) {
    problems.add(path, "expected a string header value, got " + value.kindName);
    return null;
  }
  const text = value.asString();
  const bad = headerValueProblem(text);
  if (bad.length > 0) {
    problems.add(path, bad);
    return null;
  }
  const parsed = parseFormat(text, side);
  if (parsed.format === null) {
    problems.add(path, parsed.error);
    return null;
  }
  return parsed.format;
}

// `add` also takes a list of values for one name: {"x-b": ["1", "2"]}.
function parseValueMap(value: JsonValue, path: string, side: Side, allowLists: bool, into: ValueOperation[], problems: ConfigErrors): void {
  if (!value.isObject) {
    problems.add(path, "expected an object of header name to value, got " + value.kindName);
    return;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    const key = object.keys[i];
    const at = fieldPath(path, key);
    const name = checkName(key, at, problems);
    const item = object.get(key)!;
    if (allowLists && item.isArray) {
      const list = item.asArray();
      for (let j = 0; j < list.length; j++) {
        const format = parseValue(list.items[j], itemPath(at, j), side, problems);
        if (name !== null && format !== null) into.push(new ValueOperation(name, format));
      }
      continue;
    }
    const format = parseValue(item, at, side, problems);
    if (name !== null && format !== null) into.push(new ValueOperation(name, format));
  }
}

function parseRemove(value: JsonValue, path: string, into: string[], problems: ConfigErrors): void {
  if (!value.isArray) {
    problems.add(path, "expected an array of header names, got " + value.kindName);
    return;
  }
  const list = value.asArray();
  for (let i = 0; i < list.length; i++) {
    const item = list.items[i];
    const at = itemPath(path, i);
    if (!item.isString) {
      problems.add(at, "expected a header name string, got " + item.kindName);
      continue;
    }
    const name = checkName(item.asString(), at, problems);
    if (name !== null && !into.includes(name)) into.push(name);
  }
}

function parseRename(value: JsonValue, path: string, into: RenameOperation[], problems: ConfigErrors): void {
  if (!value.isObject) {
    problems.add(path, "expected an object of old header name to new header name, got " + value.kindName);
    return;
  }
  const object = value.asObject();
  for (let i = 0; i < object.keys.length; i++) {
    const key = object.keys[i];
    const at = fieldPath(path, key);
    const from = checkName(key, at, problems);
    const item = object.get(key)!;
    if (!item.isString) {
      problems.add(at, "expected the new header name as a string, got " + item.kindName);
      continue;
    }
    const to = checkName(item.asString(), at, problems);
    if (from === null || to === null) continue;
    if (from == to) {
      problems.add(at, "renames \"" + from + "\" to itself");
      continue;
    }
    into.push(new RenameOperation(from, to));
  }
}
