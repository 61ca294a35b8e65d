import { z } from "zod";
import type { RerankerSpec } from "../../core/rerank";

/**
 * Request schemas of the query endpoints (`QueryRequest`, `QueryCorpusRequest`,
 * the query string of `GET …/query`). Objects are not strict: fields from newer
 * API versions are ignored rather than refused; `null` reads as absent.
 */
const int32 = z.number().int().min(-2147483648).max(2147483647);

export const queryTextSchema = z
  .string()
  .min(1, "a query cannot be empty")
  .max(5000, "a query is at most 5000 characters");

export const contextConfigurationSchema = z.object({
  characters_before: int32.nullish(),
  characters_after: int32.nullish(),
  sentences_before: int32.min(0).nullish(),
  sentences_after: int32.min(0).nullish(),
  start_tag: z.string().max(1000).nullish(),
  end_tag: z.string().max(1000).nullish(),
});

const limit = int32.min(1).nullish();
const cutoff = z.number().nullish();

/**
 * Chains nest: the schema is built level by level (not `z.lazy`), so zod never
 * recurses with the depth of what a caller sends. Below the last level the stages
 * are left unparsed; `buildReranker` refuses chains that deep (5) before reading them.
 */
const RERANKER_SCHEMA_LEVELS = 8;

function rerankerSchemaAt(levels: number): z.ZodType<RerankerSpec, unknown> {
  const stages = levels <= 1 ? z.array(z.unknown()) : z.array(rerankerSchemaAt(levels - 1));
  return z.discriminatedUnion("type", [
    z
      .object({
        type: z.literal("customer_reranker"),
        reranker_id: z
          .string()
          .regex(/^rnk_\d+$/, "must look like rnk_272725719")
          .refine((id) => id !== "rnk_272725718", 'rnk_272725718 is MMR: use {"type": "mmr"}')
          .nullish(),
        reranker_name: z.string().max(200).nullish(),
        limit,
        cutoff,
        include_context: z.boolean().nullish(),
      })
      .transform(dropNulls),
    z
      .object({
        type: z.literal("userfn"),
        user_function: z.string().nullish(),
        limit,
        cutoff,
      })
      .transform(dropNulls),
    z
      .object({
        type: z.literal("mmr"),
        diversity_bias: z.number().min(0).max(1).nullish(),
        limit,
        cutoff,
      })
      .transform(dropNulls),
    z.object({
      type: z.literal("chain"),
      rerankers: stages.max(50, "a chain has at most 50 rerankers"),
    }),
    z.object({ type: z.literal("none"), limit }).transform(dropNulls),
  ]) as z.ZodType<RerankerSpec, unknown>;
}

export const rerankerSchema = rerankerSchemaAt(RERANKER_SCHEMA_LEVELS);

/** `{a: null, b: 1}` → `{b: 1}`, so optional fields are plain `undefined` past parsing. */
function dropNulls<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

const searchCorpusFields = {
  custom_dimensions: z.record(z.string(), z.number()).nullish(),
  metadata_filter: z.string().max(8000).nullish(),
  lexical_interpolation: z.number().min(0).max(1).nullish(),
  semantics: z.enum(["default", "query", "response"]).nullish(),
};

const searchParameterFields = {
  offset: int32.min(0).nullish(),
  limit,
  context_configuration: contextConfigurationSchema.nullish(),
  reranker: rerankerSchema.nullish(),
};

export const keyedSearchCorpusSchema = z.object({
  ...searchCorpusFields,
  corpus_key: z.string(),
  query: z.string().max(5000, "a query is at most 5000 characters").nullish(),
});

/**
 * `generation` is accepted as any object here; generation is served through the
 * `generate` seam (`GenerateFn` in ports.ts), which validates what it reads.
 */
const generationSchema = z.looseObject({ enabled: z.boolean().nullish() }).nullish();

const commonFields = {
  query: queryTextSchema,
  generation: generationSchema,
  stream_response: z.boolean().nullish(),
  save_history: z.boolean().nullish(),
  intelligent_query_rewriting: z.boolean().nullish(),
};

/** `SearchCorporaParameters`: the `search` of `POST /v2/query` (and of chats). */
export const searchCorporaParametersSchema = z.object({
  corpora: z.array(keyedSearchCorpusSchema).min(1, "[] should have at least 1 items.").max(100),
  ...searchParameterFields,
});

export const queryRequestSchema = z.object({
  ...commonFields,
  search: searchCorporaParametersSchema,
});

export const queryCorpusRequestSchema = z.object({
  ...commonFields,
  search: z.object({ ...searchCorpusFields, ...searchParameterFields }).nullish(),
});

const booleanParam = z.enum(["true", "false"]).transform((v) => v === "true");

export const searchQueryParamsSchema = z.object({
  query: queryTextSchema,
  limit: z.coerce.number().int().min(1).max(2147483647).optional(),
  offset: z.coerce.number().int().min(0).max(2147483647).optional(),
  save_history: booleanParam.optional(),
  intelligent_query_rewriting: booleanParam.optional(),
});

export type QueryRequest = z.output<typeof queryRequestSchema>;
export type SearchCorporaParameters = z.output<typeof searchCorporaParametersSchema>;
export type QueryCorpusRequest = z.output<typeof queryCorpusRequestSchema>;
export type ContextConfiguration = z.output<typeof contextConfigurationSchema>;
