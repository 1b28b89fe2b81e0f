// A mistake in what the user asked for: printed as one line, exit code 2, no stack trace.
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}
