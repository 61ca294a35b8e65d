import { describe, expect, it } from "vitest";
import { isFollowUp, rephraseFollowUp } from "@/lib/engine/core/history";
import { KeyedMutex } from "@/lib/engine/core/mutex";

const turn = (query: string, answer = "Some answer text.") => ({ query, answer });

describe("rephraseFollowUp", () => {
  it("returns the first message of a chat unchanged", () => {
    expect(rephraseFollowUp("How do I reset my password?", [])).toBe("How do I reset my password?");
  });

  it("adds the previous turn's content words to a pronoun-only follow-up", () => {
    const history = [turn("How do I reset my password?")];
    const out = rephraseFollowUp("How do I undo that?", history);
    expect(out.startsWith("How do I undo that?")).toBe(true);
    expect(out).toContain("reset");
    expect(out).toContain("password");
  });

  it("resolves an ellipsis with no topic words of its own", () => {
    const out = rephraseFollowUp("Can you give me an example?", [
      turn("configure webhook retries"),
    ]);
    expect(out).toContain("webhook");
    expect(out).toContain("retries");
  });

  it("walks back past earlier follow-ups to the turn that set the topic", () => {
    const history = [turn("export invoices as CSV"), turn("and for last year?")];
    const out = rephraseFollowUp("Can you show me an example?", history);
    expect(out).toContain("invoices");
    expect(out).toContain("csv");
    expect(out).toContain("year");
  });

  it("stops at the newest self-contained turn, so older topics do not leak in", () => {
    const history = [turn("espresso machine cleaning"), turn("reset my password settings")];
    const out = rephraseFollowUp("How long does it take?", history);
    expect(out).toContain("password");
    expect(out).not.toContain("espresso");
  });

  it("leaves a self-contained question on a new topic alone", () => {
    const history = [turn("How do I reset my password?")];
    const q = "How do I download past invoices from billing?";
    expect(isFollowUp(q, history)).toBe(false);
    expect(rephraseFollowUp(q, history)).toBe(q);
  });

  it("adds only plain words, never query syntax from history", () => {
    const out = rephraseFollowUp("and that?", [turn('"sign out" -mobile prefix*')]);
    expect(out).toBe("and that? sign out mobile prefix");
  });

  it("does not repeat words the follow-up already has", () => {
    const out = rephraseFollowUp("what about the password for it?", [turn("reset password")]);
    expect(out.match(/password/g)).toHaveLength(1);
    expect(out).toContain("reset");
  });
});

describe("KeyedMutex", () => {
  it("runs tasks with one key one at a time, in arrival order", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string, ms: number) =>
      mutex.run("k", async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
      });
    await Promise.all([task("a", 20), task("b", 1), task("c", 5)]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("keeps going after a task fails, and never blocks other keys", async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run("k", async () => {
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    let slowDone = false;
    const slow = mutex.run("k", async () => {
      await new Promise((r) => setTimeout(r, 30));
      slowDone = true;
    });
    await mutex.run("other", async () => {
      expect(slowDone).toBe(false);
    });
    await slow;
    expect(slowDone).toBe(true);
  });
});
