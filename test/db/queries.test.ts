import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const q = await import("@/lib/db");
type SqlDriver = import("@/lib/db").SqlDriver;

describe.each(appDbs)("app queries ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
  });

  const chat = (chatId: string, ownerId: string, now: number) =>
    q.upsertChatByChatId({ db, chatId, ownerId, title: `Chat ${chatId}`, now });

  const turn = (turnId: string, chatId: string, createdAt: number) => ({
    turnId,
    chatId,
    query: `question ${turnId}`,
    answer: `answer ${turnId}`,
    citations: [{ index: 1, documentId: "doc" }],
    status: "complete" as const,
    createdAt,
  });

  describe("chats", () => {
    it("creates a chat, then only bumps its updated_at", async () => {
      expect(await chat("cht_1", "vis_a", 100)).toEqual({
        chatId: "cht_1",
        ownerId: "vis_a",
        title: "Chat cht_1",
        createdAt: 100,
        updatedAt: 100,
      });
      await q.upsertChatByChatId({ db, chatId: "cht_1", ownerId: "vis_a", title: "New", now: 200 });
      expect(await q.getChatByChatId({ db, chatId: "cht_1" })).toMatchObject({
        title: "Chat cht_1",
        createdAt: 100,
        updatedAt: 200,
      });
    });

    it("retitles only the owner's chat", async () => {
      await chat("cht_1", "vis_a", 100);
      await q.retitleChatByChatId({ db, chatId: "cht_1", ownerId: "vis_b", title: "Theirs" });
      await q.retitleChatByChatId({ db, chatId: "cht_1", ownerId: "vis_a", title: "Refunds" });
      expect(await q.getChatByChatId({ db, chatId: "cht_1" })).toMatchObject({ title: "Refunds" });
    });

    it("never hands a chat to another owner, nor lets them touch it", async () => {
      await chat("cht_1", "vis_a", 100);
      const seen = await chat("cht_1", "vis_b", 300);
      expect(seen).toMatchObject({ ownerId: "vis_a", updatedAt: 100 });
      expect(await q.getChatByChatId({ db, chatId: "cht_1" })).toMatchObject({ ownerId: "vis_a" });
    });

    it("returns undefined for an unknown chat", async () => {
      expect(await q.getChatByChatId({ db, chatId: "nope" })).toBeUndefined();
    });

    it("pages an owner's chats newest first, across equal updated_at, without gaps", async () => {
      for (const [id, at] of [
        ["cht_a", 10],
        ["cht_b", 20],
        ["cht_c", 20],
        ["cht_d", 20],
        ["cht_e", 30],
      ] as const) {
        await chat(id, "vis_a", at);
      }
      await chat("cht_other", "vis_b", 99);

      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof q.listChatsByOwnerId>> = await q.listChatsByOwnerId({
          db,
          ownerId: "vis_a",
          limit: 2,
          cursor,
        });
        ids.push(...page.chats.map((c) => c.chatId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(ids).toEqual(["cht_e", "cht_d", "cht_c", "cht_b", "cht_a"]);
      expect(pages).toBe(3);
    });

    it("gives no next cursor when the page holds the last chat", async () => {
      await chat("cht_a", "vis_a", 1);
      await chat("cht_b", "vis_a", 2);
      const page = await q.listChatsByOwnerId({ db, ownerId: "vis_a", limit: 2 });
      expect(page.chats).toHaveLength(2);
      expect(page.nextCursor).toBeNull();
    });

    it("rejects a malformed cursor with InvalidCursorError", async () => {
      for (const cursor of ["!!", "bm90IGpzb24", Buffer.from('{"a":1}').toString("base64url")]) {
        await expect(
          q.listChatsByOwnerId({ db, ownerId: "vis_a", limit: 5, cursor }),
        ).rejects.toThrow(q.InvalidCursorError);
      }
    });

    it("deletes a chat with its turns and feedback, leaving other chats alone", async () => {
      await chat("cht_1", "vis_a", 1);
      await chat("cht_2", "vis_a", 2);
      await q.saveTurnByTurnId({ db, turn: turn("trn_1", "cht_1", 1) });
      await q.saveTurnByTurnId({ db, turn: turn("trn_2", "cht_2", 2) });
      for (const [turnId, chatId] of [
        ["trn_1", "cht_1"],
        ["trn_2", "cht_2"],
      ] as const) {
        await q.setFeedbackByTurnId({ db, turnId, chatId, ownerId: "vis_a", rating: "up", now: 3 });
      }

      expect(await q.deleteChatByChatId({ db, chatId: "cht_1" })).toEqual({ deleted: true });
      expect(await q.getChatByChatId({ db, chatId: "cht_1" })).toBeUndefined();
      expect(await q.listTurnsByChatId({ db, chatId: "cht_1" })).toEqual([]);
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_1" })).toEqual([]);
      expect(await q.listTurnsByChatId({ db, chatId: "cht_2" })).toHaveLength(1);
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_2" })).toHaveLength(1);
      expect(await q.deleteChatByChatId({ db, chatId: "cht_1" })).toEqual({ deleted: false });
    });
  });

  describe("turns", () => {
    it("lists a chat's turns oldest first with their citations parsed", async () => {
      await chat("cht_1", "vis_a", 1);
      await q.saveTurnByTurnId({ db, turn: { ...turn("trn_2", "cht_1", 20), fcs: 0.75 } });
      await q.saveTurnByTurnId({
        db,
        turn: { ...turn("trn_1", "cht_1", 10), rephrasedQuery: "rephrased", status: "stopped" },
      });
      const turns = await q.listTurnsByChatId({ db, chatId: "cht_1" });
      expect(turns.map((t) => t.turnId)).toEqual(["trn_1", "trn_2"]);
      expect(turns[0]).toEqual({
        ...turn("trn_1", "cht_1", 10),
        rephrasedQuery: "rephrased",
        status: "stopped",
      });
      expect(turns[1]).toEqual({ ...turn("trn_2", "cht_1", 20), fcs: 0.75 });
      expect(turns[1]).not.toHaveProperty("rephrasedQuery");
    });

    it("replaces a saved turn's answer but keeps its chat and creation time", async () => {
      await chat("cht_1", "vis_a", 1);
      await chat("cht_2", "vis_b", 1);
      await q.saveTurnByTurnId({ db, turn: { ...turn("trn_1", "cht_1", 10), status: "error" } });
      await q.saveTurnByTurnId({
        db,
        turn: { ...turn("trn_1", "cht_1", 99), answer: "better", citations: [] },
      });
      await q.saveTurnByTurnId({ db, turn: { ...turn("trn_1", "cht_2", 5), answer: "hijack" } });
      expect(await q.listTurnsByChatId({ db, chatId: "cht_1" })).toEqual([
        { ...turn("trn_1", "cht_1", 10), answer: "better", citations: [] },
      ]);
      expect(await q.listTurnsByChatId({ db, chatId: "cht_2" })).toEqual([]);
    });

    it("keeps a score's full precision and today's epoch milliseconds", async () => {
      const now = 1_764_150_000_123;
      await chat("cht_1", "vis_a", now);
      await q.saveTurnByTurnId({
        db,
        turn: { ...turn("trn_1", "cht_1", now), fcs: 0.123456789012 },
      });
      const [saved] = await q.listTurnsByChatId({ db, chatId: "cht_1" });
      expect(saved).toMatchObject({ fcs: 0.123456789012, createdAt: now });
      expect(await q.getChatByChatId({ db, chatId: "cht_1" })).toMatchObject({ updatedAt: now });
    });

    it("cuts a stopped answer where the visitor stopped it, whether the stop or the record comes first", async () => {
      await chat("cht_1", "vis_a", 100);
      const full = {
        ...turn("trn_1", "cht_1", 110),
        answer: "Résumé: refunds take 30 days.",
        fcs: 0.9,
      };

      // The record first (the server had sent it all), then the visitor's stop.
      await q.saveTurnByTurnId({ db, turn: full });
      expect(
        await q.stopTurnByTurnId({ db, chatId: "cht_1", turnId: "trn_1", shownChars: 7 }),
      ).toBe(true);
      const [first] = await q.listTurnsByChatId({ db, chatId: "cht_1" });
      expect(first).toMatchObject({ answer: "Résumé:", status: "stopped" });
      expect(first?.fcs).toBeUndefined();

      // The stop first (on the pending turn), then the answer's record: still cut, still stopped.
      await q.saveTurnByTurnId({
        db,
        turn: { ...turn("trn_2", "cht_1", 120), answer: "", status: "stopped" },
      });
      await q.stopTurnByTurnId({ db, chatId: "cht_1", turnId: "trn_2", shownChars: 4 });
      await q.saveTurnByTurnId({ db, turn: { ...full, turnId: "trn_2", createdAt: 120 } });
      const [, second] = await q.listTurnsByChatId({ db, chatId: "cht_1" });
      expect(second).toMatchObject({ answer: "Résu", status: "stopped" });
      expect(second?.fcs).toBeUndefined();

      // Only a turn of that chat.
      expect(
        await q.stopTurnByTurnId({ db, chatId: "cht_x", turnId: "trn_1", shownChars: 1 }),
      ).toBe(false);
    });

    it("deletes one turn with its feedback and leaves the others", async () => {
      await chat("cht_1", "vis_a", 100);
      await q.saveTurnByTurnId({ db, turn: turn("trn_1", "cht_1", 110) });
      await q.saveTurnByTurnId({ db, turn: turn("trn_2", "cht_1", 120) });
      await q.setFeedbackByTurnId({
        db,
        turnId: "trn_2",
        chatId: "cht_1",
        ownerId: "vis_a",
        rating: "down",
        now: 130,
      });
      await q.deleteTurnByTurnId({ db, chatId: "cht_1", turnId: "trn_2" });
      expect((await q.listTurnsByChatId({ db, chatId: "cht_1" })).map((t) => t.turnId)).toEqual([
        "trn_1",
      ]);
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_1" })).toEqual([]);
    });

    it("refuses a turn for a chat that does not exist", async () => {
      await expect(q.saveTurnByTurnId({ db, turn: turn("trn_1", "cht_x", 1) })).rejects.toThrow(
        /foreign key/i,
      );
    });
  });

  describe("feedback", () => {
    it("sets, changes and clears a rating", async () => {
      await chat("cht_1", "vis_a", 1);
      const set = (rating: "up" | "down" | null, reason?: string) =>
        q.setFeedbackByTurnId({
          db,
          turnId: "trn_1",
          chatId: "cht_1",
          ownerId: "vis_a",
          rating,
          reason,
          now: 5,
        });
      await set("up");
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_1" })).toEqual([
        { turnId: "trn_1", rating: "up", reason: null, reported: false, updatedAt: 5 },
      ]);
      await set("down", "wrong plan");
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_1" })).toEqual([
        { turnId: "trn_1", rating: "down", reason: "wrong plan", reported: false, updatedAt: 5 },
      ]);
      await set(null);
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_1" })).toEqual([]);
    });

    it("does not let another visitor overwrite or clear the owner's rating", async () => {
      await chat("cht_1", "vis_a", 1);
      const base = { db, turnId: "trn_1", chatId: "cht_1", now: 5 };
      await q.setFeedbackByTurnId({ ...base, ownerId: "vis_a", rating: "up" });
      await q.setFeedbackByTurnId({ ...base, ownerId: "vis_b", rating: "down" });
      await q.setFeedbackByTurnId({ ...base, ownerId: "vis_b", rating: null });
      expect(await q.listFeedbackByChatId({ db, chatId: "cht_1" })).toMatchObject([
        { rating: "up" },
      ]);
    });
  });
});
