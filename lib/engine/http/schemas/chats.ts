import { z } from "zod";
import { queryTextSchema, searchCorporaParametersSchema } from "./query";

/**
 * Request schemas of the chat endpoints (`ChatRequest`, `UpdateTurnRequest`, the
 * list query strings). Like the query schemas, objects are not strict and `null`
 * reads as absent; `generation` is validated by the generator that reads it.
 */
export const chatRequestSchema = z.object({
  query: queryTextSchema,
  search: searchCorporaParametersSchema,
  generation: z.looseObject({}).nullish(),
  chat: z.object({ store: z.boolean().nullish() }).nullish(),
  save_history: z.boolean().nullish(),
  intelligent_query_rewriting: z.boolean().nullish(),
  stream_response: z.boolean().nullish(),
});

export const updateTurnSchema = z.object({
  enabled: z.boolean({ error: "is required and must be a boolean" }),
});

const limitParam = z.coerce.number().int().min(1).max(100).default(10);

export const listChatsQuerySchema = z.object({
  limit: limitParam,
  page_key: z.string().optional(),
  filter: z.string().optional(),
  chat_ids: z.array(z.string().max(200)).max(100).optional(),
});

export const listTurnsQuerySchema = z.object({
  limit: limitParam,
  page_key: z.string().optional(),
});

export type ChatRequest = z.output<typeof chatRequestSchema>;
