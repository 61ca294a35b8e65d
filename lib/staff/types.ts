import type { ReviewStatus } from "@/lib/db";

/** What the staff list routes return: plain types, for server and browser alike. */
export type ChatFlag = "thumbs_down" | "reported" | "low_score" | "uncited" | "moderated";

export interface StaffChatRow {
  chatId: string;
  firstQuery: string;
  firstAnswer: string;
  createdAt: string | null;
  /** Turns Parley stored; null for chats started outside Parley. */
  turns: number | null;
  /** The visitor who owns it; null for chats started outside Parley. */
  ownerId: string | null;
  lowestFcs: number | null;
  feedback: { up: number; down: number; reported: number };
  flags: ChatFlag[];
  review: { status: ReviewStatus; assigneeEmail: string | null };
  /** How much the chat needs a look; the triage queue's order. */
  need: number;
  /** In a plain-words search: the turn that matches best, with the words marked. */
  match?: StaffSearchSnippet;
}

/** A stretch of a turn's question or answer; `hit` parts are searched words. */
export interface StaffSearchSnippet {
  /** 1-based turn number. */
  turn: number;
  side: "question" | "answer";
  parts: { text: string; hit: boolean }[];
}
