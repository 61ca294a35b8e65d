import type { TurnSource } from "../core/history";
import type { DB } from "./db";

/**
 * Chats and their turns. A streamed answer's new chat is created first, empty, by
 * `createChatById` (so the id its `chat_info` announces exists whatever happens next);
 * a turn is written once, complete, by `saveTurnByChatId` (with its chat when the chat
 * is created with it), so a failed or abandoned answer leaves no turn behind. Disabling
 * and deleting cascade to every later turn in one transaction, and keep the chat row's
 * mirror of its first turn in step.
 */

export interface ChatRow {
  seq: number;
  id: string;
  firstQuery: string;
  firstAnswer: string;
  enabled: boolean;
  /** Every corpus the chat's turns searched. */
  corpusKeys: string[];
  createdAt: string;
}

export interface TurnRow {
  seq: number;
  id: string;
  chatId: string;
  ordinal: number;
  query: string;
  answer: string;
  rephrasedQuery: string;
  renderedPrompt: string | null;
  factualConsistencyScore: number | null;
  enabled: boolean;
  createdAt: string;
  /** The documents the answer came from, best first. */
  sources: TurnSource[];
}

interface RawChat {
  seq: number;
  id: string;
  first_query: string;
  first_answer: string;
  enabled: number;
  corpus_keys: string;
  created_at: string;
}

interface RawTurn {
  seq: number;
  id: string;
  chat_id: string;
  ordinal: number;
  query: string;
  answer: string;
  rephrased_query: string;
  rendered_prompt: string | null;
  factual_consistency_score: number | null;
  enabled: number;
  created_at: string;
  sources: string;
}

const toChat = (r: RawChat): ChatRow => ({
  seq: r.seq,
  id: r.id,
  firstQuery: r.first_query,
  firstAnswer: r.first_answer,
  enabled: r.enabled === 1,
  corpusKeys: JSON.parse(r.corpus_keys) as string[],
  createdAt: r.created_at,
});

const toTurn = (r: RawTurn): TurnRow => ({
  seq: r.seq,
  id: r.id,
  chatId: r.chat_id,
  ordinal: r.ordinal,
  query: r.query,
  answer: r.answer,
  rephrasedQuery: r.rephrased_query,
  renderedPrompt: r.rendered_prompt,
  factualConsistencyScore: r.factual_consistency_score,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  sources: JSON.parse(r.sources) as TurnSource[],
});

export function getChatById({ db, chatId }: { db: DB; chatId: string }): ChatRow | undefined {
  const r = db.prepare("SELECT * FROM chats WHERE id = ?").get(chatId) as RawChat | undefined;
  return r && toChat(r);
}

