/** What the staff list routes return (lib/chat/review.ts StaffChatRow), for client components. */
export type ChatFlag = "thumbs_down" | "reported" | "low_score" | "uncited" | "moderated";

export interface StaffChatRow {
  chatId: string;
  firstQuery: string;
  firstAnswer: string;
  createdAt: string | null;
  turns: number | null;
  ownerId: string | null;
  lowestFcs: number | null;
  feedback: { up: number; down: number; reported: number };
  flags: ChatFlag[];
  review: { status: "open" | "reviewed" | "escalated"; assigneeEmail: string | null };
  need: number;
}

export const staffKeys = {
  all: ["staff"] as const,
  chats: (filter: string, chatIds: string) => [...staffKeys.all, "chats", filter, chatIds] as const,
  triage: () => [...staffKeys.all, "triage"] as const,
  audit: (filters: Record<string, string>) => [...staffKeys.all, "audit", filters] as const,
};
