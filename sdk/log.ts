// Logging at Envoy's levels. Lines below the host's level (proxy_get_log_level) are dropped
// without a host call; use logEnabled() to skip building expensive messages.
import * as host from "./abi/hostcalls";
import { LogLevel } from "./abi/enums";

/** The host's current log level (proxy_get_log_level). */
export function logLevel(): LogLevel {
  return host.getLogLevel();
}

export function logEnabled(level: LogLevel): bool {
  return level >= host.getLogLevel();
}

export function log(level: LogLevel, message: string): void {
  if (logEnabled(level)) host.log(level, message);
}

export function logTrace(message: string): void { log(LogLevel.Trace, message); }
export function logDebug(message: string): void { log(LogLevel.Debug, message); }
export function logInfo(message: string): void { log(LogLevel.Info, message); }
export function logWarn(message: string): void { log(LogLevel.Warn, message); }
export function logError(message: string): void { log(LogLevel.Error, message); }
export function logCritical(message: string): void { log(LogLevel.Critical, message); }
