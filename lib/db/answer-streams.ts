import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * Answers being streamed, kept where every instance can read them: the UI message chunks
 * of one answer (`answer_stream_batches`, one row per batch the generator flushed, in
 * order) under a stream named by the answer's turn id (`answer_streams`: its chat, owner,
 * status and the visitor's Stop). A reloaded page replays a stream from its first batch
 * and follows it to its end; a Stop on any instance sets `stop_requested`, which the
 * instance generating the answer reads as it flushes.
 *
 * Bounded: a stream holds at most `MAX_ANSWER_STREAM_BYTES` of chunks (a batch that would
 * pass it is refused), and `sweepExpiredAnswerStreams` deletes streams a few minutes after
 * they end, and streams nobody has written for a long time (an instance that died).
 */

export type AnswerStreamStatus = "active" | "complete" | "stopped" | "error" | "truncated";

export interface AnswerStream {
  streamId: string;
  chatId: string;
  ownerId: string;
  status: AnswerStreamStatus;
  stopRequested: boolean;
  /** Batches stored: the next batch's `seq`. */
  batches: number;
  bytes: number;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}

/** The most an answer's stored chunks may take (an answer is bounded; its chunks too). */
export const MAX_ANSWER_STREAM_BYTES = 1024 * 1024;
/** How long a stream is kept after it ends: long enough for a reload to replay it. */
export const ENDED_STREAM_TTL_MS = 5 * 60 * 1000;
/**
 * An active stream nobody wrote for this long is the leftover of an instance that died
 * mid-answer: not resumed, and a follower stops following it. Its generator marks it
 * written at least every half second (`touchAnswerStream`), however slow the answer.
 */
export const STALE_STREAM_MS = 4_000;
/** An active stream nobody wrote for this long is swept. */
export const ABANDONED_STREAM_TTL_MS = 30 * 60 * 1000;
/** Streams deleted per sweep at most: each write does a bounded share of the clean-up. */
const SWEEP_LIMIT = 50;
/** How often one process sweeps, at most (on opening a stream). */
const SWEEP_EVERY_MS = 10_000;
let lastSweepAt = Number.NEGATIVE_INFINITY;

const streamRow = z
  .object({
    stream_id: z.string(),
    chat_id: z.string(),
    owner_id: z.string(),
    status: z.enum(["active", "complete", "stopped", "error", "truncated"]),
    stop_requested: z.coerce.number(),
    batches: z.coerce.number().int(),
    bytes: z.coerce.number().int(),
    created_at: epochMs,
    updated_at: epochMs,
    ended_at: epochMs.nullable(),
  })
  .transform(
    (r): AnswerStream => ({
      streamId: r.stream_id,
      chatId: r.chat_id,
      ownerId: r.owner_id,
      status: r.status,
      stopRequested: r.stop_requested !== 0,
      batches: r.batches,
      bytes: r.bytes,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      endedAt: r.ended_at,
    }),
  );

const COLUMNS =
  "stream_id, chat_id, owner_id, status, stop_requested, batches, bytes, created_at, updated_at, ended_at";

/**
 * Opens the stream of an answer (`streamId`: its turn id) in `chatId`, owned by `ownerId`,
 * and, every `SWEEP_EVERY_MS` at most, sweeps a bounded share of expired streams. Opening
 * a stream that exists changes nothing.
 */
export async function createAnswerStream({
  db,
  streamId,
  chatId,
  ownerId,
  now,
}: {
  db: SqlDriver;
  streamId: string;
  chatId: string;
  ownerId: string;
  now: number;
}): Promise<void> {
  if (now - lastSweepAt >= SWEEP_EVERY_MS || now < lastSweepAt) {
    lastSweepAt = now;
    await sweepExpiredAnswerStreams({ db, now });
  }
  await db.run(
    `INSERT INTO answer_streams (stream_id, chat_id, owner_id, status, created_at, updated_at)
     VALUES (?, ?, ?, 'active', ?, ?)
     ON CONFLICT (stream_id) DO NOTHING`,
    [streamId, chatId, ownerId, now, now],
  );
}

