// Errors a user caused (bad flags, config, YAML, wasm, no Docker engine): printed as one precise
// message and exit code 2, never a stack trace.
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}
