import { describe, expect, it } from "vitest";
import { namesTheConversation, nextTitle, toTitle } from "@/lib/chat/title";

describe("conversation titles", () => {
  it("does not let small talk name a conversation", () => {
    for (const m of ["hi", "Hello!", "hey there", "hi, good morning", "thanks a lot", "bye"]) {
      expect(namesTheConversation(m), m).toBe(false);
    }
    for (const m of ["hi, how do I reset my password?", "refunds", "can I talk to a person?"]) {
      expect(namesTheConversation(m), m).toBe(true);
    }
  });

  it("moves the title from small talk to the first real question, and only then", () => {
    expect(nextTitle("hi", "hello")).toBe("hi");
    expect(nextTitle("hi", "Where is my  invoice?")).toBe("Where is my invoice?");
    expect(nextTitle("Where is my invoice?", "And refunds?")).toBe("Where is my invoice?");
    expect(nextTitle("Where is my invoice?", "thanks")).toBe("Where is my invoice?");
  });

  it("keeps a title to one line of at most 120 characters", () => {
    const title = toTitle(`${"word ".repeat(40)}\nend`);
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith("…")).toBe(true);
    expect(title).not.toContain("\n");
  });
});
