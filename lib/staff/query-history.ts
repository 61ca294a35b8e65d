import type { QueryHistory, QueryHistorySummary, Turn, VectaraClient } from "@/lib/vectara";

/**
 * A turn's query-history record as the turn inspector shows it: how long the whole
 * turn took and what each stage of Vectara's pipeline did. Looked up once per
 * transcript (`GET /v2/queries?chat_id=…`) and matched to turns by turn id (Parley's
 * engine sends it) or, on Vectara SaaS, by query text in order. Any failure means no
 * history: the inspector then shows nothing extra.
 */
export interface TurnHistory {
  id: string;
  latencyMs: number | null;
  /** The rephrased query Vectara searched with, when a `rephrase` span says so. */
  rephrasedQuery: string | null;
  /** Results the search returned before reranking, and how long it took. */
  search: { results: number; ms: number | null } | null;
  rerank: { results: number; ms: number | null } | null;
  generation: { ms: number | null; characters: number } | null;
  fcs: number | null;
}

/** The newest turns of a transcript that get their full record (one request each). */
export const MAX_DETAILED_TURNS = 50;
/** At most this many summaries are read for one chat (pages of 100). */
const MAX_SUMMARIES = 1_000;
const READS_AT_ONCE = 6;

const ms = (v: number | undefined) => (v === undefined ? null : v);

/** The inspector's view of one record: a summary, optionally with the full record's spans. */
export function toTurnHistory(summary: QueryHistorySummary, full?: QueryHistory): TurnHistory {
  const span = (type: string) => full?.spans.find((s) => s.type === type);
  const search = span("search");
  const rerank = span("rerank");
  const generation = span("generation");
  const fcs = span("fcs");
  const rephrase = span("rephrase");
  return {
    id: summary.id,
    latencyMs: ms(full?.latencyMillis ?? summary.latencyMillis),
    rephrasedQuery: rephrase?.rephrasedQuery ?? null,
    search: search
      ? { results: search.searchResults?.length ?? 0, ms: ms(search.latencyMillis) }
      : null,
    rerank: rerank
      ? { results: rerank.rerankedSearchResults?.length ?? 0, ms: ms(rerank.latencyMillis) }
      : null,
    generation: generation
      ? {
          ms: ms(generation.latencyMillis),
          characters: (generation.generation ?? summary.generation ?? "").length,
        }
      : null,
    fcs: fcs?.score ?? summary.factualConsistencyScore ?? null,
  };
}

/**
 * Which record belongs to which turn: by turn id when the record has one, otherwise
 * the records left over are walked oldest first against the turns left over, each
 * taking the next turn with the same query (a turn saved without history is skipped).
 */
export function matchHistoryToTurns(
  turns: ReadonlyArray<Pick<Turn, "id" | "query">>,
  summaries: readonly QueryHistorySummary[],
): Map<string, QueryHistorySummary> {
  const out = new Map<string, QueryHistorySummary>();
  const turnIds = new Set(turns.map((t) => t.id));
  const loose: QueryHistorySummary[] = [];
  for (const s of summaries) {
    if (s.turnId && turnIds.has(s.turnId)) {
      if (!out.has(s.turnId)) out.set(s.turnId, s);
    } else if (!s.turnId) {
      loose.push(s);
    }
  }
  const oldestFirst = [...loose].sort((a, b) =>
    (a.startedAt ?? "").localeCompare(b.startedAt ?? ""),
  );
  let next = 0;
  const open = turns.filter((t) => !out.has(t.id));
  for (const s of oldestFirst) {
    const at = open.findIndex((t, i) => i >= next && t.query.trim() === s.query.trim());
    if (at < 0) continue;
    const turn = open[at];
    if (turn) out.set(turn.id, s);
    next = at + 1;
  }
  return out;
}

/**
 * The records of a chat's turns, by turn id: one listing of the chat's history, then
 * the full record of each of the newest `MAX_DETAILED_TURNS` matched turns. Never
 * throws: a failed listing is an empty map, a failed read keeps the summary alone.
 */
export async function loadTurnHistories(
  client: VectaraClient,
  chatId: string,
  turns: ReadonlyArray<Pick<Turn, "id" | "query">>,
): Promise<Map<string, TurnHistory>> {
  let summaries: QueryHistorySummary[] = [];
  try {
    for await (const s of await client.queries.list({ chat_id: chatId, limit: 100 })) {
      if (s.chatId === undefined || s.chatId === chatId) summaries.push(s);
      if (summaries.length >= MAX_SUMMARIES) break;
    }
  } catch {
    summaries = [];
  }
  if (summaries.length === 0) return new Map();
  const matched = matchHistoryToTurns(turns, summaries);
  const detailed = new Set(
    turns
      .filter((t) => matched.has(t.id))
      .slice(-MAX_DETAILED_TURNS)
      .map((t) => t.id),
  );
  const out = new Map<string, TurnHistory>();
  const entries = [...matched];
  // A few reads at a time: a long chat should not flood the engine's queue.
  for (let i = 0; i < entries.length; i += READS_AT_ONCE) {
    await Promise.all(
      entries.slice(i, i + READS_AT_ONCE).map(async ([turnId, summary]) => {
        let full: QueryHistory | undefined;
        if (detailed.has(turnId)) {
          try {
            full = await client.queries.get(summary.id);
          } catch {
            full = undefined;
          }
        }
        out.set(turnId, toTurnHistory(summary, full));
      }),
    );
  }
  return out;
}
