import { z } from "zod";
import {
  generationParametersSchema,
  individualSearchResultSchema,
  languageSchema,
  queryTextSchema,
  queryWarningSchema,
  rewrittenQuerySchema,
  searchCorporaParametersSchema,
  searchCorpusParametersSchema,
} from "./common";

/** `QueryRequest` (`POST /v2/query`), minus `stream_response`. */
export const queryRequestSchema = z.strictObject({
  query: queryTextSchema,
  search: searchCorporaParametersSchema,
  generation: generationParametersSchema.optional(),
  save_history: z.boolean().optional(),
  intelligent_query_rewriting: z.boolean().optional(),
});

/** `QueryCorpusRequest` (`POST /v2/corpora/{key}/query`), minus `stream_response`. */
export const queryCorpusRequestSchema = z.strictObject({
  query: queryTextSchema,
  search: searchCorpusParametersSchema.optional(),
  generation: generationParametersSchema.optional(),
  save_history: z.boolean().optional(),
  intelligent_query_rewriting: z.boolean().optional(),
});

export const queryRequestWireSchema = queryRequestSchema.extend({
  stream_response: z.boolean().optional(),
});
export const queryCorpusRequestWireSchema = queryCorpusRequestSchema.extend({
  stream_response: z.boolean().optional(),
});

/** Query-string parameters of `GET /v2/corpora/{key}/query`. */
export const searchCorpusParamsSchema = z.strictObject({
  query: queryTextSchema,
  limit: z.number().int().min(1).optional(),
  offset: z.number().int().min(0).optional(),
  save_history: z.boolean().optional(),
  intelligent_query_rewriting: z.boolean().optional(),
});

export const queryFullResponseSchema = z.looseObject({
  summary: z.string().nullish(),
  response_language: languageSchema.or(z.string()).nullish(),
  search_results: z.array(individualSearchResultSchema).nullish(),
  factual_consistency_score: z.number().nullish(),
  rendered_prompt: z.string().nullish(),
  warnings: z.array(queryWarningSchema).nullish(),
  rewritten_queries: z.array(rewrittenQuerySchema).nullish(),
});

export type QueryRequest = z.input<typeof queryRequestSchema>;
export type QueryCorpusRequest = z.input<typeof queryCorpusRequestSchema>;
export type SearchCorpusParams = z.input<typeof searchCorpusParamsSchema>;
export type WireQueryFullResponse = z.infer<typeof queryFullResponseSchema>;
