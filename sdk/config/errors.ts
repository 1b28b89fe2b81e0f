// Collects configuration errors with the field path each one is about, so a filter can report
// every problem at once: `token_bucket.fill_interval: expected a duration like "1s", got "soon"`.
import * as host from "../abi/hostcalls";
import { LogLevel } from "../abi/enums";

export class ConfigError {
  constructor(readonly path: string, readonly message: string) {}

  toString(): string {
    return this.path.length > 0 ? this.path + ": " + this.message : this.message;
  }
}

export class ConfigErrors {
  readonly errors: ConfigError[] = [];

  add(path: string, message: string): void {
    this.errors.push(new ConfigError(path, message));
  }

  get ok(): bool {
    return this.errors.length == 0;
  }

  get count(): i32 {
    return this.errors.length;
  }

  /** All errors, one per line. */
  toString(): string {
    let out = "";
    for (let i = 0; i < this.errors.length; i++) {
      if (i > 0) out += "\n";
      out += this.errors[i].toString();
    }
    return out;
  }

  /**
   * Logs each error at error level as "<prefix>: <path>: <message>" (what Envoy shows when
   * onConfigure returns false). Returns `ok`, so onConfigure can end with `return errors.report()`.
   */
  report(prefix: string = "invalid configuration"): bool {
    for (let i = 0; i < this.errors.length; i++) {
      host.log(LogLevel.Error, prefix + ": " + this.errors[i].toString());
    }
    return this.ok;
  }
}

/** Joins a parent path and a field name ("a" + "b" → "a.b"; "" + "b" → "b"). */
export function fieldPath(parent: string, field: string): string {
  return parent.length == 0 ? field : parent + "." + field;
}

/** Path of an array item ("rules" + 2 → "rules[2]"). */
export function itemPath(parent: string, index: i32): string {
  return parent + "[" + index.toString() + "]";
}
