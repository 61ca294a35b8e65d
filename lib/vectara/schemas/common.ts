import { z } from "zod";

/**
 * Wire schemas shared by several resources, following `vectara-openapi-v2.yaml`.
 * Requests are strict (an unknown or misspelled field is an error, not silently
 * dropped); responses are loose (new fields from Vectara never break the client)
 * and accept `null` wherever a field is optional.
 */

export const corpusKeySchema = z
  .string()
  .max(50)
  .regex(/^[a-zA-Z0-9_=-]+$/, "corpus keys contain only letters, digits, _, = and -");

export const chatIdSchema = z.string().regex(/^cht_.+$/, "chat ids start with cht_");
export const turnIdSchema = z.string().regex(/^trn_.+$/, "turn ids start with trn_");

export const languageSchema = z.enum([
  "auto",
  "eng",
  "deu",
  "fra",
  "zho",
  "kor",
  "ara",
  "rus",
  "tha",
  "nld",
  "ita",
  "por",
  "spa",
  "jpn",
  "pol",
  "tur",
  "vie",
  "ind",
  "ces",
  "ukr",
  "ell",
  "heb",
  "fas",
  "hin",
  "urd",
  "swe",
  "ben",
  "msa",
  "ron",
]);

const int32 = z.number().int().min(-2147483648).max(2147483647);
const metadataSchema = z.record(z.string(), z.unknown());
const customDimensionsSchema = z.record(z.string(), z.number());

// ---------------------------------------------------------------- requests

export const contextConfigurationSchema = z.strictObject({
  characters_before: int32.optional(),
  characters_after: int32.optional(),
  sentences_before: int32.min(0).optional(),
  sentences_after: int32.min(0).optional(),
  start_tag: z.string().optional(),
  end_tag: z.string().optional(),
});

const rerankerLimit = int32.min(1).optional();

export type SearchReranker =
  | {
      type: "customer_reranker";
      reranker_id?: string;
      reranker_name?: string;
      limit?: number;
      cutoff?: number;
      include_context?: boolean;
    }
  | { type: "userfn"; user_function?: string; limit?: number; cutoff?: number }
  | { type: "mmr"; diversity_bias?: number; limit?: number; cutoff?: number }
  | { type: "chain"; rerankers: SearchReranker[] }
  | { type: "none"; limit?: number };

export const searchRerankerSchema: z.ZodType<SearchReranker> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("customer_reranker"),
      reranker_id: z
        .string()
        .regex(/^rnk_(?!272725718$)\d+$/, "rnk_272725718 is the MMR reranker: use type mmr")
        .optional(),
      reranker_name: z.string().optional(),
      limit: rerankerLimit,
      cutoff: z.number().optional(),
      include_context: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal("userfn"),
      user_function: z.string().optional(),
      limit: rerankerLimit,
      cutoff: z.number().optional(),
    }),
    z.strictObject({
      type: z.literal("mmr"),
      diversity_bias: z.number().min(0).max(1).optional(),
      limit: rerankerLimit,
      cutoff: z.number().optional(),
    }),
    z.strictObject({
      type: z.literal("chain"),
      rerankers: z.array(searchRerankerSchema).max(50),
    }),
    z.strictObject({ type: z.literal("none"), limit: rerankerLimit }),
  ]),
);

const searchCorpusFields = {
  custom_dimensions: customDimensionsSchema.optional(),
  metadata_filter: z.string().max(8000).optional(),
  lexical_interpolation: z.number().min(0).max(1).optional(),
  semantics: z.enum(["default", "query", "response"]).optional(),
};

const searchParameterFields = {
  offset: int32.min(0).optional(),
  limit: int32.min(1).optional(),
  context_configuration: contextConfigurationSchema.optional(),
  reranker: searchRerankerSchema.optional(),
};

export const keyedSearchCorpusSchema = z.strictObject({
  ...searchCorpusFields,
  corpus_key: corpusKeySchema,
  query: z.string().max(5000).optional(),
});

