import { type SearchResult, toSearchResult } from "../domain";
import { nextKey, Page } from "../pagination";
import {
  type ListQueryHistoriesParams,
  listQueryHistoriesParamsSchema,
  listQueryHistoriesResponseSchema,
  queryHistoryIdSchema,
  queryHistorySchema,
  type WireQueryHistory,
  type WireQueryHistorySpan,
  type WireQueryHistorySummary,
} from "../schemas/queries";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

/** One recorded query or chat turn, as `GET /v2/queries` lists it. */
export interface QueryHistorySummary {
  id: string;
  query: string;
  corpusKey?: string;
  startedAt?: string;
  latencyMillis?: number;
  chatId?: string;
  /** The chat turn (Parley's engine only; Vectara SaaS does not send it). */
  turnId?: string;
  generation?: string;
  factualConsistencyScore?: number;
}

/** One stage of the query pipeline (`QueryHistorySpan`); fields by `type`. */
export interface QueryHistorySpan {
  /** `rephrase`, `search`, `rerank`, `generation`, `fcs`, `rewritten_query`, or newer. */
  type: string;
  latencyMillis?: number;
  startedAt?: string;
  rephrasedQuery?: string;
  searchResults?: SearchResult[];
  rerankedSearchResults?: Array<{ text: string; score?: number; originalScore?: number }>;
  prompt?: string;
  generation?: string;
  score?: number;
  corpusKey?: string;
  warnings?: string[];
}

/** The full record of one query (`QueryHistory`). */
export interface QueryHistory {
  id: string;
  /** The request as it was made (`QueryRequest` JSON). */
  request: Record<string, unknown>;
  chatId?: string;
  turnId?: string;
  latencyMillis?: number;
  startedAt?: string;
  spans: QueryHistorySpan[];
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function toQueryHistorySummary(q: WireQueryHistorySummary): QueryHistorySummary {
  return {
    id: q.id,
    query: q.query ?? "",
    corpusKey: opt(q.corpus_key),
    startedAt: opt(q.started_at),
    latencyMillis: opt(q.latency_millis),
    chatId: opt(q.chat_id),
    turnId: opt(q.turn_id),
    generation: opt(q.generation),
    factualConsistencyScore: opt(q.factual_consistency_score),
  };
}

function toSpan(s: WireQueryHistorySpan): QueryHistorySpan {
  return {
    type: s.type,
    latencyMillis: opt(s.latency_millis),
    startedAt: opt(s.started_at),
    rephrasedQuery: opt(s.rephrased_query),
    searchResults: s.search_results ? s.search_results.map(toSearchResult) : undefined,
    rerankedSearchResults: s.reranked_search_results
      ? s.reranked_search_results.map((r) => ({
          text: r.text ?? "",
          score: opt(r.score),
          originalScore: opt(r.original_score),
        }))
      : undefined,
    prompt: opt(s.prompt),
    generation: opt(s.generation),
    score: opt(s.score),
    corpusKey: opt(s.corpus_key),
    warnings: opt(s.warnings),
  };
}

export function toQueryHistory(q: WireQueryHistory): QueryHistory {
  return {
    id: q.id,
    request: q.query ?? {},
    chatId: opt(q.chat_id),
    turnId: opt(q.turn_id),
    latencyMillis: opt(q.latency_millis),
    startedAt: opt(q.started_at),
    spans: (q.spans ?? []).map(toSpan),
  };
}

/** Query history: what earlier queries and chat turns did, stage by stage. */
export class Queries {
  constructor(private readonly transport: Transport) {}

  /** Newest first; filters by corpus, chat and start time. */
  async list(
    params: ListQueryHistoriesParams = {},
    options?: RequestOptions,
  ): Promise<Page<QueryHistorySummary>> {
    const query = validate(listQueryHistoriesParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/queries", query, idempotent: true },
      listQueryHistoriesResponseSchema,
      options,
    );
    return new Page(
      (wire.queries ?? []).map(toQueryHistorySummary),
      nextKey(wire.metadata?.page_key),
      (page_key) => this.list({ ...params, page_key }, options),
    );
  }

  async get(queryId: string, options?: RequestOptions): Promise<QueryHistory> {
    const id = segment(queryHistoryIdSchema, queryId, "query_id");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/queries/${id}`, idempotent: true },
      queryHistorySchema,
      options,
    );
    return toQueryHistory(wire);
  }
}
