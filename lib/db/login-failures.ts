import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";

/**
 * Failed sign-in counters with growing delays, in `login_failures`. Each key (sign-in
 * uses one per account and client address, and one per client address) counts its
 * failures; once `freeFailures` are reached, every further failure refuses the key's
 * next attempt for `baseDelayMs`, then twice that, and so on up to `maxDelayMs`.
 *
 * An attempt is counted as a failure when it starts (`startLoginAttempt`), in the same
 * statement that checks the key is not blocked, so a burst of concurrent guesses cannot
 * all pass the check before the first is counted. A correct password then takes it
 * back (`settleLoginSuccess`). A key whose last failure is more than
 * `LOGIN_FAILURE_MEMORY_MS` old starts again from zero, and such rows are swept.
 */

export interface LoginDelayPolicy {
  /** Failures allowed before the first delay. */
  freeFailures: number;
  /** The delay after the `freeFailures`th failure; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
}

/** A key with no failure for this long forgets its count; its row is swept. */
export const LOGIN_FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
/** How often one process sweeps forgotten rows. */
const SWEEP_EVERY_MS = 60 * 1000;
let lastSweepAt = Number.NEGATIVE_INFINITY;

/** How long a key with `failures` failures is refused after its last failure. */
export function loginDelayMs(failures: number, policy: LoginDelayPolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = failures - policy.freeFailures;
  // 2^40 ms is 35 years: past any sensible cap, and far from overflowing.
  return Math.min(policy.baseDelayMs * 2 ** Math.min(doublings, 40), policy.maxDelayMs);
}

export interface LoginAttemptKey {
  key: string;
  policy: LoginDelayPolicy;
}

/** What `startLoginAttempt` claimed on each key, for `settleLoginSuccess` to give back. */
export interface LoginAttemptClaim {
  key: string;
  /** The key's `blocked_until` before this attempt (≤ now: it was not blocked). */
  previousBlockedUntil: number;
  /** The `blocked_until` this attempt set. */
  blockedUntil: number;
}

export type LoginAttemptStart =
  | { allowed: true; claims: LoginAttemptClaim[] }
  | { allowed: false; retryAfterMs: number };

const stateRow = z.object({
  failures: z.coerce.number().int(),
  last_failure_at: z.coerce.number().int(),
  blocked_until: z.coerce.number().int(),
});
const blockedRow = z.object({ blocked_until: z.coerce.number().int() });
const failuresRow = z.object({ failures: z.coerce.number().int() });

/** The end of a key's current block (0 for a key with no row). */
async function blockedUntilOf(db: SqlDriver, key: string): Promise<number> {
  const row = await db.get("SELECT blocked_until FROM login_failures WHERE key = ?", [key]);
  return row === undefined ? 0 : blockedRow.parse(row).blocked_until;
}

/**
 * Starts a sign-in attempt: refused, with the longest wait, when any key is blocked;
 * otherwise every key counts one more failure, which a correct password takes back.
 * Nothing is written for a refused attempt, so retrying a blocked key does not
 * lengthen its delay.
 */
export async function startLoginAttempt({
  db,
  keys,
  now,
}: {
  db: SqlDriver;
  keys: readonly LoginAttemptKey[];
  now: number;
}): Promise<LoginAttemptStart> {
  if (now - lastSweepAt >= SWEEP_EVERY_MS) {
    lastSweepAt = now;
    await sweepLoginFailures({ db, now });
  }
  try {
    return await db.transaction(async (tx): Promise<LoginAttemptStart> => {
      const previous: number[] = [];
      for (const { key } of keys) previous.push(await blockedUntilOf(tx, key));
      const waitMs = Math.max(0, ...previous.map((until) => until - now));
      if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };

      const claims: LoginAttemptClaim[] = [];
      for (const [i, { key, policy }] of keys.entries()) {
        // Counting is conditional on the key not being blocked, in one statement: on
        // Postgres it waits for a concurrent attempt's row lock, then sees its block.
        const row = await tx.get(
          `INSERT INTO login_failures (key, failures, last_failure_at, blocked_until)
           VALUES (?, 1, ?, 0)
           ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN login_failures.last_failure_at < ? THEN 1
                             ELSE login_failures.failures + 1 END,
             last_failure_at = excluded.last_failure_at
           WHERE login_failures.blocked_until <= ?
           RETURNING failures`,
          [key, now, now - LOGIN_FAILURE_MEMORY_MS, now],
        );
        if (row === undefined) {
          // Blocked since it was read, by a concurrent attempt (Postgres): refuse, and
          // roll back what this attempt counted on the other keys.
          throw new Refused(Math.max(1, (await blockedUntilOf(tx, key)) - now));
        }
        const { failures } = failuresRow.parse(row);
        const blockedUntil = now + loginDelayMs(failures, policy);
        await tx.run("UPDATE login_failures SET blocked_until = ? WHERE key = ?", [
          blockedUntil,
          key,
        ]);
        claims.push({ key, previousBlockedUntil: previous[i] ?? 0, blockedUntil });
      }
      return { allowed: true, claims };
    });
  } catch (error) {
    if (error instanceof Refused) return { allowed: false, retryAfterMs: error.retryAfterMs };
    throw error;
  }
}

class Refused extends Error {
  constructor(readonly retryAfterMs: number) {
    super("sign-in attempt refused: blocked by a concurrent attempt");
  }
}

/**
 * A correct password: the keys in `reset` forget every failure (the account and
 * address pair), the others only this attempt's (the address, which keeps counting
 * failures for other accounts). A block this attempt set is lifted unless another
 * attempt has replaced it since.
 */
export async function settleLoginSuccess({
  db,
  claims,
  reset,
}: {
  db: SqlDriver;
  claims: readonly LoginAttemptClaim[];
  reset: readonly string[];
}): Promise<void> {
  await db.transaction(async (tx) => {
    for (const claim of claims) {
      if (reset.includes(claim.key)) {
        await tx.run("DELETE FROM login_failures WHERE key = ?", [claim.key]);
        continue;
      }
      await tx.run(
        `UPDATE login_failures SET
           failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
           blocked_until = CASE WHEN blocked_until = ? THEN ? ELSE blocked_until END
         WHERE key = ?`,
        [claim.blockedUntil, claim.previousBlockedUntil, claim.key],
      );
    }
  });
}

/** A key's count, for tests and tools: undefined when it has none it remembers. */
export async function getLoginFailuresByKey({
  db,
  key,
  now,
}: {
  db: SqlDriver;
  key: string;
  now: number;
}): Promise<{ failures: number; lastFailureAt: number; blockedUntil: number } | undefined> {
  const row = await db.get(
    "SELECT failures, last_failure_at, blocked_until FROM login_failures WHERE key = ?",
    [key],
  );
  if (row === undefined) return undefined;
  const r = stateRow.parse(row);
  if (r.last_failure_at < now - LOGIN_FAILURE_MEMORY_MS) return undefined;
  return { failures: r.failures, lastFailureAt: r.last_failure_at, blockedUntil: r.blocked_until };
}

/** Deletes the rows of keys whose last failure is more than `LOGIN_FAILURE_MEMORY_MS` old. */
export async function sweepLoginFailures({
  db,
  now,
}: {
  db: SqlDriver;
  now: number;
}): Promise<number> {
  const { changes } = await db.run(
    "DELETE FROM login_failures WHERE last_failure_at < ? AND blocked_until < ?",
    [now - LOGIN_FAILURE_MEMORY_MS, now],
  );
  return changes;
}
