import type { DB } from "./db";

/**
 * Query history (`GET /v2/queries`), table `query_history` of migration 6. One row per
 * recorded query or chat turn: its text, the corpora it searched (a JSON array, checked
 * against a key's scope when read), the request as given, the pipeline's spans, the
 * generated text and score, when it started and how long it took. Rows are only
 * inserted and pruned; nothing updates them.
 */

export interface QueryHistoryRow {
  id: string;
  query: string;
  corpusKeys: string[];
  chatId?: string;
  turnId?: string;
  /** The request, as Vectara's `QueryRequest` JSON. */
  request: unknown;
  /** `QueryHistorySpan` objects, in pipeline order. */
  spans: unknown[];
  generation?: string;
  factualConsistencyScore?: number;
  /** ISO 8601, UTC, milliseconds (`Date#toISOString`): compares as text. */
  startedAt: string;
  latencyMillis: number;
}

interface Raw {
  id: string;
  query: string;
  corpus_keys: string;
  chat_id: string | null;
  turn_id: string | null;
  request: string;
  spans: string;
  generation: string | null;
  factual_consistency_score: number | null;
  started_at: string;
  latency_millis: number;
}

const parseJson = (text: string, fallback: unknown): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
};

const fromRaw = (r: Raw): QueryHistoryRow => ({
  id: r.id,
  query: r.query,
  corpusKeys: (parseJson(r.corpus_keys, []) as string[]) ?? [],
  chatId: r.chat_id ?? undefined,
  turnId: r.turn_id ?? undefined,
  request: parseJson(r.request, {}),
  spans: (parseJson(r.spans, []) as unknown[]) ?? [],
  generation: r.generation ?? undefined,
  factualConsistencyScore: r.factual_consistency_score ?? undefined,
  startedAt: r.started_at,
  latencyMillis: r.latency_millis,
});

/** Inserts a row; answers its rowid, which grows with every insert (pruning's clock). */
export function insertQueryHistory(db: DB, row: QueryHistoryRow): number {
  const info = db
    .prepare(
      `INSERT INTO query_history (id, query, corpus_keys, chat_id, turn_id, request, spans,
         generation, factual_consistency_score, started_at, latency_millis)
       VALUES (@id, @query, @corpus_keys, @chat_id, @turn_id, @request, @spans,
         @generation, @fcs, @started_at, @latency)`,
    )
    .run({
      id: row.id,
      query: row.query,
      corpus_keys: JSON.stringify(row.corpusKeys),
      chat_id: row.chatId ?? null,
      turn_id: row.turnId ?? null,
      request: JSON.stringify(row.request ?? {}),
      spans: JSON.stringify(row.spans),
      generation: row.generation ?? null,
      fcs: row.factualConsistencyScore ?? null,
      started_at: row.startedAt,
      latency: Math.max(0, Math.round(row.latencyMillis)),
    });
  return Number(info.lastInsertRowid);
}

export function getQueryHistory(db: DB, id: string): QueryHistoryRow | undefined {
  const raw = db.prepare("SELECT * FROM query_history WHERE id = ?").get(id) as Raw | undefined;
  return raw && fromRaw(raw);
}

/** Where a page starts: after the row with this start time and id, newest first. */
export interface HistoryCursor {
  startedAt: string;
  id: string;
}

export interface HistoryListFilter {
  corpusKey?: string;
  chatId?: string;
  historyId?: string;
  /** ISO (as stored): rows that started strictly after / before. */
  startedAfter?: string;
  startedBefore?: string;
  /** A scoped caller sees only rows whose every corpus is in its scope. */
  scope?: readonly string[] | null;
  after?: HistoryCursor;
  limit: number;
}

/**
 * A page of rows, newest first (start time, then id, both descending: a stable order
 * the `query_history_started` index serves). Every filter is in the SQL, so one
 * request reads at most `limit` rows past those it skips by index.
 */
export function listQueryHistory(db: DB, f: HistoryListFilter): QueryHistoryRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.after) {
    where.push("(started_at < ? OR (started_at = ? AND id < ?))");
    params.push(f.after.startedAt, f.after.startedAt, f.after.id);
  }
  if (f.chatId !== undefined) {
    where.push("chat_id = ?");
    params.push(f.chatId);
  }
  if (f.historyId !== undefined) {
    where.push("id = ?");
    params.push(f.historyId);
  }
  if (f.startedAfter !== undefined) {
    where.push("started_at > ?");
    params.push(f.startedAfter);
  }
  if (f.startedBefore !== undefined) {
    where.push("started_at < ?");
    params.push(f.startedBefore);
  }
  if (f.corpusKey !== undefined) {
    where.push("EXISTS (SELECT 1 FROM json_each(query_history.corpus_keys) k WHERE k.value = ?)");
    params.push(f.corpusKey);
  }
  if (f.scope) {
    where.push(
      `NOT EXISTS (SELECT 1 FROM json_each(query_history.corpus_keys) k
         WHERE k.value NOT IN (SELECT s.value FROM json_each(?) s))`,
    );
    params.push(JSON.stringify(f.scope));
  }
  const sql = `SELECT * FROM query_history ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY started_at DESC, id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...params, f.limit) as Raw[];
  return rows.map(fromRaw);
}

export interface Retention {
  /** Rows that started longer ago than this are deleted. */
  maxAgeDays: number;
  /** At most this many rows are kept (the newest). */
  maxRows: number;
}

/**
 * Deletes at most `batch` rows past the retention: those older than `maxAgeDays` (by
 * the start-time index), then those more than `maxRows` inserts behind the newest (by
 * rowid, which grows with every insert). Each statement reads an index range, never the
 * whole table. Answers how many rows went.
 */
export function pruneQueryHistory(db: DB, retention: Retention, now: Date, batch: number): number {
  const cutoff = new Date(now.getTime() - retention.maxAgeDays * 86_400_000).toISOString();
  const byAge = db
    .prepare(
      `DELETE FROM query_history WHERE rowid IN (
         SELECT rowid FROM query_history WHERE started_at < ? ORDER BY started_at LIMIT ?)`,
    )
    .run(cutoff, batch).changes;
  const newest = (
    db.prepare("SELECT max(rowid) AS m FROM query_history").get() as { m: number | null }
  ).m;
  if (newest === null || batch - byAge <= 0) return byAge;
  const byCount = db
    .prepare(
      `DELETE FROM query_history WHERE rowid IN (
         SELECT rowid FROM query_history WHERE rowid <= ? ORDER BY rowid LIMIT ?)`,
    )
    .run(newest - retention.maxRows, batch - byAge).changes;
  return byAge + byCount;
}
