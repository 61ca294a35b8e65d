import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/** Visitors' conversations, in `chats`: one row per chat Parley started, with its owner. */

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

/** Deletes the chat with its turns, feedback and handoff, all or nothing. */
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
    // The handoff holds the visitor's email: it must not outlive the conversation.
    await tx.run("DELETE FROM handoffs WHERE chat_id = ?", [chatId]);
    await tx.run("DELETE FROM turns WHERE chat_id = ?", [chatId]);
    const { changes } = await tx.run("DELETE FROM chats WHERE chat_id = ?", [chatId]);
    return { deleted: changes > 0 };
  });
}
