import { Writable } from "node:stream";
import type pino from "pino";
import { afterEach } from "vitest";
import { createLogger, getLogger, setLogger } from "@/lib/observability/log";

export interface LogLine {
  level: string;
  msg: string;
  request_id?: string;
  err?: { type?: string; message?: string; stack?: string };
  [field: string]: unknown;
}

/**
 * Captures what the server log (lib/observability/log.ts) writes from now until the
 * test ends: every line, parsed. `level` defaults to debug, so errors carry their stack.
 */
export function captureLog({ level = "debug" }: { level?: pino.LevelWithSilent } = {}) {
  const raw: string[] = [];
  const previous = getLogger();
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      raw.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  setLogger(createLogger({ level, destination: sink as unknown as pino.DestinationStream }));
  restore.push(() => setLogger(previous));
  return {
    /** Every line written so far, parsed. */
    lines: (): LogLine[] => raw.map((l) => JSON.parse(l) as LogLine),
    /** The raw text written so far. */
    text: (): string => raw.join("\n"),
    /** Lines at warn or above. */
    problems: (): LogLine[] =>
      raw
        .map((l) => JSON.parse(l) as LogLine)
        .filter((l) => ["warn", "error", "fatal"].includes(l.level)),
    clear: () => {
      raw.length = 0;
    },
  };
}

const restore: Array<() => void> = [];
afterEach(() => {
  for (const undo of restore.splice(0).reverse()) undo();
});
