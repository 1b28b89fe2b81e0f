// Token bucket arithmetic with the semantics of Envoy's local_ratelimit (timer-based fills): a new
// bucket is full; every `fill_interval` it gains `tokens_per_fill`, never above `max_tokens`; each
// request takes one token or is over the limit. Fills are computed lazily from the time of the
// last fill, so a bucket needs no timer and can live in shared data as a few bytes.

export class BucketSettings {
  constructor(public maxTokens: u32, public tokensPerFill: u32, public fillIntervalNanos: i64) {}

  /** Time for an empty bucket to fill completely: when a bucket idle this long is as good as new. */
  get refillAllNanos(): i64 {
    const fills = (<i64>this.maxTokens + <i64>this.tokensPerFill - 1) / <i64>this.tokensPerFill;
    return fills * this.fillIntervalNanos;
  }
}

export class BucketState {
  constructor(public tokens: u32, public lastFillNanos: i64) {}

  static fresh(settings: BucketSettings, now: i64): BucketState {
    return new BucketState(settings.maxTokens, now);
  }

  /** Adds the fills that fell due up to `now`; keeps the fill phase. */
  refill(settings: BucketSettings, now: i64): void {
    if (this.tokens > settings.maxTokens) this.tokens = settings.maxTokens; // the limit was lowered
    if (now < this.lastFillNanos) {
      this.lastFillNanos = now; // a clock step backwards: restart the phase, keep the tokens
      return;
    }
    const fills = (now - this.lastFillNanos) / settings.fillIntervalNanos;
    if (fills <= 0) return;
    this.lastFillNanos += fills * settings.fillIntervalNanos;
    const added = <u64>fills * <u64>settings.tokensPerFill;
    const total = <u64>this.tokens + added;
    this.tokens = total >= <u64>settings.maxTokens ? settings.maxTokens : <u32>total;
  }

  /** Takes one token if there is one. Call refill() first. */
  take(): bool {
    if (this.tokens == 0) return false;
    this.tokens--;
    return true;
  }

  /** Nanoseconds until the next fill. */
  nanosUntilNextFill(settings: BucketSettings, now: i64): i64 {
    const next = this.lastFillNanos + settings.fillIntervalNanos;
    return next > now ? next - now : 0;
  }

  /** True when, refilled at `now`, this bucket would be full: forgetting it changes nothing. */
  isIdle(settings: BucketSettings, now: i64): bool {
    if (this.tokens >= settings.maxTokens) return true;
    return now - this.lastFillNanos >= settings.refillAllNanos;
  }
}

/** Whole seconds, rounded up, at least 1: the form Retry-After and RateLimit-Reset take. */
export function ceilSeconds(nanos: i64): i64 {
  if (nanos <= 0) return 1;
  const seconds = (nanos + 999_999_999) / 1_000_000_000;
  return seconds < 1 ? 1 : seconds;
}