/**
 * Appends one batch of chunks (each JSON-serializable) to an active stream. Refused
 * (`stored: false`) when the stream is not active or the batch would take it past
 * `maxBytes`. `stopRequested` says whether the visitor stopped the answer, from any instance.
 */
export async function appendAnswerBatch({
  db,
  streamId,
  chunks,
  now,
  maxBytes = MAX_ANSWER_STREAM_BYTES,
}: {
  db: SqlDriver;
  streamId: string;
  chunks: readonly unknown[];
  now: number;
  maxBytes?: number;
}): Promise<{ stored: boolean; stopRequested: boolean }> {
  const body = JSON.stringify(chunks);
  const bytes = Buffer.byteLength(body);
  return db.transaction(async (tx) => {
    const row = await tx.get(
      `UPDATE answer_streams SET batches = batches + 1, bytes = bytes + ?, updated_at = ?
       WHERE stream_id = ? AND status = 'active' AND bytes + ? <= ?
       RETURNING batches, stop_requested`,
      [bytes, now, streamId, bytes, maxBytes],
    );
    if (row === undefined) {
      return { stored: false, stopRequested: (await stopFlag(tx, streamId)) ?? false };
    }
    const { batches, stop_requested } = appendedRow.parse(row);
    await tx.run("INSERT INTO answer_stream_batches (stream_id, seq, chunks) VALUES (?, ?, ?)", [
      streamId,
      batches - 1,
      body,
    ]);
    return { stored: true, stopRequested: stop_requested !== 0 };
  });
}

const appendedRow = z.object({
  batches: z.coerce.number().int(),
  stop_requested: z.coerce.number(),
});

/**
 * Whether the visitor stopped the answer, read by its generator between flushes; also
 * marks the stream as written now, so a slow answer is not taken for a dead one.
 * Undefined when there is no such stream.
 */
export async function touchAnswerStream({
  db,
  streamId,
  now,
}: {
  db: SqlDriver;
  streamId: string;
  now: number;
}): Promise<{ stopRequested: boolean } | undefined> {
  const row = await db.get(
    "UPDATE answer_streams SET updated_at = ? WHERE stream_id = ? RETURNING stop_requested",
    [now, streamId],
  );
  return row === undefined ? undefined : { stopRequested: Number(flagOf(row)) !== 0 };
}

const flagOf = (row: unknown) => (row as { stop_requested: unknown }).stop_requested;

async function stopFlag(db: SqlDriver, streamId: string): Promise<boolean | undefined> {
  const row = await db.get("SELECT stop_requested FROM answer_streams WHERE stream_id = ?", [
    streamId,
  ]);
  return row === undefined ? undefined : Number(flagOf(row)) !== 0;
}

