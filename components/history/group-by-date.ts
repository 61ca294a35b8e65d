import type { ChatSummary } from "@/lib/chat/messages";

export interface DateGroup {
  label: string;
  chats: ChatSummary[];
}

/**
 * Today, Yesterday, Previous 7 days, Previous 30 days, then by month ("October 2026").
 * Days are local calendar days; `chats` arrive newest first and keep that order.
 */
export function groupChatsByDate(chats: ChatSummary[], now: Date = new Date()): DateGroup[] {
  // Calendar days, not 24-hour spans: a day with a daylight-saving change is 23 or 25 hours.
  const daysAgo = (n: number) =>
    new Date(now.getFullYear(), now.getMonth(), now.getDate() - n).getTime();
  const startOfToday = daysAgo(0);
  const month = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric" });
  const groups: DateGroup[] = [];
  for (const chat of chats) {
    const t = new Date(chat.updatedAt).getTime();
    const label =
      t >= startOfToday
        ? "Today"
        : t >= daysAgo(1)
          ? "Yesterday"
          : t >= daysAgo(7)
            ? "Previous 7 days"
            : t >= daysAgo(30)
              ? "Previous 30 days"
              : month.format(t);
    const last = groups.at(-1);
    if (last?.label === label) last.chats.push(chat);
    else groups.push({ label, chats: [chat] });
  }
  return groups;
}
