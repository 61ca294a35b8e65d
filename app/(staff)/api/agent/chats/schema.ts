import { z } from "zod";
import { chatIdSchema } from "@/lib/chat/ids";

/**
 * `GET /api/agent/chats`: the guide's list filters and paging. `q` is plain words (every
 * turn Parley stored), `filter` a regular expression (Vectara's chat list); one or the other.
 */
export const listChatsQuerySchema = z
  .object({
    q: z.string().trim().max(200, "at most 200 characters").optional(),
    filter: z.string().trim().max(500).optional(),
    chat_ids: z
      .string()
      .max(100 * 110)
      .transform((v) => v.split(",").filter(Boolean))
      .pipe(z.array(chatIdSchema).max(100))
      .optional(),
    page_key: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .refine((query) => !(query.q && query.filter), {
    path: ["q"],
    message: "search by words (q) or by a regular expression (filter), not both",
  });

export type ListChatsQuery = z.infer<typeof listChatsQuerySchema>;
