import { z } from "zod";
import { turnIdSchema } from "@/lib/chat/ids";

/**
 * The reconnect request's query: the answer the page was rendered waiting for, so that it
 * is replayed even when it ended in between. Without it, the chat's live answer.
 */
export const resumeQuerySchema = z.strictObject({ turn: turnIdSchema.optional() });

export type ResumeQuery = z.infer<typeof resumeQuerySchema>;
