import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * Staff reviews of conversations, in `chat_reviews`: each chat's review status and
 * assignee. Keyed by Vectara chat id, without a reference to the chats table: staff
 * review every chat, including ones Parley did not start.
 */

export type ReviewStatus = "open" | "reviewed" | "escalated";

export interface ChatReview {
  chatId: string;
  status: ReviewStatus;
  assigneeId: string | null;
  assigneeEmail: string | null;
  updatedBy: string | null;
  updatedAt: number;
}

const reviewRow = z
  .object({
    chat_id: z.string(),
    status: z.enum(["open", "reviewed", "escalated"]),
    assignee_id: z.string().nullable(),
    assignee_email: z.string().nullable(),
    updated_by: z.string().nullable(),
    updated_at: epochMs,
  })
  .transform(
    (r): ChatReview => ({
      chatId: r.chat_id,
      status: r.status,
      assigneeId: r.assignee_id,
      assigneeEmail: r.assignee_email,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    }),
  );

const REVIEW_SELECT = `SELECT r.chat_id, r.status, r.assignee_id, u.email AS assignee_email, r.updated_by, r.updated_at
  FROM chat_reviews r LEFT JOIN users u ON u.user_id = r.assignee_id`;

/** Reviews of the given chats; a chat nobody reviewed yet has none (it is "open"). */
export async function listChatReviewsByChatIds({
  db,
  chatIds,
}: {
  db: SqlDriver;
  chatIds: readonly string[];
}): Promise<Map<string, ChatReview>> {
  if (chatIds.length === 0) return new Map();
  const rows = await db.all(
    `${REVIEW_SELECT} WHERE r.chat_id IN (${chatIds.map(() => "?").join(", ")})`,
    chatIds,
  );
  return new Map(rows.map((r) => reviewRow.parse(r)).map((r) => [r.chatId, r]));
}

export async function setChatReviewByChatId({
  db,
  chatId,
  status,
  assigneeId,
  updatedBy,
  now,
}: {
  db: SqlDriver;
  chatId: string;
  status: ReviewStatus;
  assigneeId: string | null;
  updatedBy: string;
  now: number;
}): Promise<void> {
  await db.run(
    `INSERT INTO chat_reviews (chat_id, status, assignee_id, updated_by, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET status = excluded.status,
       assignee_id = excluded.assignee_id, updated_by = excluded.updated_by,
       updated_at = excluded.updated_at`,
    [chatId, status, assigneeId, updatedBy, now],
  );
}
