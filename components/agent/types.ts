export type { ChatFlag, StaffChatRow } from "@/lib/chat/staff-types";

export const staffKeys = {
  all: ["staff"] as const,
  chats: (filter: string, chatIds: string) => [...staffKeys.all, "chats", filter, chatIds] as const,
  triage: () => [...staffKeys.all, "triage"] as const,
  audit: (filters: Record<string, string>) => [...staffKeys.all, "audit", filters] as const,
};
