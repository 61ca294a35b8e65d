import { z } from "zod";
import {
  evaluateFactualConsistency,
  FCS_MODEL_NAME,
  MAX_GENERATED_TEXT_CHARS,
  MAX_SOURCE_TEXT_CHARS,
  MAX_SOURCE_TEXTS,
} from "../../services/factual-consistency";
import { type Ctx, engineContext, type Route, readJson } from "../context";
import { json } from "../respond";

/**
 * `POST /v2/evaluate_factual_consistency` (role serving, as a query): the engine's
 * lexical factual-consistency heuristic as a service (`services/factual-consistency.ts`),
 * not Vectara's HHEM. Sizes are bounded here, each a 400 naming its field.
 */
export const evaluateFactualConsistencySchema = z.object({
  generated_text: z
    .string()
    .min(1)
    .max(MAX_GENERATED_TEXT_CHARS, `must be at most ${MAX_GENERATED_TEXT_CHARS} characters`),
  source_texts: z
    .array(
      z.string().max(MAX_SOURCE_TEXT_CHARS, `must be at most ${MAX_SOURCE_TEXT_CHARS} characters`),
    )
    .min(1, "must hold at least one source text")
    .max(MAX_SOURCE_TEXTS, `must hold at most ${MAX_SOURCE_TEXTS} source texts`),
  model_parameters: z
    .object({
      model_name: z.literal(FCS_MODEL_NAME, `only '${FCS_MODEL_NAME}' is supported`).optional(),
    })
    .optional(),
});

async function evaluate(ctx: Ctx): Promise<Response> {
  const body = await readJson(ctx, evaluateFactualConsistencySchema);
  return json(200, evaluateFactualConsistency(engineContext(ctx), body));
}

export const evaluateRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v2/evaluate_factual_consistency",
    role: "serving",
    handler: evaluate,
  },
];
