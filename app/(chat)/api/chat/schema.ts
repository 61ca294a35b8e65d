import { z } from "zod";
import { chatIdSchema } from "@/lib/chat/ids";

/**
 * What the browser's `useChat` transport sends: the Vectara chat to continue (null
 * for a new one) and the visitor's new message. Vectara keeps the history, so earlier
 * messages are never sent, and never trusted.
 */
export const postChatBodySchema = z.object({
  chatId: chatIdSchema.nullable(),
  message: z.object({
    id: z.string().min(1).max(200),
    role: z.literal("user"),
    parts: z
      .array(
        z.object({
          type: z.literal("text"),
          text: z
            .string()
            .trim()
            .min(1, "a question cannot be empty")
            .max(4000, "a question is at most 4000 characters"),
        }),
      )
      .length(1, "a message has exactly one text part"),
  }),
});

export type PostChatBody = z.infer<typeof postChatBodySchema>;
