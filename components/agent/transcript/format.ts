import type { Transcript } from "@/lib/staff/review";

/**
 * Dates and durations for the transcript. Formatted in UTC, and labelled so, because
 * the page renders on the server and again in the browser: both must print the same.
 */
const dateTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

const timeOnly = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "UTC",
});

function toDate(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "26 Nov 2026, 10:04 UTC", or "—" when unknown. */
export function formatDateTime(value: string | number | null | undefined): string {
  const date = toDate(value);
  return date ? `${dateTime.format(date)} UTC` : "—";
}

/** "10:04:31", or "—" when unknown. */
export function formatTime(value: string | number | null | undefined): string {
  const date = toDate(value);
  return date ? timeOnly.format(date) : "—";
}

/** The ISO form for a <time dateTime>, or undefined when unknown. */
export function isoOf(value: string | number | null | undefined): string | undefined {
  return toDate(value)?.toISOString();
}

/** "1,234 ms", or "—" when unknown. */
export function formatMs(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? "—" : `${Math.round(ms).toLocaleString("en-GB")} ms`;
}

/**
 * What names a conversation for staff: its first question (a disabled one too: staff see
 * it), else the chat's first query as Vectara lists it. The page's heading and its tab.
 */
export function transcriptTitle({ chat, turns }: Pick<Transcript, "chat" | "turns">): string {
  return turns[0]?.query || chat.firstQuery || "Conversation";
}
