import { randomUUID } from "node:crypto";
import type { SearchResult } from "../ports";
import { insertQueryHistory, pruneQueryHistory, type Retention } from "../store/history";
import type { EngineContext } from "./context";

/**
 * Query history: what a query or chat turn did, stage by stage, recorded once its
 * answer is complete (a stream: once its last event is out) when `save_history` asks.
 * A `QueryTrace` travels with the plan; `retrieve` and the generators' loops add spans
 * to it, and `recordTrace` writes the row. Recording never fails the query: an error is
 * logged and dropped. Every `PRUNE_EVERY`-th row (by rowid) prunes a bounded batch
 * past the retention (`store/history.ts#pruneQueryHistory`).
 */

/** Defaults of `createEngine({ queryHistory })`. */
export const DEFAULT_RETENTION: Retention = { maxAgeDays: 30, maxRows: 100_000 };
/** Pruning runs when a new row's rowid is a multiple of this. */
export const PRUNE_EVERY = 100;
/** At most this many rows go per pruning. */
export const PRUNE_BATCH = 1_000;
/** A span keeps at most this many results (a search may ask for thousands). */
export const MAX_SPAN_RESULTS = 100;

export type HistorySpan = Record<string, unknown> & { type: string };

export class QueryTrace {
  readonly spans: HistorySpan[] = [];
  chatId?: string;
  turnId?: string;

  constructor(
    /** The request as Vectara's `QueryRequest` JSON. */
    readonly request: unknown,
    /** When the request was received (epoch ms). */
    readonly startedAt = Date.now(),
  ) {}

  /** Adds a span that started at `since` (epoch ms) and ends now. */
  span(type: string, since: number, fields: Record<string, unknown> = {}): void {
    this.spans.push({
      type,
      latency_millis: Math.max(0, Date.now() - since),
      started_at: new Date(since).toISOString(),
      ...fields,
    });
  }

  /** The `search` span: the results before any reranking. */
  search(since: number, results: SearchResult[]): void {
    this.span("search", since, { search_results: results.slice(0, MAX_SPAN_RESULTS) });
  }
}

/** The plan's `save_history`: the request's value, else whether any corpus saves by default. */
export function wantsHistory(
  saveHistory: boolean | null | undefined,
  corpora: ReadonlyArray<{ saveHistory: boolean }>,
): boolean {
  return saveHistory ?? corpora.some((c) => c.saveHistory);
}

/** Times a generation's events into `generation` and `fcs` spans. */
export class GenerationTimer {
  private readonly started = Date.now();
  private last = this.started;

  /** Call on every event but the score. */
  tick(): void {
    this.last = Date.now();
  }

  finish(trace: QueryTrace, text: string, prompt: string | undefined, score?: number): void {
    const ended = score === undefined ? Date.now() : this.last;
    trace.spans.push({
      type: "generation",
      latency_millis: Math.max(0, ended - this.started),
      started_at: new Date(this.started).toISOString(),
      ...(prompt !== undefined && { prompt }),
      generation: text,
    });
    if (score !== undefined) trace.span("fcs", this.last, { score });
  }
}

/**
 * Writes the trace as a history row (`qry_…`); answers its id, or undefined when the
 * write failed (logged). Never throws.
 */
export function recordTrace(
  ctx: EngineContext,
  trace: QueryTrace,
  outcome: { query: string; corpusKeys: string[]; generation?: string; score?: number },
): string | undefined {
  const id = `qry_${randomUUID()}`;
  try {
    const rowid = insertQueryHistory(ctx.db, {
      id,
      query: outcome.query,
      corpusKeys: [...new Set(outcome.corpusKeys)],
      chatId: trace.chatId,
      turnId: trace.turnId,
      request: trace.request,
      spans: trace.spans,
      generation: outcome.generation,
      factualConsistencyScore: outcome.score,
      startedAt: new Date(trace.startedAt).toISOString(),
      latencyMillis: Date.now() - trace.startedAt,
    });
    if (rowid % PRUNE_EVERY === 0) {
      pruneQueryHistory(
        ctx.db,
        ctx.services.queryHistory ?? DEFAULT_RETENTION,
        new Date(),
        PRUNE_BATCH,
      );
    }
    return id;
  } catch (error) {
    ctx.log(`engine: recording query history failed (the query was answered): ${String(error)}`);
    return undefined;
  }
}

/** `rewritten_query` spans, one per corpus, when intelligent query rewriting ran. */
export function traceRewriting(
  trace: QueryTrace | undefined,
  since: number,
  rewrite: boolean | undefined,
  outcome: {
    warnings?: string[];
    rewritten_queries?: Array<{ corpus_key: string; filter_extraction: unknown }>;
  },
  corpusKeys: string[],
): void {
  if (!trace || !rewrite) return;
  if (outcome.rewritten_queries?.length) {
    for (const r of outcome.rewritten_queries) {
      trace.span("rewritten_query", since, {
        corpus_key: r.corpus_key,
        filter_extraction: r.filter_extraction,
      });
    }
  } else if (outcome.warnings?.length) {
    for (const key of corpusKeys) {
      trace.span("rewritten_query", since, { corpus_key: key, warnings: ["failure"] });
    }
  }
}
