import type { SearchMode } from "@/components/agent/types";

/**
 * Every TanStack Query key of the browser, in one factory so that a mutation knows what
 * to invalidate: the visitor's history (`chatKeys`), the staff console's lists
 * (`staffKeys`) and the admin's documents (`adminKeys`).
 */

export const chatKeys = {
  all: ["chats"] as const,
  history: () => [...chatKeys.all, "history"] as const,
  /** A chat's request for a person: its state, refetched on focus and while it is active. */
  handoff: (chatId: string) => [...chatKeys.all, "handoff", chatId] as const,
};

/** The console's lists; a staff mutation (review, note, disable) invalidates `staffKeys.all`. */
export const staffKeys = {
  all: ["staff"] as const,
  chats: (mode: SearchMode, text: string, chatIds: string) =>
    [...staffKeys.all, "chats", mode, text, chatIds] as const,
  triage: () => [...staffKeys.all, "triage"] as const,
  audit: (filters: Record<string, string>) => [...staffKeys.all, "audit", filters] as const,
};

/** The admin pages'; an upload, a deletion or a reset invalidates `adminKeys.documents()`. */
export const adminKeys = {
  all: ["admin"] as const,
  documents: () => [...adminKeys.all, "documents"] as const,
  /** Documents uploaded in this page's lifetime, newest first: set by the uploader, never fetched. */
  recentUploads: () => [...adminKeys.all, "recent-uploads"] as const,
  documentList: (filter: string, sort: string) =>
    [...adminKeys.documents(), { filter, sort }] as const,
};
