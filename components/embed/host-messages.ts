import { z } from "zod";

/**
 * The postMessage protocol between the widget's frame (`/embed`) and the page that frames
 * it, where `public/widget.js` runs (docs/widget.md). Every message is an object with a
 * `parley` field naming it. This module is pure: what to accept, and what to send.
 */

/** Longest question a host page may ask (the chat route's own limit). */
export const MAX_HOST_QUESTION_CHARS = 4000;

/** Messages the frame takes from the host page. */
export const hostMessageSchema = z.discriminatedUnion("parley", [
  z.object({ parley: z.literal("hello") }),
  z.object({ parley: z.literal("focus") }),
  z.object({
    parley: z.literal("ask"),
    question: z.string().trim().min(1).max(MAX_HOST_QUESTION_CHARS),
  }),
]);

export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Messages the frame sends the host page. */
export type FrameMessage =
  | { parley: "ready"; storage: "cookie" | "memory" }
  | { parley: "close" }
  | {
      parley: "answer";
      chatId: string;
      turnId: string;
      status: "complete" | "stopped" | "failed";
      sources: number;
    };

/**
 * The host's message, when it is one to act on: it must come from the window that frames
 * this one, from an origin WIDGET_ALLOWED_ORIGINS lists, and have one of the shapes above.
 * Anything else (another frame, another site, a malformed message) is ignored.
 */
export function acceptHostMessage(
  event: { origin: string; source: unknown; data: unknown },
  { parent, allowedOrigins }: { parent: unknown; allowedOrigins: readonly string[] },
): HostMessage | undefined {
  if (event.source === null || event.source !== parent) return undefined;
  if (!allowedOrigins.includes(event.origin)) return undefined;
  const parsed = hostMessageSchema.safeParse(event.data);
  return parsed.success ? parsed.data : undefined;
}