export const searchCorporaParametersSchema = z.strictObject({
  corpora: z.array(keyedSearchCorpusSchema).min(1, "search at least one corpus"),
  ...searchParameterFields,
});

/** `search` of `POST /v2/corpora/{key}/query`: one corpus, so its fields are flat. */
export const searchCorpusParametersSchema = z.strictObject({
  ...searchCorpusFields,
  ...searchParameterFields,
});

export const citationParametersSchema = z.strictObject({
  style: z.enum(["none", "numeric", "html", "markdown"]).optional(),
  url_pattern: z.string().optional(),
  text_pattern: z.string().optional(),
});

export const generationParametersSchema = z.strictObject({
  enabled: z.boolean().optional(),
  generation_preset_name: z.string().min(1).optional(),
  prompt_name: z.string().min(1).optional(),
  max_used_search_results: int32.min(0).optional(),
  prompt_template: z.string().optional(),
  prompt_text: z.string().optional(),
  max_response_characters: int32.min(0).optional(),
  response_language: languageSchema.optional(),
  model_parameters: z
    .strictObject({
      llm_name: z.string().optional(),
      max_tokens: int32.min(1).optional(),
      temperature: z.number().optional(),
      frequency_penalty: z.number().optional(),
      presence_penalty: z.number().optional(),
    })
    .optional(),
  citations: citationParametersSchema.optional(),
  enable_factual_consistency_score: z.boolean().optional(),
});

export const queryTextSchema = z
  .string()
  .min(1, "a query cannot be empty")
  .max(5000, "a query is at most 5000 characters");

// --------------------------------------------------------------- responses

export const listMetadataSchema = z.looseObject({ page_key: z.string().nullish() });

const tableCellSchema = z.looseObject({
  text_value: z.string().nullish(),
  int_value: z.number().nullish(),
  float_value: z.number().nullish(),
  bool_value: z.boolean().nullish(),
  colspan: z.number().nullish(),
  rowspan: z.number().nullish(),
});

export const tableSchema = z.looseObject({
  id: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  data: z
    .looseObject({
      headers: z.array(z.array(tableCellSchema)).nullish(),
      rows: z.array(z.array(tableCellSchema)).nullish(),
    })
    .nullish(),
});

export const imageMetadataSchema = z.looseObject({
  id: z.string().nullish(),
  caption: z.string().nullish(),
  mime_type: z.string().nullish(),
});

export const individualSearchResultSchema = z.looseObject({
  text: z.string().nullish(),
  score: z.number().nullish(),
  part_metadata: metadataSchema.nullish(),
  document_metadata: metadataSchema.nullish(),
  document_id: z.string().nullish(),
  table: tableSchema.nullish(),
  image: imageMetadataSchema.nullish(),
  request_corpora_index: z.number().int().nullish(),
  corpus_key: z.string().nullish(),
});

export const queryWarningSchema = z.string();

export const rewrittenQuerySchema = z.looseObject({
  corpus_key: z.string().nullish(),
  filter_extraction: z
    .looseObject({ query: z.string().nullish(), metadata_filter: z.string().nullish() })
    .nullish(),
});

/** The union of Vectara's `Error`, `BadRequestError` and `NotFoundError` bodies. */
export const errorBodySchema = z.looseObject({
  messages: z.array(z.string()).nullish(),
  field_errors: z.record(z.string(), z.string()).nullish(),
  request_id: z.string().nullish(),
  id: z.string().nullish(),
});

export type WireSearchResult = z.infer<typeof individualSearchResultSchema>;
export type WireErrorBody = z.infer<typeof errorBodySchema>;
export type KeyedSearchCorpus = z.input<typeof keyedSearchCorpusSchema>;
export type SearchCorporaParameters = z.input<typeof searchCorporaParametersSchema>;
export type SearchCorpusParameters = z.input<typeof searchCorpusParametersSchema>;
export type GenerationParameters = z.input<typeof generationParametersSchema>;
export type ContextConfiguration = z.input<typeof contextConfigurationSchema>;
export type CitationParameters = z.input<typeof citationParametersSchema>;
export type Language = z.infer<typeof languageSchema>;
