import { z } from "zod";
import { listMetadataSchema } from "./common";

/**
 * `GET /v2/rerankers`, `GET /v2/encoders`, `GET /v2/llms` and `GET /v2/llms/{llm_id}`
 * (`Reranker`, `Encoder`, `LLM` and their list responses in `vectara-openapi-v2.yaml`).
 * The three lists take the same parameters: `filter` (a regex over names and
 * descriptions), `limit` 1..100 and `page_key`.
 */
export const listCatalogParamsSchema = z.strictObject({
  filter: z.string().min(1).max(1000).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  page_key: z.string().min(1).optional(),
});

/** An LLM's id (`llm_…`) or its name, as `GET /v2/llms/{llm_id}` takes it. */
export const llmIdSchema = z.string().min(1).max(500);

export const rerankerSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  description: z.string().nullish(),
  enabled: z.boolean().nullish(),
});

export const listRerankersResponseSchema = z.looseObject({
  rerankers: z.array(rerankerSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export const encoderSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  type: z.string().nullish(),
  output_dimensions: z.number().int().nullish(),
  description: z.string().nullish(),
  default: z.boolean().nullish(),
  enabled: z.boolean().nullish(),
});

export const listEncodersResponseSchema = z.looseObject({
  encoders: z.array(encoderSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export const llmSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  description: z.string().nullish(),
  enabled: z.boolean().nullish(),
  default: z.boolean().nullish(),
});

export const listLlmsResponseSchema = z.looseObject({
  llms: z.array(llmSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export type ListCatalogParams = z.input<typeof listCatalogParamsSchema>;
export type WireReranker = z.infer<typeof rerankerSchema>;
export type WireEncoder = z.infer<typeof encoderSchema>;
export type WireLlm = z.infer<typeof llmSchema>;
