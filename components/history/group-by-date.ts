import type { ChatSummary } from "@/lib/chat/messages";

export interface DateGroup {
  label: string;
  chats: ChatSummary[];
}

const DAY = 86_400_000;

/**
 * Today, Yesterday, Previous 7 days, Previous 30 days, then by month ("October 2026").
 * Days are local calendar days; `chats` arrive newest first and keep that order.
 */
export function groupChatsByDate(chats: ChatSummary[], now: Date = new Date()): DateGroup[] {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const month = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric" });
  const groups: DateGroup[] = [];
  for (const chat of chats) {
    const t = new Date(chat.updatedAt).getTime();
    const label =
      t >= startOfToday
        ? "Today"
        : t >= startOfToday - DAY
          ? "Yesterday"
          : t >= startOfToday - 7 * DAY
            ? "Previous 7 days"
            : t >= startOfToday - 30 * DAY
              ? "Previous 30 days"
              : month.format(t);
    const last = groups.at(-1);
    if (last?.label === label) last.chats.push(chat);
    else groups.push({ label, chats: [chat] });
  }
  return groups;
}
