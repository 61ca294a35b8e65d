import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * Staff's internal notes on conversations, in `notes`. Keyed by Vectara chat id,
 * without a reference to the chats table: staff review every chat, including ones
 * Parley did not start.
 */

export interface Note {
  noteId: string;
  chatId: string;
  authorId: string;
  authorEmail: string;
  body: string;
  createdAt: number;
}

const noteRow = z
  .object({
    note_id: z.string(),
    chat_id: z.string(),
    author_id: z.string(),
    author_email: z.string(),
    body: z.string(),
    created_at: epochMs,
  })
  .transform(
    (r): Note => ({
      noteId: r.note_id,
      chatId: r.chat_id,
      authorId: r.author_id,
      authorEmail: r.author_email,
      body: r.body,
      createdAt: r.created_at,
    }),
  );

export async function addNoteByChatId({ db, note }: { db: SqlDriver; note: Note }): Promise<void> {
  await db.run(
    `INSERT INTO notes (note_id, chat_id, author_id, author_email, body, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    [note.noteId, note.chatId, note.authorId, note.authorEmail, note.body, note.createdAt],
  );
}

/** Oldest first, as a thread reads. */
export async function listNotesByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<Note[]> {
  const rows = await db.all(
    `SELECT note_id, chat_id, author_id, author_email, body, created_at FROM notes
     WHERE chat_id = ? ORDER BY created_at ASC, note_id ASC`,
    [chatId],
  );
  return rows.map((r) => noteRow.parse(r));
}