/** Batches of a stream from `fromSeq` on, in order, at most `limit` of them. */
export async function readAnswerBatches({
  db,
  streamId,
  fromSeq,
  limit = 100,
}: {
  db: SqlDriver;
  streamId: string;
  fromSeq: number;
  limit?: number;
}): Promise<Array<{ seq: number; chunks: unknown[] }>> {
  const rows = await db.all(
    `SELECT seq, chunks FROM answer_stream_batches
     WHERE stream_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    [streamId, fromSeq, limit],
  );
  return rows.map((r) => batchRow.parse(r));
}

const batchRow = z.object({
  seq: z.coerce.number().int(),
  chunks: z.string().transform((s) => z.array(z.unknown()).parse(JSON.parse(s))),
});

/** One stream, when it is in `chatId` and `ownerId`'s: someone else's looks missing. */
export async function getAnswerStream({
  db,
  streamId,
  chatId,
  ownerId,
}: {
  db: SqlDriver;
  streamId: string;
  chatId: string;
  ownerId: string;
}): Promise<AnswerStream | undefined> {
  const row = await db.get(
    `SELECT ${COLUMNS} FROM answer_streams WHERE stream_id = ? AND chat_id = ? AND owner_id = ?`,
    [streamId, chatId, ownerId],
  );
  return row === undefined ? undefined : streamRow.parse(row);
}

/**
 * The answer being generated in `chatId` for `ownerId`: the newest active stream that
 * was not stopped and was written within `STALE_STREAM_MS`. Undefined when none is.
 */
export async function findLiveAnswerStream({
  db,
  chatId,
  ownerId,
  now,
}: {
  db: SqlDriver;
  chatId: string;
  ownerId: string;
  now: number;
}): Promise<AnswerStream | undefined> {
  const row = await db.get(
    `SELECT ${COLUMNS} FROM answer_streams
     WHERE chat_id = ? AND owner_id = ? AND status = 'active' AND stop_requested = 0
       AND updated_at >= ?
     ORDER BY created_at DESC, stream_id DESC LIMIT 1`,
    [chatId, ownerId, now - STALE_STREAM_MS],
  );
  return row === undefined ? undefined : streamRow.parse(row);
}

/**
 * Whether the chat has an answer whose Stop has been asked for but not yet carried out: still
 * active and written within `STALE_STREAM_MS`, its generator not yet at its next flush,
 * where it stops and stores the answer cut where the visitor saw it.
 */
export async function hasStoppingAnswerStream({
  db,
  chatId,
  ownerId,
  now,
}: {
  db: SqlDriver;
  chatId: string;
  ownerId: string;
  now: number;
}): Promise<boolean> {
  const row = await db.get(
    `SELECT 1 AS one FROM answer_streams
     WHERE chat_id = ? AND owner_id = ? AND status = 'active' AND stop_requested = 1
       AND updated_at >= ?
     LIMIT 1`,
    [chatId, ownerId, now - STALE_STREAM_MS],
  );
  return row !== undefined;
}

/** The visitor stopped the answer: its generator, on whichever instance, stops. */
export async function requestAnswerStreamStop({
  db,
  streamId,
  chatId,
}: {
  db: SqlDriver;
  streamId: string;
  chatId: string;
}): Promise<boolean> {
  const { changes } = await db.run(
    "UPDATE answer_streams SET stop_requested = 1 WHERE stream_id = ? AND chat_id = ?",
    [streamId, chatId],
  );
  return changes > 0;
}

/** The answer ended (`status`): followers read what is stored and stop; expiry starts. */
export async function endAnswerStream({
  db,
  streamId,
  status,
  now,
}: {
  db: SqlDriver;
  streamId: string;
  status: Exclude<AnswerStreamStatus, "active">;
  now: number;
}): Promise<void> {
  await db.run(
    `UPDATE answer_streams SET status = ?, ended_at = ?, updated_at = ?
     WHERE stream_id = ? AND status = 'active'`,
    [status, now, now, streamId],
  );
}

/**
 * Deletes streams that ended more than `ENDED_STREAM_TTL_MS` ago, and active ones nobody
 * wrote for `ABANDONED_STREAM_TTL_MS`, with their batches: at most `limit` streams, so
 * each call's work is bounded. The number of streams deleted.
 */
export async function sweepExpiredAnswerStreams({
  db,
  now,
  limit = SWEEP_LIMIT,
}: {
  db: SqlDriver;
  now: number;
  limit?: number;
}): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.all<{ stream_id: string }>(
      `SELECT stream_id FROM answer_streams
       WHERE (ended_at IS NOT NULL AND ended_at < ?) OR updated_at < ?
       LIMIT ?`,
      [now - ENDED_STREAM_TTL_MS, now - ABANDONED_STREAM_TTL_MS, limit],
    );
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.stream_id);
    const marks = ids.map(() => "?").join(", ");
    await tx.run(`DELETE FROM answer_stream_batches WHERE stream_id IN (${marks})`, ids);
    await tx.run(`DELETE FROM answer_streams WHERE stream_id IN (${marks})`, ids);
    return ids.length;
  });
}