/** Chats newest first, from just below `beforeSeq`; `batch` rows per call. */
export function listChatsBySeq({
  db,
  beforeSeq,
  chatIds,
  batch,
}: {
  db: DB;
  beforeSeq?: number;
  chatIds?: string[];
  batch: number;
}): ChatRow[] {
  const where = ["seq < ?"];
  const params: unknown[] = [beforeSeq ?? Number.MAX_SAFE_INTEGER];
  if (chatIds) {
    where.push(`id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(chatIds));
  }
  const rows = db
    .prepare(`SELECT * FROM chats WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ?`)
    .all(...params, batch) as RawChat[];
  return rows.map(toChat);
}

/** Every chat newest first from just below `beforeSeq`, read lazily, `batch` rows at a time. */
export function* iterateChatsBySeq({
  db,
  beforeSeq,
  chatIds,
  batch = 200,
}: {
  db: DB;
  beforeSeq?: number;
  chatIds?: string[];
  batch?: number;
}): Generator<ChatRow, void, undefined> {
  let before = beforeSeq;
  for (;;) {
    const rows = listChatsBySeq({ db, beforeSeq: before, chatIds, batch });
    yield* rows;
    if (rows.length < batch) return;
    before = rows.at(-1)?.seq;
  }
}

export function getTurnById({
  db,
  chatId,
  turnId,
}: {
  db: DB;
  chatId: string;
  turnId: string;
}): TurnRow | undefined {
  const r = db.prepare("SELECT * FROM turns WHERE chat_id = ? AND id = ?").get(chatId, turnId) as
    | RawTurn
    | undefined;
  return r && toTurn(r);
}

/** A chat's turns, oldest first, after ordinal `afterOrdinal`. */
export function listTurnsByChatId({
  db,
  chatId,
  afterOrdinal,
  limit,
  enabledOnly = false,
}: {
  db: DB;
  chatId: string;
  afterOrdinal?: number;
  limit?: number;
  enabledOnly?: boolean;
}): TurnRow[] {
  const rows = db
    .prepare(
      `SELECT * FROM turns WHERE chat_id = ? AND ordinal > ? ${enabledOnly ? "AND enabled = 1" : ""}
       ORDER BY ordinal LIMIT ?`,
    )
    .all(chatId, afterOrdinal ?? -1, limit ?? -1) as RawTurn[];
  return rows.map(toTurn);
}

/**
 * The chat's last `limit` enabled turns, oldest first: the window a new turn reads, so
 * turn 1,000 costs what turn 20 does (`UNIQUE (chat_id, ordinal)` is the index).
 */
export function listRecentEnabledTurns({
  db,
  chatId,
  limit,
}: {
  db: DB;
  chatId: string;
  limit: number;
}): TurnRow[] {
  const rows = db
    .prepare(`SELECT * FROM turns WHERE chat_id = ? AND enabled = 1 ORDER BY ordinal DESC LIMIT ?`)
    .all(chatId, limit) as RawTurn[];
  return rows.reverse().map(toTurn);
}

/**
 * Creates an empty chat, in its own transaction: `first_query` is the question that
 * opens it and `first_answer` stays '' until its first turn is stored (which then
 * sets both). Holds nothing else, so a chat whose first answer failed is simply empty.
 */
export function createChatById({
  db,
  chatId,
  firstQuery,
  corpusKeys,
}: {
  db: DB;
  chatId: string;
  firstQuery: string;
  corpusKeys: string[];
}): ChatRow {
  return db.transaction(() => {
    db.prepare(
      `INSERT INTO chats (id, first_query, first_answer, enabled, corpus_keys, created_at)
       VALUES (?, ?, '', 1, ?, ?)`,
    ).run(chatId, firstQuery, JSON.stringify([...new Set(corpusKeys)]), new Date().toISOString());
    const chat = getChatById({ db, chatId });
    if (!chat) throw new Error(`Chat ${chatId} vanished during its insert`);
    return chat;
  })();
}

export interface NewTurn {
  chatId: string;
  turnId: string;
  query: string;
  answer: string;
  rephrasedQuery: string;
  renderedPrompt?: string;
  factualConsistencyScore?: number;
  /** The corpora this turn searched; added to the chat's. */
  corpusKeys: string[];
  /** The documents the answer came from, best first. */
  sources?: TurnSource[];
}

/**
 * Stores a finished turn, creating its chat when `newChat` is set. The chat's first
 * stored turn (of a chat created empty by `createChatById`, too) sets the chat's
 * `first_query` and `first_answer`. Returns the stored row, or undefined when the chat
 * vanished meanwhile (deleted while the answer was being generated).
 */
export function saveTurnByChatId({
  db,
  turn,
  newChat,
}: {
  db: DB;
  turn: NewTurn;
  newChat: boolean;
}): TurnRow | undefined {
  return db.transaction(() => {
    const now = new Date().toISOString();
    const chat = newChat ? undefined : getChatById({ db, chatId: turn.chatId });
    if (newChat) {
      db.prepare(
        `INSERT INTO chats (id, first_query, first_answer, enabled, corpus_keys, created_at)
         VALUES (?, ?, ?, 1, ?, ?)`,
      ).run(
        turn.chatId,
        turn.query,
        turn.answer,
        JSON.stringify([...new Set(turn.corpusKeys)]),
        now,
      );
    } else if (!chat) {
      return undefined;
    } else {
      const keys = [...new Set([...chat.corpusKeys, ...turn.corpusKeys])];
      db.prepare("UPDATE chats SET corpus_keys = ? WHERE id = ?").run(
        JSON.stringify(keys),
        chat.id,
      );
    }
    const { next } = db
      .prepare("SELECT COALESCE(MAX(ordinal), -1) + 1 AS next FROM turns WHERE chat_id = ?")
      .get(turn.chatId) as { next: number };
    db.prepare(
      `INSERT INTO turns (id, chat_id, ordinal, query, answer, rephrased_query, rendered_prompt,
         factual_consistency_score, enabled, created_at, sources)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    ).run(
      turn.turnId,
      turn.chatId,
      next,
      turn.query,
      turn.answer,
      turn.rephrasedQuery,
      turn.renderedPrompt ?? null,
      turn.factualConsistencyScore ?? null,
      now,
      JSON.stringify(turn.sources ?? []),
    );
    if (!newChat && next === 0) {
      db.prepare("UPDATE chats SET first_query = ?, first_answer = ? WHERE id = ?").run(
        turn.query,
        turn.answer,
        turn.chatId,
      );
    }
    return getTurnById({ db, chatId: turn.chatId, turnId: turn.turnId });
  })();
}

/** Disables the turn and every later one; the chat is disabled with its first turn. */
export function disableTurnsFromTurnId({ db, turn }: { db: DB; turn: TurnRow }): void {
  db.transaction(() => {
    db.prepare("UPDATE turns SET enabled = 0 WHERE chat_id = ? AND ordinal >= ?").run(
      turn.chatId,
      turn.ordinal,
    );
    syncChatWithFirstTurn(db, turn.chatId);
  })();
}

/**
 * Deletes the turn and every later one. Deleting the first turn leaves the chat
 * with nothing to show, so the chat goes too.
 */
export function deleteTurnsFromTurnId({ db, turn }: { db: DB; turn: TurnRow }): void {
  db.transaction(() => {
    db.prepare("DELETE FROM turns WHERE chat_id = ? AND ordinal >= ?").run(
      turn.chatId,
      turn.ordinal,
    );
    syncChatWithFirstTurn(db, turn.chatId);
  })();
}

/** Deletes the chat; its turns go with it (ON DELETE CASCADE). */
export function deleteChatById({ db, chatId }: { db: DB; chatId: string }): boolean {
  return db.prepare("DELETE FROM chats WHERE id = ?").run(chatId).changes > 0;
}

function syncChatWithFirstTurn(db: DB, chatId: string): void {
  const first = listTurnsByChatId({ db, chatId, limit: 1 })[0];
  if (!first) {
    db.prepare("DELETE FROM chats WHERE id = ?").run(chatId);
    return;
  }
  db.prepare("UPDATE chats SET first_query = ?, first_answer = ?, enabled = ? WHERE id = ?").run(
    first.query,
    first.answer,
    first.enabled ? 1 : 0,
    chatId,
  );
}
