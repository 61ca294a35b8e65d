import { AppError } from "@/lib/http/errors";
import type { ReviewStatus, TranscriptNote } from "./types";

/** The staff route handlers the transcript calls. Failures rebuild the server's AppError. */

const base = (chatId: string) => `/api/agent/chats/${encodeURIComponent(chatId)}`;

async function send(url: string, method: "POST" | "PUT", body: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw AppError.fromResponseText("");
  }
  if (!response.ok) throw AppError.fromResponseText(await response.text());
  return response;
}

export async function putReview(
  chatId: string,
  review: { status: ReviewStatus; assigneeId: string | null },
): Promise<void> {
  await send(`${base(chatId)}/review`, "PUT", review);
}

export async function postNote(chatId: string, body: string): Promise<TranscriptNote> {
  const response = await send(`${base(chatId)}/notes`, "POST", { body });
  return (await response.json()) as TranscriptNote;
}

export async function postDisableTurn(
  chatId: string,
  turnId: string,
  reason: string,
): Promise<{ disabled: string[] }> {
  const response = await send(
    `${base(chatId)}/turns/${encodeURIComponent(turnId)}/disable`,
    "POST",
    { reason },
  );
  return (await response.json()) as { disabled: string[] };
}

export function exportUrl(chatId: string, format: "json" | "md"): string {
  return `${base(chatId)}/export?format=${format}`;
}
