import { describe, expect, it } from "vitest";
import { groupChatsByDate } from "@/components/history/group-by-date";
import type { ChatSummary } from "@/lib/chat/messages";

// Local times, so the test holds in any time zone: the grouping uses local days.
const NOW = new Date(2026, 10, 26, 15, 30); // 26 November 2026, 15:30
const at = (month: number, day: number, hour = 12, minute = 0, ms = 0) =>
  new Date(2026, month, day, hour, minute, 0, ms).toISOString();

let n = 0;
const chat = (updatedAt: string, title = `chat ${++n}`): ChatSummary => ({
  chatId: `cht_${n}`,
  title,
  createdAt: updatedAt,
  updatedAt,
});

const labels = (chats: ChatSummary[]) =>
  groupChatsByDate(chats, NOW).map((g) => [g.label, g.chats.map((c) => c.title)]);

describe("groupChatsByDate", () => {
  it("groups newest-first chats under Today, Yesterday, Previous 7/30 days, then months", () => {
    const chats = [
      chat(at(10, 26, 15, 0), "this afternoon"),
      chat(at(10, 26, 0, 0), "just after midnight"),
      chat(at(10, 25, 23, 59), "last night"),
      chat(at(10, 25, 0, 0), "yesterday morning"),
      chat(at(10, 24, 12), "two days ago"),
      chat(at(10, 19, 0, 0), "seven days ago"),
      chat(at(10, 18, 23, 59), "just over a week ago"),
      chat(at(9, 27, 12), "thirty days ago"),
      chat(at(9, 26, 12), "thirty-one days ago"),
      chat(at(9, 1), "start of October"),
      chat(at(8, 30), "end of September"),
      chat(new Date(2025, 11, 31, 12).toISOString(), "last year"),
    ];
    expect(labels(chats)).toEqual([
      ["Today", ["this afternoon", "just after midnight"]],
      ["Yesterday", ["last night", "yesterday morning"]],
      ["Previous 7 days", ["two days ago", "seven days ago"]],
      ["Previous 30 days", ["just over a week ago", "thirty days ago"]],
      ["October 2026", ["thirty-one days ago", "start of October"]],
      ["September 2026", ["end of September"]],
      ["December 2025", ["last year"]],
    ]);
  });

  it("puts the last millisecond of yesterday under Yesterday, not Today", () => {
    expect(labels([chat(at(10, 25, 23, 59, 59_999))])[0]?.[0]).toBe("Yesterday");
  });

  it("keeps the given order within a group", () => {
    const chats = [chat(at(10, 26, 9), "b"), chat(at(10, 26, 14), "a"), chat(at(10, 26, 11), "c")];
    expect(labels(chats)).toEqual([["Today", ["b", "a", "c"]]]);
  });

  it("starts a new group when the order goes back to an earlier label", () => {
    const chats = [
      chat(at(10, 26), "today"),
      chat(at(10, 25), "yesterday"),
      chat(at(10, 26), "today again"),
    ];
    expect(labels(chats)).toEqual([
      ["Today", ["today"]],
      ["Yesterday", ["yesterday"]],
      ["Today", ["today again"]],
    ]);
  });

  it("returns no groups for no chats", () => {
    expect(groupChatsByDate([], NOW)).toEqual([]);
  });

  it("puts chats updated after now (clock skew) under Today", () => {
    expect(labels([chat(at(10, 27, 9), "tomorrow")])).toEqual([["Today", ["tomorrow"]]]);
  });
});

describe("groupChatsByDate across daylight-saving changes", () => {
  /** Runs `fn` with the process in a time zone that has daylight saving. */
  function inNewYork<T>(fn: () => T): T {
    const previous = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      return fn();
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  }

  it("the time zone switch takes effect (guards the tests below)", () => {
    inNewYork(() => {
      expect(new Date(2026, 6, 1).getTimezoneOffset()).toBe(240);
      expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(300);
    });
  });

  // Regression, fixed (components/history/group-by-date.ts, the `startOfToday - DAY` and
  // `- 7 * DAY` / `- 30 * DAY` bounds): days are taken as 24 h, so on the day after
  // clocks fall back (a 25 h day) the first hour of yesterday is "Previous 7 days".
  it("puts the first hour of a 25-hour yesterday under Yesterday", () => {
    inNewYork(() => {
      const now = new Date(2026, 10, 2, 10); // Mon 2 Nov; clocks fell back on Sun 1 Nov
      const groups = groupChatsByDate([chat(new Date(2026, 10, 1, 0, 30).toISOString())], now);
      expect(groups[0]?.label).toBe("Yesterday");
    });
  });

  // Same bug, other direction: after clocks spring forward (a 23 h day) the last
  // hour of the day before yesterday is labelled "Yesterday".
  it("does not put the day before a 23-hour yesterday under Yesterday", () => {
    inNewYork(() => {
      const now = new Date(2026, 2, 9, 10); // Mon 9 Mar; clocks sprang forward on Sun 8 Mar
      const groups = groupChatsByDate([chat(new Date(2026, 2, 7, 23, 30).toISOString())], now);
      expect(groups[0]?.label).toBe("Previous 7 days");
    });
  });
});
