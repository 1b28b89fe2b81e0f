// Clocks the host reads time from and schedules ticks and call timeouts on.
import type { Clock } from "./api.ts";

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  nowNanos: () => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void;
}

/** A clock that only moves when a test calls `advance(ms)`. Starts at `startNanos` (default 2024-01-01). */
export function createManualClock(startNanos: bigint = 1_704_067_200_000_000_000n): ManualClock {
  let now = startNanos;
  let sequence = 0;
  const timers = new Map<number, { due: bigint; fn: () => void }>();
  return {
    nowNanos: () => now,
    setTimer(ms, fn) {
      const id = sequence++;
      timers.set(id, { due: now + BigInt(Math.max(0, Math.round(ms * 1e6))), fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const target = now + BigInt(Math.round(ms * 1e6));
      for (;;) {
        let nextId = -1;
        let next: { due: bigint; fn: () => void } | undefined;
        for (const [id, t] of timers) {
          if (t.due <= target && (next === undefined || t.due < next.due)) { next = t; nextId = id; }
        }
        if (next === undefined) break;
        timers.delete(nextId);
        if (next.due > now) now = next.due;
        next.fn();
      }
      now = target;
    },
  };
}
