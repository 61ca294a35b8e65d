import { z } from "zod";
import { listMetadataSchema } from "./common";

export const listGenerationPresetsParamsSchema = z.strictObject({
  llm_name: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  page_key: z.string().min(1).optional(),
});

export const generationPresetSchema = z.looseObject({
  name: z.string(),
  llm_name: z.string().nullish(),
  prompt_template: z.string().nullish(),
  max_used_search_results: z.number().int().nullish(),
  max_tokens: z.number().int().nullish(),
  temperature: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  enabled: z.boolean().nullish(),
  default: z.boolean().nullish(),
});

export const listGenerationPresetsResponseSchema = z.looseObject({
  generation_presets: z.array(generationPresetSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export type ListGenerationPresetsParams = z.input<typeof listGenerationPresetsParamsSchema>;
export type WireGenerationPreset = z.infer<typeof generationPresetSchema>;
