import type { ReviewStatus } from "@/lib/db";

/** What the staff list routes return: plain types, for server and browser alike. */
export type ChatFlag =
  | "handoff"
  | "thumbs_down"
  | "reported"
  | "low_score"
  | "uncited"
  | "moderated";

/** A visitor's request to reach a person, as staff see it: the contact is staff-only. */
export interface StaffHandoff {
  state: "open" | "contacted" | "closed";
  email: string;
  message: string;
  requestedAt: string;
  updatedAt: string;
  /** The staff member who last set the state; null while it is as the visitor left it. */
  updatedBy: string | null;
}

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
  /** The visitor's request for a person, if any (staff-only: it holds their email). */
  handoff: StaffHandoff | null;
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
