import { handoffRequestSchema } from "@/lib/chat/handoff-schema";

/** The body of `POST /api/chats/[chatId]/handoff`: shared with the browser's form. */
export const handoffBodySchema = handoffRequestSchema;

export type { HandoffRequest as HandoffBody } from "@/lib/chat/handoff-schema";
