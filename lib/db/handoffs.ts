import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * Visitors' requests to reach a person, in `handoffs`: one per chat, with the contact
 * email and a short message. The email is staff-only; the row references `chats` with
 * ON DELETE CASCADE (and `deleteChatByChatId` deletes it explicitly), so it goes with
 * the conversation.
 */

export const HANDOFF_STATES = ["open", "contacted", "closed"] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

export interface Handoff {
  handoffId: string;
  chatId: string;
  ownerId: string;
  email: string;
  message: string;
  state: HandoffState;
  createdAt: number;
  updatedAt: number;
  /** The staff member who last set the state (their email); null while the visitor's. */
  updatedBy: string | null;
}

const handoffRow = z
  .object({
    handoff_id: z.string(),
    chat_id: z.string(),
    owner_id: z.string(),
    email: z.string(),
    message: z.string(),
    state: z.enum(HANDOFF_STATES),
    created_at: epochMs,
    updated_at: epochMs,
    updated_by: z.string().nullable(),
  })
  .transform(
    (r): Handoff => ({
      handoffId: r.handoff_id,
      chatId: r.chat_id,
      ownerId: r.owner_id,
      email: r.email,
      message: r.message,
      state: r.state,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }),
  );

const HANDOFF_SELECT = `SELECT handoff_id, chat_id, owner_id, email, message, state, created_at,
  updated_at, updated_by FROM handoffs`;

/**
 * Asks for a person in a chat. There is one handoff per chat: asking again replaces the
 * contact and message and opens it again (a closed one starts over, with a new
 * `createdAt`; an open or contacted one keeps its place in the queue). `created` says
 * whether there was no active request before.
 */
export async function requestHandoffByChatId({
  db,
  handoffId,
  chatId,
  ownerId,
  email,
  message,
  now,
}: {
  db: SqlDriver;
  handoffId: string;
  chatId: string;
  ownerId: string;
  email: string;
  message: string;
  now: number;
}): Promise<{ handoff: Handoff; created: boolean }> {
  return db.transaction(async (tx) => {
    const before = await getHandoffByChatId({ db: tx, chatId });
    const created = !before || before.state === "closed";
    await tx.run(
      `INSERT INTO handoffs (handoff_id, chat_id, owner_id, email, message, state, created_at, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, 'open', ?, ?, NULL)
       ON CONFLICT (chat_id) DO UPDATE SET
         owner_id = excluded.owner_id, email = excluded.email, message = excluded.message,
         state = 'open', updated_at = excluded.updated_at, updated_by = NULL,
         created_at = CASE WHEN handoffs.state = 'closed' THEN excluded.created_at
                           ELSE handoffs.created_at END`,
      [handoffId, chatId, ownerId, email, message, now, now],
    );
    const handoff = await getHandoffByChatId({ db: tx, chatId });
    if (!handoff) throw new Error("the handoff just written is missing");
    return { handoff, created };
  });
}

export async function getHandoffByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<Handoff | undefined> {
  const row = await db.get(`${HANDOFF_SELECT} WHERE chat_id = ?`, [chatId]);
  return row === undefined ? undefined : handoffRow.parse(row);
}

/** Handoffs of the given chats, by chat id. */
export async function listHandoffsByChatIds({
  db,
  chatIds,
}: {
  db: SqlDriver;
  chatIds: readonly string[];
}): Promise<Map<string, Handoff>> {
  if (chatIds.length === 0) return new Map();
  const rows = await db.all(
    `${HANDOFF_SELECT} WHERE chat_id IN (${chatIds.map(() => "?").join(", ")})`,
    chatIds,
  );
  return new Map(rows.map((r) => handoffRow.parse(r)).map((h) => [h.chatId, h]));
}

/** Open and contacted handoffs, oldest first (the triage queue's top), at most `limit`. */
export async function listActiveHandoffs({
  db,
  limit = 100,
}: {
  db: SqlDriver;
  limit?: number;
}): Promise<Handoff[]> {
  const rows = await db.all(
    `${HANDOFF_SELECT} WHERE state IN ('open', 'contacted')
     ORDER BY created_at ASC, handoff_id ASC LIMIT ?`,
    [limit],
  );
  return rows.map((r) => handoffRow.parse(r));
}

/** A staff member sets the state; undefined when the chat has no handoff. */
export async function setHandoffStateByChatId({
  db,
  chatId,
  state,
  updatedBy,
  now,
}: {
  db: SqlDriver;
  chatId: string;
  state: HandoffState;
  updatedBy: string;
  now: number;
}): Promise<{ before: HandoffState; handoff: Handoff } | undefined> {
  return db.transaction(async (tx) => {
    const before = await getHandoffByChatId({ db: tx, chatId });
    if (!before) return undefined;
    await tx.run(
      "UPDATE handoffs SET state = ?, updated_at = ?, updated_by = ? WHERE chat_id = ?",
      [state, now, updatedBy, chatId],
    );
    const handoff = await getHandoffByChatId({ db: tx, chatId });
    if (!handoff) return undefined;
    return { before: before.state, handoff };
  });
}
