import { z } from "zod";
import { EngineError, errors } from "../errors";
import { citationParamsSchema } from "./citations";
import { DEFAULT_PROMPT_TEMPLATE, LANGUAGE_NAMES, renderPrompt } from "./template";

/**
 * `GenerationParameters` as the generators read them (notes §2.1). The query
 * schema accepts `generation` as any object; this is where it is validated, with
 * field errors under `body.generation.*`.
 */
export const generationParamsSchema = z.looseObject({
  enabled: z.boolean().nullish(),
  generation_preset_name: z.string().min(1).max(200).nullish(),
  prompt_name: z.string().min(1).max(200).nullish(),
  prompt_template: z.string().nullish(),
  prompt_text: z.string().nullish(),
  max_used_search_results: z.number().int().min(0).max(1000).nullish(),
  max_response_characters: z.number().int().min(0).nullish(),
  response_language: z
    .enum(["auto", ...Object.keys(LANGUAGE_NAMES)] as [string, ...string[]])
    .nullish(),
  model_parameters: z
    .looseObject({
      llm_name: z.string().nullish(),
      max_tokens: z.number().int().min(1).nullish(),
      temperature: z.number().nullish(),
      frequency_penalty: z.number().nullish(),
      presence_penalty: z.number().nullish(),
    })
    .nullish(),
  citations: citationParamsSchema.nullish(),
  enable_factual_consistency_score: z.boolean().nullish(),
});
export type GenerationParams = z.infer<typeof generationParamsSchema>;

export const DEFAULT_MAX_USED_SEARCH_RESULTS = 5;

export function parseGenerationParams(generation: unknown): GenerationParams {
  const parsed = generationParamsSchema.safeParse(generation ?? {});
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    fieldErrors[["body", "generation", ...issue.path.map(String)].join(".")] ??= issue.message;
  }
  throw new EngineError(
    "bad_request",
    Object.entries(fieldErrors)
      .map(([k, v]) => `${k}: ${v}`)
      .join("; "),
    { fieldErrors },
  );
}

/** `prompt_template`, else the deprecated `prompt_text`, else the default. */
export const templateOf = (p: GenerationParams) =>
  p.prompt_template ?? p.prompt_text ?? DEFAULT_PROMPT_TEMPLATE;

export const LLM_NAME_FIELD = "body.generation.model_parameters.llm_name";

/**
 * `model_parameters.llm_name`, when given, must name one of `llmNames` (what
 * `GET /v2/llms` lists); otherwise a 400 on the field. Returns the name, or
 * undefined when none is asked for.
 */
export function requestedLlmName(
  p: GenerationParams,
  llmNames: readonly string[],
): string | undefined {
  const name = p.model_parameters?.llm_name ?? undefined;
  if (name === undefined || llmNames.includes(name)) return name;
  throw errors.field(
    LLM_NAME_FIELD,
    `no LLM is named '${name.slice(0, 200)}' (GET /v2/llms lists ${llmNames.map((n) => `'${n}'`).join(", ")})`,
  );
}

/**
 * Everything about `generation` that can be decided before retrieval: the
 * parameters, `model_parameters.llm_name` against `llmNames` when given, and the
 * template rendered against one sample result and one history turn (so syntax
 * errors and non-JSON output are 400s even on streams). Returns its input.
 */
export function checkGeneration<T>(generation: T, llmNames?: readonly string[]): T {
  const p = parseGenerationParams(generation);
  if (llmNames) requestedLlmName(p, llmNames);
  renderPrompt(templateOf(p), {
    query: "sample question",
    results: [
      {
        text: "Sample result text.",
        document_id: "doc",
        document_metadata: {},
        part_metadata: {},
        score: 1,
      },
    ],
    history: [{ query: "earlier question", answer: "earlier answer" }],
    langCode: "eng",
    maxChars: p.max_response_characters ?? undefined,
  });
  return generation;
}
