import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatUpdated,
  stripSnippetMarkers,
  truncateEnd,
  truncateStart,
} from "@/components/citations/format";
import { SNIPPET_END, SNIPPET_START } from "@/lib/chat/messages";

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");

describe("snippet truncation", () => {
  it("leaves short context untouched", () => {
    expect(truncateStart("short before ")).toBe("short before ");
    expect(truncateEnd(" short after")).toBe(" short after");
  });

  it("keeps the end of long text before the match, cut at a word", () => {
    const text = `${words(60)} `;
    const out = truncateStart(text, 40);
    expect(out.startsWith("…word")).toBe(true);
    expect(out.endsWith("word59 ")).toBe(true);
    expect(out.length).toBeLessThanOrEqual(41);
    expect(text).toContain(out.slice(1));
  });

  it("keeps the start of long text after the match, cut at a word", () => {
    const text = ` ${words(60)}`;
    const out = truncateEnd(text, 40);
    expect(out.startsWith(" word0 ")).toBe(true);
    expect(out.endsWith("…")).toBe(true);
    expect(out.length).toBeLessThanOrEqual(41);
    // Whole words only: the last kept word is a complete word of the input.
    const last = out.slice(0, -1).trim().split(" ").at(-1) ?? "";
    expect(text.split(" ")).toContain(last);
  });

  it("cuts inside a word only when there is no space to cut at", () => {
    expect(truncateEnd("x".repeat(300), 160)).toBe(`${"x".repeat(160)}…`);
  });

  it("removes stray snippet markers", () => {
    expect(stripSnippetMarkers(`a ${SNIPPET_START}b${SNIPPET_END} c`)).toBe("a b c");
  });
});

describe("dates", () => {
  it("formats an ISO date in en-GB, independent of the machine's zone", () => {
    expect(formatDate("2026-05-04")).toBe("4 May 2026");
    expect(formatDate("2025-12-31")).toBe("31 December 2025");
    expect(formatUpdated("2026-05-04")).toBe("Updated 4 May 2026");
  });

  it("rejects what is not a calendar date", () => {
    expect(formatDate("2026-02-30")).toBeNull();
    expect(formatDate("May 4")).toBeNull();
    expect(formatDate("2026-05-04T10:00:00Z")).toBeNull();
    expect(formatUpdated(undefined)).toBeNull();
  });
});
