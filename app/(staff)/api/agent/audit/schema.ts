import { z } from "zod";
import { chatIdSchema } from "@/lib/chat/ids";

export const auditQuerySchema = z.object({
  chat_id: chatIdSchema.optional(),
  actor: z.string().trim().max(254).optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
