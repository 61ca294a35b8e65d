import { z } from "zod";
import { individualSearchResultSchema, rewrittenQuerySchema } from "./common";

/**
 * Members of `ChatStreamedResponse` / `QueryStreamedResponse`, keyed on `type`.
 * `error` is here so the decoder can recognise it; the stream turns it into a thrown error.
 */
export const streamEventSchema = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("search_results"),
    search_results: z.array(individualSearchResultSchema).nullish(),
    rewritten_queries: z.array(rewrittenQuerySchema).nullish(),
  }),
  z.looseObject({
    type: z.literal("chat_info"),
    chat_id: z.string().nullish(),
    turn_id: z.string().nullish(),
  }),
  z.looseObject({ type: z.literal("generation_chunk"), generation_chunk: z.string() }),
  z.looseObject({
    type: z.literal("generation_info"),
    rendered_prompt: z.string().nullish(),
    rephrased_query: z.string().nullish(),
  }),
  z.looseObject({ type: z.literal("generation_end") }),
  z.looseObject({
    type: z.literal("factual_consistency_score"),
    factual_consistency_score: z.number(),
  }),
  z.looseObject({ type: z.literal("end") }),
  z.looseObject({ type: z.literal("error"), messages: z.array(z.string()).nullish() }),
]);

export const STREAM_EVENT_TYPES = [
  "search_results",
  "chat_info",
  "generation_chunk",
  "generation_info",
  "generation_end",
  "factual_consistency_score",
  "end",
  "error",
] as const;

export type WireStreamEvent = z.infer<typeof streamEventSchema>;
