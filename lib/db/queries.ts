import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor";
import type { SqlDriver } from "./driver";

export { hitRateLimitByKey, peekRateLimitByKey, type RateLimitResult } from "./rate-limits";

/**
 * The app database's queries. Each takes one object argument with the driver in
 * it, speaks portable SQL and returns camelCase domain objects. Rows are parsed
 * with zod: the same code must accept Postgres, whose BIGINT comes back as a string.
 */

const epochMs = z.coerce.number().int();

export interface Chat {
  chatId: string;
  ownerId: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

const chatRow = z
  .object({
    chat_id: z.string(),
    owner_id: z.string(),
    title: z.string(),
    created_at: epochMs,
    updated_at: epochMs,
  })
  .transform(
    (r): Chat => ({
      chatId: r.chat_id,
      ownerId: r.owner_id,
      title: r.title,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }),
  );

const CHAT_COLUMNS = "chat_id, owner_id, title, created_at, updated_at";

/**
 * Creates the chat, or marks it as just used. The owner of an existing chat never
 * changes (its title only through `retitleChatByChatId`), and another visitor's call does not even touch it: callers
 * compare the returned owner with theirs.
 */
export async function upsertChatByChatId({
  db,
  chatId,
  ownerId,
  title,
  now,
}: {
  db: SqlDriver;
  chatId: string;
  ownerId: string;
  title: string;
  now: number;
}): Promise<Chat> {
  return db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO chats (${CHAT_COLUMNS}) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chat_id) DO UPDATE SET updated_at = excluded.updated_at
       WHERE chats.owner_id = excluded.owner_id`,
      [chatId, ownerId, title, now, now],
    );
    const chat = await getChatByChatId({ db: tx, chatId });
    if (!chat) throw new Error(`Chat ${chatId} vanished during its upsert`);
    return chat;
  });
}

/** Renames the owner's chat (its first real question, once there is one). */
export async function retitleChatByChatId({
  db,
  chatId,
  ownerId,
  title,
}: {
  db: SqlDriver;
  chatId: string;
  ownerId: string;
  title: string;
}): Promise<void> {
  await db.run("UPDATE chats SET title = ? WHERE chat_id = ? AND owner_id = ?", [
    title,
    chatId,
    ownerId,
  ]);
}

export async function getChatByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<Chat | undefined> {
  const row = await db.get(`SELECT ${CHAT_COLUMNS} FROM chats WHERE chat_id = ?`, [chatId]);
  return row === undefined ? undefined : chatRow.parse(row);
}

export { InvalidCursorError } from "./cursor";

/**
 * The owner's chats, most recently used first. Keyset paging on
 * (updated_at, chat_id) stays stable when chats are added between pages.
 */
export async function listChatsByOwnerId({
  db,
  ownerId,
  limit,
  cursor,
}: {
  db: SqlDriver;
  ownerId: string;
  limit: number;
  cursor?: string | null;
}): Promise<{ chats: Chat[]; nextCursor: string | null }> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`limit must be an integer from 1 to 1000 (got ${limit})`);
  }
  const at = cursor ? decodeCursor(cursor) : undefined;
  const after = at && { updatedAt: at.time, chatId: at.id };
  const rows = after
    ? await db.all(
        `SELECT ${CHAT_COLUMNS} FROM chats
         WHERE owner_id = ? AND (updated_at < ? OR (updated_at = ? AND chat_id < ?))
         ORDER BY updated_at DESC, chat_id DESC LIMIT ?`,
        [ownerId, after.updatedAt, after.updatedAt, after.chatId, limit + 1],
      )
    : await db.all(
        `SELECT ${CHAT_COLUMNS} FROM chats WHERE owner_id = ?
         ORDER BY updated_at DESC, chat_id DESC LIMIT ?`,
        [ownerId, limit + 1],
      );
  const chats = rows.slice(0, limit).map((r) => chatRow.parse(r));
  const last = chats.at(-1);
  return {
    chats,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ time: last.updatedAt, id: last.chatId }) : null,
  };
}

/** Deletes the chat with its turns and feedback, all or nothing. */
export async function deleteChatByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<{ deleted: boolean }> {
  return db.transaction(async (tx) => {
    // Explicit rather than trusting ON DELETE CASCADE, which needs
    // foreign_keys=ON in SQLite and is easy to lose in a future migration.
    await tx.run("DELETE FROM feedback WHERE chat_id = ?", [chatId]);
    await tx.run("DELETE FROM turns WHERE chat_id = ?", [chatId]);
    const { changes } = await tx.run("DELETE FROM chats WHERE chat_id = ?", [chatId]);
    return { deleted: changes > 0 };
  });
}

export type TurnStatus = "complete" | "stopped" | "error";

export interface Turn {
  turnId: string;
  chatId: string;
  query: string;
  answer: string;
  rephrasedQuery?: string;
  citations: unknown[];
  fcs?: number;
  status: TurnStatus;
  createdAt: number;
  /** Milliseconds from the question to the answer's first token, and to its end. */
  firstTokenMs?: number;
  totalMs?: number;
}

const citationsJson = z.string().transform((text, ctx): unknown[] => {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value;
  } catch {}
  ctx.addIssue({ code: "custom", message: "citations must be a JSON array" });
  return z.NEVER;
});

const turnRow = z
  .object({
    turn_id: z.string(),
    chat_id: z.string(),
    query: z.string(),
    answer: z.string(),
    rephrased_query: z.string().nullable(),
    citations: citationsJson,
    fcs: z.coerce.number().nullable(),
    status: z.enum(["complete", "stopped", "error"]),
    created_at: epochMs,
    first_token_ms: z.coerce.number().nullable(),
    total_ms: z.coerce.number().nullable(),
  })
  .transform(
    (r): Turn => ({
      turnId: r.turn_id,
      chatId: r.chat_id,
      query: r.query,
      answer: r.answer,
      ...(r.rephrased_query !== null && { rephrasedQuery: r.rephrased_query }),
      citations: r.citations,
      ...(r.fcs !== null && { fcs: r.fcs }),
      status: r.status,
      createdAt: r.created_at,
      ...(r.first_token_ms !== null && { firstTokenMs: r.first_token_ms }),
      ...(r.total_ms !== null && { totalMs: r.total_ms }),
    }),
  );

/**
 * Records a turn as streamed, or replaces what was recorded (a regenerated
 * answer). A turn never moves to another chat, and keeps its creation time. A turn the
 * visitor stopped (`stopTurnByTurnId`) stays stopped, its answer cut where they stopped
 * it: one statement, so a stop and a record racing each other end the same either way.
 */
export async function saveTurnByTurnId({ db, turn }: { db: SqlDriver; turn: Turn }): Promise<void> {
  await db.run(
    `INSERT INTO turns (turn_id, chat_id, query, answer, rephrased_query, citations, fcs, status, created_at, first_token_ms, total_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (turn_id) DO UPDATE SET
       query = excluded.query,
       answer = CASE WHEN turns.shown_chars IS NULL THEN excluded.answer
         ELSE substr(excluded.answer, 1, turns.shown_chars) END,
       rephrased_query = excluded.rephrased_query, citations = excluded.citations,
       fcs = CASE WHEN turns.shown_chars IS NULL THEN excluded.fcs ELSE NULL END,
       status = CASE WHEN turns.shown_chars IS NULL THEN excluded.status ELSE 'stopped' END,
       first_token_ms = excluded.first_token_ms, total_ms = excluded.total_ms
     WHERE turns.chat_id = excluded.chat_id`,
    [
      turn.turnId,
      turn.chatId,
      turn.query,
      turn.answer,
      turn.rephrasedQuery ?? null,
      JSON.stringify(turn.citations),
      turn.fcs ?? null,
      turn.status,
      turn.createdAt,
      turn.firstTokenMs ?? null,
      turn.totalMs ?? null,
    ],
  );
}

/**
 * The visitor stopped the turn's answer after seeing `shownChars` characters (Unicode code
 * points) of it: the stored answer is cut there and marked stopped, with no score, now and
 * whenever the answer is recorded later. False when the chat has no such turn.
 */
export async function stopTurnByTurnId({
  db,
  chatId,
  turnId,
  shownChars,
}: {
  db: SqlDriver;
  chatId: string;
  turnId: string;
  shownChars: number;
}): Promise<boolean> {
  const { changes } = await db.run(
    `UPDATE turns SET shown_chars = ?, answer = substr(answer, 1, ?), status = 'stopped', fcs = NULL
     WHERE turn_id = ? AND chat_id = ?`,
    [shownChars, shownChars, turnId, chatId],
  );
  return changes > 0;
}

/** Deletes one turn of a chat and its feedback (a stopped answer asked again). */
export async function deleteTurnByTurnId({
  db,
  chatId,
  turnId,
}: {
  db: SqlDriver;
  chatId: string;
  turnId: string;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run("DELETE FROM feedback WHERE turn_id = ? AND chat_id = ?", [turnId, chatId]);
    await tx.run("DELETE FROM turns WHERE turn_id = ? AND chat_id = ?", [turnId, chatId]);
  });
}

/** The chat's turns, oldest first. Citations come back unvalidated. */
export async function listTurnsByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<Turn[]> {
  const rows = await db.all(
    `SELECT turn_id, chat_id, query, answer, rephrased_query, citations, fcs, status, created_at,
       first_token_ms, total_ms
     FROM turns WHERE chat_id = ? ORDER BY created_at ASC, turn_id ASC`,
    [chatId],
  );
  return rows.map((r) => turnRow.parse(r));
}

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
