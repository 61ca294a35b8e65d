import type { UIMessage } from "ai";
import type { AppErrorPayload } from "@/lib/http/errors";

/**
 * The chat stream's protocol, typed once for both ends: the route handler writes
 * these parts and `useChat` reads them. Plain types only, so the browser bundle can
 * import this file.
 */

/** One source an answer may cite. `index` is the number the answer uses: `[index]`. */
export interface Citation {
  index: number;
  documentId: string;
  title: string;
  section?: string;
  /** The passage around the match; `match` is the part that matched the question. */
  snippet: { before: string; match: string; after: string };
  /** Where the matched part starts in the document (part metadata `offset`): the reader's anchor. */
  offset?: number;
  category?: string;
  /** ISO date (YYYY-MM-DD) the article was last updated. */
  updated?: string;
  /** Only http(s) URLs survive; anything else is dropped. */
  url?: string;
  score: number;
}

export type { FcsLevel } from "./score-levels";

// A type alias, not an interface: only aliases are assignable to the SDK's Record<string, unknown>.
export type ChatDataParts = {
  /** The sources the answer was generated from, numbered as the answer cites them. */
  citations: Citation[];
  /** The Vectara chat and turn this answer belongs to. */
  "chat-info": { chatId: string; turnId: string };
  /** Vectara's factual-consistency score, 0..1. */
  fcs: { score: number };
  /** The question as the engine rephrased it with the chat's history. */
  "turn-info": { rephrasedQuery?: string };
  /** Why this answer failed; the thread shows it with a retry. */
  error: AppErrorPayload;
};

export type TurnStatus = "complete" | "stopped" | "error";

export interface ChatMessageMetadata {
  turnId?: string;
  chatId?: string;
  status?: TurnStatus;
  /** False when a moderator disabled the turn: the thread shows a placeholder. */
  enabled?: boolean;
  feedback?: { rating: "up" | "down"; reason?: string; reported?: boolean } | null;
  createdAt?: string;
}

export type ChatMessage = UIMessage<ChatMessageMetadata, ChatDataParts>;

/** A conversation in the visitor's history. */
export interface ChatSummary {
  chatId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface ChatHistoryPage {
  chats: ChatSummary[];
  nextCursor: string | null;
}

/** The markers Parley asks Vectara to wrap the matched part of each snippet in. */
export const SNIPPET_START = "%START_SNIPPET%";
export const SNIPPET_END = "%END_SNIPPET%";
