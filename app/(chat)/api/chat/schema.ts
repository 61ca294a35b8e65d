import { z } from "zod";
import { chatIdSchema, turnIdSchema } from "@/lib/chat/ids";

/**
 * What the browser's `useChat` transport sends: the Vectara chat to continue (null
 * for a new one) and the visitor's new message. Vectara keeps the history, so earlier
 * messages are never sent, and never trusted.
 */
export const postChatBodySchema = z
  .object({
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
    /**
     * "Regenerate": the chat's last answer, stopped or failed, that this question asks
     * again. It is taken back first, so the thread keeps only the new answer.
     */
    replaceTurnId: turnIdSchema.optional(),
  })
  .refine((body) => !body.replaceTurnId || body.chatId, {
    message: "an answer to regenerate is in a conversation: chatId is required",
    path: ["replaceTurnId"],
  });

export type PostChatBody = z.infer<typeof postChatBodySchema>;
