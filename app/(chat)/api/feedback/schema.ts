import { z } from "zod";
import { chatIdSchema, turnIdSchema } from "@/lib/chat/ids";

export const feedbackBodySchema = z.object({
  chatId: chatIdSchema,
  turnId: turnIdSchema,
  /** null takes the feedback back. */
  rating: z.enum(["up", "down"]).nullable(),
  reason: z.string().trim().max(500, "a reason is at most 500 characters").optional(),
  /** With a thumbs-down: the visitor asks the support team to look at the answer. */
  reported: z.boolean().optional(),
});

export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
