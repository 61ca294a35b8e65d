import { z } from "zod";
import { corpusKeySchema, individualSearchResultSchema, listMetadataSchema } from "./common";

/**
 * Query history (`GET /v2/queries`, `GET /v2/queries/{query_id}`). Responses are read
 * loosely (fields Vectara adds later pass through); `turn_id` is Parley's engine's
 * extension and absent on Vectara SaaS.
 */

const isoDateTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

export const listQueryHistoriesParamsSchema = z.strictObject({
  corpus_key: corpusKeySchema.optional(),
  /** Records that started after this ISO date-time (a `Date` is sent as ISO). */
  started_after: z.union([z.date().transform((d) => d.toISOString()), isoDateTime]).optional(),
  started_before: z.union([z.date().transform((d) => d.toISOString()), isoDateTime]).optional(),
  chat_id: z.string().min(1).max(200).optional(),
  history_id: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  page_key: z.string().min(1).optional(),
});

export const queryHistoryIdSchema = z.string().min(1).max(200);

export const queryHistorySummarySchema = z.looseObject({
  id: z.string(),
  query: z.string().nullish(),
  corpus_key: z.string().nullish(),
  started_at: z.string().nullish(),
  latency_millis: z.number().nullish(),
  chat_id: z.string().nullish(),
  turn_id: z.string().nullish(),
  generation: z.string().nullish(),
  factual_consistency_score: z.number().nullish(),
});

export const listQueryHistoriesResponseSchema = z.looseObject({
  queries: z.array(queryHistorySummarySchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

/** One `QueryHistorySpan`; which fields are set depends on `type`. */
export const queryHistorySpanSchema = z.looseObject({
  type: z.string(),
  latency_millis: z.number().nullish(),
  started_at: z.string().nullish(),
  rephrased_query: z.string().nullish(),
  search_results: z.array(individualSearchResultSchema).nullish(),
  reranked_search_results: z
    .array(
      z.looseObject({
        text: z.string().nullish(),
        score: z.number().nullish(),
        original_score: z.number().nullish(),
      }),
    )
    .nullish(),
  prompt: z.string().nullish(),
  generation: z.string().nullish(),
  score: z.number().nullish(),
  corpus_key: z.string().nullish(),
  warnings: z.array(z.string()).nullish(),
});

export const queryHistorySchema = z.looseObject({
  id: z.string(),
  /** The request as it was made (`QueryRequest`). */
  query: z.record(z.string(), z.unknown()).nullish(),
  chat_id: z.string().nullish(),
  turn_id: z.string().nullish(),
  latency_millis: z.number().nullish(),
  started_at: z.string().nullish(),
  spans: z.array(queryHistorySpanSchema).nullish(),
});

export type ListQueryHistoriesParams = z.input<typeof listQueryHistoriesParamsSchema>;
export type WireQueryHistorySummary = z.infer<typeof queryHistorySummarySchema>;
export type WireQueryHistory = z.infer<typeof queryHistorySchema>;
export type WireQueryHistorySpan = z.infer<typeof queryHistorySpanSchema>;
