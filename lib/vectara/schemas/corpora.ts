import { z } from "zod";
import { corpusKeySchema, listMetadataSchema } from "./common";

const filterAttributeTypeSchema = z.enum([
  "integer",
  "real_number",
  "text",
  "boolean",
  "list[integer]",
  "list[real_number]",
  "list[text]",
]);

export const filterAttributeSchema = z.strictObject({
  name: z.string().min(1),
  level: z.enum(["document", "part"]),
  description: z.string().optional(),
  indexed: z.boolean().optional(),
  type: filterAttributeTypeSchema,
});

const corpusCustomDimensionSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  indexing_default: z.number().optional(),
  querying_default: z.number().optional(),
});

export const createCorpusRequestSchema = z.strictObject({
  key: corpusKeySchema,
  name: z.string().optional(),
  description: z.string().optional(),
  save_history: z.boolean().optional(),
  queries_are_answers: z.boolean().optional(),
  documents_are_questions: z.boolean().optional(),
  encoder_id: z
    .string()
    .regex(/^enc_[0-9]+$/)
    .optional(),
  encoder_name: z.string().optional(),
  filter_attributes: z.array(filterAttributeSchema).optional(),
  custom_dimensions: z.array(corpusCustomDimensionSchema).optional(),
});

export const updateCorpusRequestSchema = z.strictObject({
  enabled: z.boolean().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  save_history: z.boolean().optional(),
});

export const listCorporaParamsSchema = z.strictObject({
  limit: z.number().int().min(1).max(100).optional(),
  /** Regular expression over corpus key and name. */
  filter: z.string().min(1).optional(),
  page_key: z.string().min(1).optional(),
});

export const replaceFilterAttributesRequestSchema = z.strictObject({
  filter_attributes: z.array(filterAttributeSchema),
});

const wireFilterAttributeSchema = z.looseObject({
  name: z.string(),
  level: z.string().nullish(),
  description: z.string().nullish(),
  indexed: z.boolean().nullish(),
  type: z.string().nullish(),
});

export const corpusSchema = z.looseObject({
  id: z.string().nullish(),
  key: z.string(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  enabled: z.boolean().nullish(),
  chat_history_corpus: z.boolean().nullish(),
  queries_are_answers: z.boolean().nullish(),
  documents_are_questions: z.boolean().nullish(),
  encoder_name: z.string().nullish(),
  save_history: z.boolean().nullish(),
  filter_attributes: z.array(wireFilterAttributeSchema).nullish(),
  custom_dimensions: z.array(z.looseObject({ name: z.string() })).nullish(),
  limits: z
    .looseObject({
      used_docs: z.number().nullish(),
      used_parts: z.number().nullish(),
      used_bytes: z.number().nullish(),
      used_characters: z.number().nullish(),
      max_bytes: z.number().nullish(),
      max_metadata_bytes: z.number().nullish(),
      index_rate: z.number().nullish(),
    })
    .nullish(),
  created_at: z.string().nullish(),
});

export const listCorporaResponseSchema = z.looseObject({
  corpora: z.array(corpusSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export const replaceFilterAttributesResponseSchema = z.looseObject({ job_id: z.string() });

export const computeCorpusSizeResponseSchema = z.looseObject({
  used_docs: z.number().nullish(),
  used_parts: z.number().nullish(),
  used_characters: z.number().nullish(),
  used_metadata_characters: z.number().nullish(),
});

export type FilterAttribute = z.input<typeof filterAttributeSchema>;
export type CreateCorpusRequest = z.input<typeof createCorpusRequestSchema>;
export type UpdateCorpusRequest = z.input<typeof updateCorpusRequestSchema>;
export type ListCorporaParams = z.input<typeof listCorporaParamsSchema>;
export type WireCorpus = z.infer<typeof corpusSchema>;
