import { errors } from "../core/errors";
import { factualConsistencyScore } from "../core/generation/fcs";
import type { EngineContext } from "./context";

/**
 * `POST /v2/evaluate_factual_consistency`: the engine's factual-consistency scorer
 * (`core/generation/fcs.ts`, the one LLM answers are scored with) as a service. It is a
 * lexical-support heuristic, not Vectara's HHEM model: paraphrases and synonyms count
 * as unsupported, word order and roles are not checked, negation is a keyword test.
 * Its input is bounded (the request schema in `http/handlers/evaluate.ts`, the total
 * here): one call costs about (sentences of the text) × (sentences of the sources), and
 * cannot check a deadline while it runs, so at these bounds it takes at most about 0.3 s.
 */
export const MAX_GENERATED_TEXT_CHARS = 10_000;
export const MAX_SOURCE_TEXTS = 50;
export const MAX_SOURCE_TEXT_CHARS = 50_000;
export const MAX_SOURCE_TOTAL_CHARS = 50_000;
/** The model name Vectara accepts (`model_parameters.model_name`); served by the heuristic. */
export const FCS_MODEL_NAME = "hhem_v2.3";

export interface EvaluateBody {
  generated_text: string;
  source_texts: string[];
}

export function evaluateFactualConsistency(
  ctx: Pick<EngineContext, "deadline">,
  body: EvaluateBody,
): { score: number } {
  const total = body.source_texts.reduce((sum, t) => sum + t.length, 0);
  if (total > MAX_SOURCE_TOTAL_CHARS) {
    throw errors.field(
      "body.source_texts",
      `holds ${total} characters in all; at most ${MAX_SOURCE_TOTAL_CHARS} are scored in one request`,
    );
  }
  ctx.deadline.check();
  const score = factualConsistencyScore(body.generated_text, body.source_texts);
  if (score === undefined) {
    throw errors.field(
      "body.generated_text",
      "states nothing to check: it has no content words (or it is the engine's fixed no-answer reply)",
    );
  }
  ctx.deadline.check();
  return { score };
}
