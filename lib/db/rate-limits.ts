import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** 0 when allowed; otherwise how long until the next window opens. */
  retryAfterMs: number;
}

/**
 * Counts one hit against `key` in a fixed window. The count lives in the
 * database so that several app instances share it; the increment and the
 * clean-up of the key's older windows are one transaction.
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
  if (!Number.isInteger(windowMs) || windowMs < 1) {
    throw new RangeError(`windowMs must be a positive integer (got ${windowMs})`);
  }
  const windowStart = now - (((now % windowMs) + windowMs) % windowMs);
  return db.transaction(async (tx) => {
    await tx.run("DELETE FROM rate_limits WHERE key = ? AND window_start < ?", [key, windowStart]);
    const row = await tx.get(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
       RETURNING count`,
      [key, windowStart],
    );
    const count = z.object({ count: z.coerce.number().int() }).parse(row).count;
    const allowed = count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - count),
      retryAfterMs: allowed ? 0 : windowStart + windowMs - now,
    };
  });
}
