import { errors } from "../../core/errors";
import { decodePageKey, encodePageKey } from "../../core/paging";
import {
  getQueryHistory,
  type HistoryCursor,
  listQueryHistory,
  type QueryHistoryRow,
} from "../../store/history";
import { type Ctx, type Route, readQuery } from "../context";
import { json } from "../respond";
import { listQueryHistoriesSchema } from "../schemas/queries";

/**
 * Query history: `GET /v2/queries` (summaries, newest first, filtered and paged) and
 * `GET /v2/queries/{query_id}` (the full record with its spans). Role `serving`: any key
 * that may query may read the history of the corpora it may query. A key scoped to some
 * corpora sees only records whose every corpus is in its scope (as with chats): others
 * are left out of lists and are a 403 by id. Recording is `services/history.ts`.
 */

/** `QueryHistorySummary`, plus `turn_id` (not Vectara's) for a chat turn. */
const toSummary = (r: QueryHistoryRow) => ({
  id: r.id,
  query: r.query,
  corpus_key: r.corpusKeys[0] ?? "",
  started_at: r.startedAt,
  latency_millis: r.latencyMillis,
  ...(r.chatId !== undefined && { chat_id: r.chatId }),
  ...(r.turnId !== undefined && { turn_id: r.turnId }),
  ...(r.generation !== undefined && { generation: r.generation }),
  ...(r.factualConsistencyScore !== undefined && {
    factual_consistency_score: r.factualConsistencyScore,
  }),
});

/** `QueryHistory`, plus `turn_id` (not Vectara's) for a chat turn. */
const toHistory = (r: QueryHistoryRow) => ({
  id: r.id,
  query: r.request,
  ...(r.chatId !== undefined && { chat_id: r.chatId }),
  ...(r.turnId !== undefined && { turn_id: r.turnId }),
  latency_millis: r.latencyMillis,
  started_at: r.startedAt,
  spans: r.spans,
});

const isCursor = (v: unknown): v is HistoryCursor =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as { startedAt?: unknown }).startedAt === "string" &&
  typeof (v as { id?: unknown }).id === "string";

const iso = (value: string | undefined) =>
  value === undefined ? undefined : new Date(value).toISOString();

function listQueries(ctx: Ctx): Response {
  const q = readQuery(ctx, listQueryHistoriesSchema);
  const rows = listQueryHistory(ctx.db, {
    corpusKey: q.corpus_key,
    chatId: q.chat_id,
    historyId: q.history_id,
    startedAfter: iso(q.started_after),
    startedBefore: iso(q.started_before),
    scope: ctx.key.corpusKeys,
    after: decodePageKey(q.page_key, isCursor),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return json(200, {
    queries: page.map(toSummary),
    metadata:
      rows.length > q.limit && last
        ? { page_key: encodePageKey({ startedAt: last.startedAt, id: last.id }) }
        : {},
  });
}

function getQuery(ctx: Ctx): Response {
  const id = ctx.params.query_id ?? "";
  const row = getQueryHistory(ctx.db, id);
  if (!row) throw errors.notFound("Query history", id);
  const scope = ctx.key.corpusKeys;
  if (scope && !row.corpusKeys.every((k) => scope.includes(k))) {
    throw errors.forbidden(`This API key has no access to every corpus of query '${id}'`);
  }
  return json(200, toHistory(row));
}

export const queryHistoryRoutes: Route[] = [
  { method: "GET", pattern: "/v2/queries", role: "serving", handler: listQueries },
  { method: "GET", pattern: "/v2/queries/:query_id", role: "serving", handler: getQuery },
];
