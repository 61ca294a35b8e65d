import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { answerCites } from "./insights";
import { epochMs } from "./rows";

/** The question-and-answer turns of Parley's chats, in `turns`. */

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
    `INSERT INTO turns (turn_id, chat_id, query, answer, rephrased_query, citations, fcs, status, created_at, first_token_ms, total_ms, cited)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (turn_id) DO UPDATE SET
       query = excluded.query,
       answer = CASE WHEN turns.shown_chars IS NULL THEN excluded.answer
         ELSE substr(excluded.answer, 1, turns.shown_chars) END,
       rephrased_query = excluded.rephrased_query, citations = excluded.citations,
       fcs = CASE WHEN turns.shown_chars IS NULL THEN excluded.fcs ELSE NULL END,
       status = CASE WHEN turns.shown_chars IS NULL THEN excluded.status ELSE 'stopped' END,
       cited = CASE WHEN turns.shown_chars IS NULL THEN excluded.cited ELSE NULL END,
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
      answerCites(turn.answer) ? 1 : 0,
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
    `UPDATE turns SET shown_chars = ?, answer = substr(answer, 1, ?), status = 'stopped', fcs = NULL, cited = NULL
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
