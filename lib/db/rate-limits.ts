import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** 0 when allowed; otherwise how long until the next window opens. */
  retryAfterMs: number;
}

/** The longest window a limit may use; rows older than this are swept. */
export const MAX_RATE_LIMIT_WINDOW_MS = 60 * 60 * 1000;
/** How often one process sweeps every key's expired windows. */
const SWEEP_EVERY_MS = 60 * 1000;
let lastSweepAt = Number.NEGATIVE_INFINITY;

/**
 * Counts one hit against `key` in a fixed window. The count lives in the
 * database so that several app instances share it; the increment and the
 * clean-up of the key's older windows are one transaction. Once a minute the
 * call also sweeps every key's windows that ended more than
 * `MAX_RATE_LIMIT_WINDOW_MS` ago (visitors who never come back leave rows).
 */
export async function hitRateLimitByKey({
  db,
  key,
  limit,
  windowMs,
  now,
}: {
  db: SqlDriver;
  key: string;
  limit: number;
  windowMs: number;
  now: number;
}): Promise<RateLimitResult> {
  const windowStart = windowStartOf(now, windowMs);
  if (now - lastSweepAt >= SWEEP_EVERY_MS || now < lastSweepAt) {
    lastSweepAt = now;
    await sweepExpiredRateLimits({ db, now });
  }
  return db.transaction(async (tx) => {
    await tx.run("DELETE FROM rate_limits WHERE key = ? AND window_start < ?", [key, windowStart]);
    const row = await tx.get(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
       RETURNING count`,
      [key, windowStart],
    );
    const count = countRow.parse(row).count;
    return resultOf({ allowed: count <= limit, count, limit, windowStart, windowMs, now });
  });
}

/**
 * Reads a `hitRateLimitByKey` counter without adding to it: `allowed` is false
 * once `limit` hits are in the current window. Sign-in uses it to refuse an
 * attempt before checking the password, and counts only failed attempts.
 */
export async function peekRateLimitByKey({
  db,
  key,
  limit,
  windowMs,
  now,
}: {
  db: SqlDriver;
  key: string;
  limit: number;
  windowMs: number;
  now: number;
}): Promise<RateLimitResult> {
  const windowStart = windowStartOf(now, windowMs);
  const row = await db.get("SELECT count FROM rate_limits WHERE key = ? AND window_start = ?", [
    key,
    windowStart,
  ]);
  const count = row === undefined ? 0 : countRow.parse(row).count;
  return resultOf({ allowed: count < limit, count, limit, windowStart, windowMs, now });
}

/** Deletes every window that started more than `MAX_RATE_LIMIT_WINDOW_MS` before `now`. */
export async function sweepExpiredRateLimits({
  db,
  now,
}: {
  db: SqlDriver;
  now: number;
}): Promise<number> {
  const { changes } = await db.run("DELETE FROM rate_limits WHERE window_start < ?", [
    now - MAX_RATE_LIMIT_WINDOW_MS,
  ]);
  return changes;
}

const countRow = z.object({ count: z.coerce.number().int() });

function windowStartOf(now: number, windowMs: number): number {
  if (!Number.isInteger(windowMs) || windowMs < 1 || windowMs > MAX_RATE_LIMIT_WINDOW_MS) {
    throw new RangeError(
      `windowMs must be a whole number from 1 to ${MAX_RATE_LIMIT_WINDOW_MS} (got ${windowMs})`,
    );
  }
  return now - (((now % windowMs) + windowMs) % windowMs);
}

function resultOf(r: {
  allowed: boolean;
  count: number;
  limit: number;
  windowStart: number;
  windowMs: number;
  now: number;
}): RateLimitResult {
  return {
    allowed: r.allowed,
    remaining: Math.max(0, r.limit - r.count),
    retryAfterMs: r.allowed ? 0 : r.windowStart + r.windowMs - r.now,
  };
}
