import { ensureOk, getJson, readJson } from "@/components/api-response";
import type { HandoffRequest, HandoffStatusBody } from "@/lib/chat/handoff-schema";
import type { ChatHistoryPage } from "@/lib/chat/messages";
import { AppError } from "@/lib/http/errors";
import type { FeedbackValue } from "./feedback-controls";
import { visitorFetch } from "./visitor-fetch";

/**
 * Every request the visitor's pages make besides the chat stream itself (which the AI
 * SDK's transport sends): history, deleting a chat, feedback, a stop's report and the
 * request for a person (handoff).
 * Failures rebuild the server's AppError (`components/api-response.ts`). Each goes through
 * `visitorFetch`, which carries the widget frame's visitor where no cookie can.
 */

export function fetchHistory(cursor: string | null): Promise<ChatHistoryPage> {
  return getJson(
    cursor ? `/api/history?cursor=${encodeURIComponent(cursor)}` : "/api/history",
    visitorFetch,
  );
}

export async function deleteChat(chatId: string): Promise<void> {
  // Already gone is done.
  await ensureOk(
    await visitorFetch(`/api/chats/${encodeURIComponent(chatId)}`, { method: "DELETE" }),
    [404],
  );
}

/** Sets (or, with `null`, clears) the visitor's rating of one answer. */
export async function postFeedback(
  chatId: string,
  turnId: string,
  value: FeedbackValue | null,
): Promise<void> {
  await ensureOk(
    await visitorFetch("/api/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        chatId,
        turnId,
        rating: value?.rating ?? null,
        ...(value?.reason && { reason: value.reason }),
        ...(value?.reported && { reported: true }),
      }),
    }),
  );
}

/**
 * Tells the server how many characters of a stopped answer the visitor saw. Best effort,
 * and sent with `keepalive` so that it survives the page closing; a failure is ignored.
 */
export function postStop(chatId: string, turnId: string, shownChars: number): void {
  void visitorFetch(
    `/api/chats/${encodeURIComponent(chatId)}/turns/${encodeURIComponent(turnId)}/stop`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ shownChars }),
      keepalive: true,
    },
  ).catch(() => {
    // Offline: the server's own record of the stop stands.
  });
}

const handoffUrl = (chatId: string) => `/api/chats/${encodeURIComponent(chatId)}/handoff`;

/** The state of the chat's request for a person (never the email), or null. */
export function fetchHandoff(chatId: string): Promise<HandoffStatusBody> {
  return getJson(handoffUrl(chatId), visitorFetch);
}

/** Asks for a person in the chat; the answer is the request's state. */
export async function postHandoff(
  chatId: string,
  request: HandoffRequest,
): Promise<HandoffStatusBody> {
  let response: Response;
  try {
    response = await visitorFetch(handoffUrl(chatId), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
  } catch {
    throw AppError.fromResponseText("");
  }
  return readJson(await ensureOk(response));
}
