import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { getConfig, type LogLevel } from "@/lib/config";
import { currentRequestId } from "./context";

/**
 * Parley's server log: pino, one JSON object per line on stdout, or pino-pretty's
 * readable lines when stdout is a terminal. LOG_LEVEL sets the threshold (default info).
 * Server-side only (it writes to the process's stdout); components never import it.
 *
 * Never log a secret or what someone wrote: no question or answer text, no API key,
 * cookie, token or password. Log ids (hashed for people, `context.ts`), codes, counts,
 * statuses and timings. A line logged while serving a request carries its `request_id`.
 *
 * One logger per process, on globalThis, shared by the server's bundle and Next's.
 */
const KEY = Symbol.for("parley.logger");
const shared = globalThis as typeof globalThis & { [KEY]?: Logger };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default stdout (pretty when it is a TTY). */
  destination?: DestinationStream;
}

/** A logger with Parley's settings; `getLogger()` is the process's. */
export function createLogger({
  level = configuredLevel(),
  destination,
}: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "parley" },
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Whatever a caller passes, these never reach the log in full.
    redact: {
      paths: [
        "headers.cookie",
        "headers.authorization",
        "headers['x-api-key']",
        "*.headers.cookie",
        "*.headers.authorization",
        "*.headers['x-api-key']",
        "password",
        "apiKey",
        "token",
      ],
      censor: "[redacted]",
    },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { request_id: requestId } : {};
    },
  };
  if (destination) return pino(options, destination);
  if (process.stdout.isTTY) {
    return pino(options, pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", sync: true }));
  }
  return pino(options, pino.destination({ fd: 1, sync: true }));
}

/** The process's logger. */
export function getLogger(): Logger {
  shared[KEY] ??= createLogger();
  return shared[KEY];
}

/** Replaces the process's logger (tests capture lines this way). */
export function setLogger(logger: Logger): void {
  shared[KEY] = logger;
}

/** LOG_LEVEL, or info when the configuration cannot be read (start-up reports that itself). */
function configuredLevel(): LogLevel {
  try {
    return getConfig().logLevel;
  } catch {
    return "info";
  }
}

/**
 * An error as the log shows it: its class, code and message, and its stack at debug.
 * Vectara's and the engine's messages say what failed, not what anyone wrote.
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { err: { message: String(error) } };
  const e = error as Error & { code?: unknown; status?: unknown };
  return {
    err: {
      type: e.name,
      message: e.message,
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(typeof e.status === "number" ? { status: e.status } : {}),
      ...(getLogger().isLevelEnabled("debug") ? { stack: e.stack } : {}),
    },
  };
}
