import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/** Visitors' ratings (and reports) of answers, in `feedback`: one row per turn. */

export type Rating = "up" | "down";

export interface Feedback {
  turnId: string;
  rating: Rating;
  reason: string | null;
  /** The visitor asked the support team to look at this answer. */
  reported: boolean;
  updatedAt: number;
}

const feedbackRow = z
  .object({
    turn_id: z.string(),
    rating: z.enum(["up", "down"]),
    reason: z.string().nullable(),
    reported: z.coerce.number(),
    updated_at: epochMs,
  })
  .transform(
    (r): Feedback => ({
      turnId: r.turn_id,
      rating: r.rating,
      reason: r.reason,
      reported: r.reported !== 0,
      updatedAt: r.updated_at,
    }),
  );

/**
 * Sets the owner's rating of a turn; `null` takes it back. Feedback left by
 * someone else on the same turn is never overwritten or removed.
 */
export async function setFeedbackByTurnId({
  db,
  turnId,
  chatId,
  ownerId,
  rating,
  reason,
  reported = false,
  now,
}: {
  db: SqlDriver;
  turnId: string;
  chatId: string;
  ownerId: string;
  rating: Rating | null;
  reason?: string | null;
  reported?: boolean;
  now: number;
}): Promise<void> {
  if (rating === null) {
    await db.run("DELETE FROM feedback WHERE turn_id = ? AND owner_id = ?", [turnId, ownerId]);
    return;
  }
  await db.run(
    `INSERT INTO feedback (turn_id, chat_id, owner_id, rating, reason, reported, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (turn_id) DO UPDATE SET
       rating = excluded.rating, reason = excluded.reason, reported = excluded.reported,
       updated_at = excluded.updated_at
     WHERE feedback.owner_id = excluded.owner_id AND feedback.chat_id = excluded.chat_id`,
    [turnId, chatId, ownerId, rating, reason ?? null, reported ? 1 : 0, now],
  );
}

export async function listFeedbackByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<Feedback[]> {
  const rows = await db.all(
    "SELECT turn_id, rating, reason, reported, updated_at FROM feedback WHERE chat_id = ? ORDER BY turn_id",
    [chatId],
  );
  return rows.map((r) => feedbackRow.parse(r));
}
