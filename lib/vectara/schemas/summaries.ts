import { z } from "zod";

/**
 * `EvaluateFactualConsistencyRequest` / `Response` and `SummarizeDocumentRequest` /
 * `Response` (Vectara REST v2). Requests are checked for their shape only: limits on
 * sizes are the server's (the local engine's are in docs/engine.md), so the same
 * client works against Vectara.
 */
export const evaluateFactualConsistencyRequestSchema = z.strictObject({
  generated_text: z.string().min(1),
  source_texts: z.array(z.string()).min(1),
  model_parameters: z.strictObject({ model_name: z.string().min(1).optional() }).optional(),
});

export const evaluateFactualConsistencyResponseSchema = z.looseObject({
  score: z.number().min(0).max(1),
});

export const summarizeDocumentRequestSchema = z.strictObject({
  llm_name: z.string().min(1),
  prompt_template: z.string().min(1).optional(),
  model_parameters: z
    .looseObject({
      max_tokens: z.number().int().min(1).optional(),
      temperature: z.number().optional(),
      frequency_penalty: z.number().optional(),
      presence_penalty: z.number().optional(),
    })
    .optional(),
});

/** The request as it travels: the resource methods set `stream_response` themselves. */
export const summarizeDocumentRequestWireSchema = summarizeDocumentRequestSchema.extend({
  stream_response: z.boolean().optional(),
});

export const summarizeDocumentResponseSchema = z.looseObject({
  summary: z.string().nullish(),
  rendered_prompt: z.string().nullish(),
});

export type EvaluateFactualConsistencyRequest = z.input<
  typeof evaluateFactualConsistencyRequestSchema
>;
export type SummarizeDocumentRequest = z.input<typeof summarizeDocumentRequestSchema>;
