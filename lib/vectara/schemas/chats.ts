import { z } from "zod";
import {
  chatIdSchema,
  generationParametersSchema,
  individualSearchResultSchema,
  languageSchema,
  listMetadataSchema,
  queryTextSchema,
  queryWarningSchema,
  rewrittenQuerySchema,
  searchCorporaParametersSchema,
  turnIdSchema,
} from "./common";

/** `ChatRequest`, minus `stream_response`: the client sets that per method. */
export const chatRequestSchema = z.strictObject({
  query: queryTextSchema,
  search: searchCorporaParametersSchema,
  generation: generationParametersSchema.optional(),
  chat: z.strictObject({ store: z.boolean().optional() }).optional(),
  save_history: z.boolean().optional(),
  intelligent_query_rewriting: z.boolean().optional(),
});

/** The body as the spec writes it, `stream_response` included (used to check spec examples). */
export const chatRequestWireSchema = chatRequestSchema.extend({
  stream_response: z.boolean().optional(),
});

export const listChatsParamsSchema = z.strictObject({
  limit: z.number().int().min(1).max(100).optional(),
  page_key: z.string().min(1).optional(),
  /** A regular expression matched against the first query or first answer (chats guide). */
  filter: z.string().min(1).max(1000).optional(),
  chat_ids: z.array(chatIdSchema).max(100).optional(),
});

export const listTurnsParamsSchema = z.strictObject({
  limit: z.number().int().min(1).max(100).optional(),
  page_key: z.string().min(1).optional(),
});

export const updateTurnRequestSchema = z.strictObject({ enabled: z.boolean() });

export const chatFullResponseSchema = z.looseObject({
  chat_id: z.string().nullish(),
  turn_id: z.string().nullish(),
  answer: z.string().nullish(),
  response_language: languageSchema.or(z.string()).nullish(),
  search_results: z.array(individualSearchResultSchema).nullish(),
  factual_consistency_score: z.number().nullish(),
  rendered_prompt: z.string().nullish(),
  warnings: z.array(queryWarningSchema).nullish(),
  rephrased_query: z.string().nullish(),
  rewritten_queries: z.array(rewrittenQuerySchema).nullish(),
});

export const chatSchema = z.looseObject({
  id: chatIdSchema,
  first_query: z.string().nullish(),
  first_answer: z.string().nullish(),
  enabled: z.boolean().nullish(),
  created_at: z.string().nullish(),
});

export const listChatsResponseSchema = z.looseObject({
  chats: z.array(chatSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export const turnSchema = z.looseObject({
  id: turnIdSchema,
  chat_id: chatIdSchema.nullish(),
  query: z.string().nullish(),
  answer: z.string().nullish(),
  enabled: z.boolean().nullish(),
  created_at: z.string().nullish(),
});

/**
 * The spec's `ListChatTurnsResponse` has no paging; the chats guide pages turns and
 * shows `page_key` at the top level. Both places are read.
 */
export const listTurnsResponseSchema = z.looseObject({
  turns: z.array(turnSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
  page_key: z.string().nullish(),
});

export type ChatRequest = z.input<typeof chatRequestSchema>;
export type ListChatsParams = z.input<typeof listChatsParamsSchema>;
export type ListTurnsParams = z.input<typeof listTurnsParamsSchema>;
export type WireChat = z.infer<typeof chatSchema>;
export type WireTurn = z.infer<typeof turnSchema>;
export type WireChatFullResponse = z.infer<typeof chatFullResponseSchema>;
