import { z } from "zod";
import { chatIdSchema } from "@/lib/chat/ids";

/** `GET /api/agent/chats`: the guide's list filters (a regex and chat ids) and paging. */
export const listChatsQuerySchema = z.object({
  filter: z.string().trim().max(500).optional(),
  chat_ids: z
    .string()
    .max(100 * 110)
    .transform((v) => v.split(",").filter(Boolean))
    .pipe(z.array(chatIdSchema).max(100))
    .optional(),
  page_key: z.string().min(1).max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
