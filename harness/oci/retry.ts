// Retrying registry operations: which failures are worth another try, and exponential backoff.
import { UserError } from "../cli/errors.ts";

export interface RetryPolicy {
  /** Total tries of one operation, first included. Default 4. */
  attempts: number;
  /** Delay before the second try; doubles each time. Default 500 ms. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500 };

/** A failure worth trying again: a 5xx or 429 answer, or a connection lost mid-way. */
export class RetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryableError";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `operation`, trying again with backoff while it fails retryably; then one UserError naming `what` and `where`. */
export async function withRetry<T>(what: string, where: string, policy: RetryPolicy, operation: () => Promise<T>): Promise<T> {
  let last: Error | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      last = error;
      if (attempt < policy.attempts) await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  throw new UserError(`${what} failed after ${policy.attempts} attempts against ${where}; last error: ${last!.message}`);
}
