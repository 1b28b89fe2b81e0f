// The host's clock (Envoy's time source, which the embedded host can fake in tests).
import * as host from "./abi/hostcalls";

/** Nanoseconds since the Unix epoch. */
export function nowNanos(): u64 {
  return host.getCurrentTimeNanos();
}

/** Milliseconds since the Unix epoch. */
export function nowMillis(): i64 {
  return <i64>(host.getCurrentTimeNanos() / 1_000_000);
}

/** Seconds since the Unix epoch (what JWT exp/nbf compare against). */
export function nowSeconds(): i64 {
  return <i64>(host.getCurrentTimeNanos() / 1_000_000_000);
}
