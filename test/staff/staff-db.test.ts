import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const q = await import("@/lib/db");
type SqlDriver = import("@/lib/db").SqlDriver;
type AuditEntry = import("@/lib/db").AuditEntry;

describe.each(appDbs)("staff data ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
  });

  const isCited = (a: string) => /\[\d+\]/.test(a);

  const entry = (over: Partial<AuditEntry> & { auditId: string }): AuditEntry => ({
    actorId: "usr_mod",
    actorEmail: "mod@example.com",
    action: "disable_turns",
    chatId: "cht_1",
    turnIds: ["trn_1"],
    reason: "off-topic",
    priorState: { enabled: { trn_1: true } },
    createdAt: 100,
    ...over,
  });

  async function allAudit(args: Omit<Parameters<typeof q.listAuditEntries>[0], "db" | "cursor">) {
    const pages: AuditEntry[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await q.listAuditEntries({ db, ...args, ...(cursor && { cursor }) });
      pages.push(page.entries);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return pages;
  }

  describe("chat reviews", () => {
    it("upserts a review and lists it with the assignee's email joined from users", async () => {
      const agent = await q.createUser({
        db,
        email: "Agent@Example.com",
        passwordHash: "x",
        role: "agent",
        now: 1,
      });
      await q.setChatReviewByChatId({
        db,
        chatId: "cht_a",
        status: "escalated",
        assigneeId: agent.userId,
        updatedBy: "lead@example.com",
        now: 10,
      });
      await q.setChatReviewByChatId({
        db,
        chatId: "cht_b",
        status: "open",
        assigneeId: null,
        updatedBy: "lead@example.com",
        now: 11,
      });
      let reviews = await q.listChatReviewsByChatIds({ db, chatIds: ["cht_a", "cht_b", "cht_c"] });
      expect([...reviews.keys()].sort()).toEqual(["cht_a", "cht_b"]);
      expect(reviews.get("cht_a")).toEqual({
        chatId: "cht_a",
        status: "escalated",
        assigneeId: agent.userId,
        assigneeEmail: "agent@example.com",
        updatedBy: "lead@example.com",
        updatedAt: 10,
      });
      expect(reviews.get("cht_b")).toMatchObject({ assigneeId: null, assigneeEmail: null });

      // The upsert replaces status, assignee, who and when.
      await q.setChatReviewByChatId({
        db,
        chatId: "cht_a",
        status: "reviewed",
        assigneeId: null,
        updatedBy: "other@example.com",
        now: 20,
      });
      reviews = await q.listChatReviewsByChatIds({ db, chatIds: ["cht_a"] });
      expect(reviews.get("cht_a")).toEqual({
        chatId: "cht_a",
        status: "reviewed",
        assigneeId: null,
        assigneeEmail: null,
        updatedBy: "other@example.com",
        updatedAt: 20,
      });
      const rows = await db.all("SELECT chat_id FROM chat_reviews");
      expect(rows).toHaveLength(2);
    });

    it("returns an empty map for no chat ids", async () => {
      expect((await q.listChatReviewsByChatIds({ db, chatIds: [] })).size).toBe(0);
    });
  });

  describe("notes", () => {
    it("lists a chat's notes oldest first, ties by note id, and only that chat's", async () => {
      const note = (noteId: string, chatId: string, createdAt: number) =>
        q.addNoteByChatId({
          db,
          note: {
            noteId,
            chatId,
            authorId: "usr_1",
            authorEmail: "a@example.com",
            body: `body ${noteId}`,
            createdAt,
          },
        });
      await note("note_c", "cht_1", 300);
      await note("note_b", "cht_1", 100);
      await note("note_a", "cht_1", 300);
      await note("note_x", "cht_2", 50);
      const notes = await q.listNotesByChatId({ db, chatId: "cht_1" });
      expect(notes.map((n) => n.noteId)).toEqual(["note_b", "note_a", "note_c"]);
      expect(notes[0]).toEqual({
        noteId: "note_b",
        chatId: "cht_1",
        authorId: "usr_1",
        authorEmail: "a@example.com",
        body: "body note_b",
        createdAt: 100,
      });
      expect(await q.listNotesByChatId({ db, chatId: "cht_none" })).toEqual([]);
    });
  });

  describe("audit log", () => {
    it("round-trips an entry's JSON columns", async () => {
      const e = entry({
        auditId: "aud_1",
        turnIds: ["trn_2", "trn_3"],
        priorState: { enabled: { trn_2: true, trn_3: false } },
      });
      await q.addAuditEntry({ db, entry: e });
      const { entries, nextCursor } = await q.listAuditEntries({ db, limit: 10 });
      expect(entries).toEqual([e]);
      expect(nextCursor).toBeNull();
    });

    it("pages newest first across entries with equal created_at, without gaps or repeats", async () => {
      const ids: string[] = [];
      for (const [i, at] of [100, 100, 100, 100, 100, 200, 200, 50].entries()) {
        const auditId = `aud_${String.fromCharCode(97 + i)}`;
        ids.push(auditId);
        await q.addAuditEntry({ db, entry: entry({ auditId, createdAt: at }) });
      }
      const pages = await allAudit({ limit: 2 });
      expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2]);
      const seen = pages.flat().map((e) => [e.createdAt, e.auditId]);
      expect(seen).toEqual([
        [200, "aud_g"],
        [200, "aud_f"],
        [100, "aud_e"],
        [100, "aud_d"],
        [100, "aud_c"],
        [100, "aud_b"],
        [100, "aud_a"],
        [50, "aud_h"],
      ]);
      // A page size that splits a run of equal timestamps mid-way.
      const threes = await allAudit({ limit: 3 });
      expect(threes.map((p) => p.length)).toEqual([3, 3, 2]);
      expect(threes.flat().map((e) => e.auditId)).toEqual(seen.map((s) => s[1]));
    });

    it("has no next cursor when the last page is exactly full", async () => {
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_1" }) });
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_2" }) });
      const page = await q.listAuditEntries({ db, limit: 2 });
      expect(page.entries).toHaveLength(2);
      expect(page.nextCursor).toBeNull();
    });

    it("filters by chat, by actor email (case-insensitive) and combines filters", async () => {
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_1", chatId: "cht_1" }) });
      await q.addAuditEntry({
        db,
        entry: entry({ auditId: "aud_2", chatId: "cht_2", actorEmail: "Boss@Example.com" }),
      });
      await q.addAuditEntry({
        db,
        entry: entry({ auditId: "aud_3", chatId: "cht_1", actorEmail: "boss@example.com" }),
      });
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_4", chatId: null }) });
      const ids = async (args: Parameters<typeof allAudit>[0]) =>
        (await allAudit(args))
          .flat()
          .map((e) => e.auditId)
          .sort();
      expect(await ids({ limit: 10, chatId: "cht_1" })).toEqual(["aud_1", "aud_3"]);
      expect(await ids({ limit: 10, actorEmail: "  BOSS@example.COM " })).toEqual([
        "aud_2",
        "aud_3",
      ]);
      expect(await ids({ limit: 10, actorEmail: "boss@example" })).toEqual([]);
      expect(await ids({ limit: 10, chatId: "cht_1", actorEmail: "boss@example.com" })).toEqual([
        "aud_3",
      ]);
      // Filters hold across pages too.
      expect(await ids({ limit: 1, chatId: "cht_1" })).toEqual(["aud_1", "aud_3"]);
    });

    it("matches reasonContains case-insensitively, with % and _ taken literally", async () => {
      const reasons = {
        aud_1: "100% spam",
        aud_2: "1000 spam",
        aud_3: "user_name leaked",
        aud_4: "username leaked",
        aud_5: "Back\\slash Abuse",
      };
      for (const [auditId, reason] of Object.entries(reasons)) {
        await q.addAuditEntry({ db, entry: entry({ auditId, reason }) });
      }
      const ids = async (reasonContains: string) =>
        (await q.listAuditEntries({ db, limit: 10, reasonContains })).entries
          .map((e) => e.auditId)
          .sort();
      expect(await ids("SPAM")).toEqual(["aud_1", "aud_2"]);
      expect(await ids("0%")).toEqual(["aud_1"]);
      expect(await ids("%")).toEqual(["aud_1"]);
      expect(await ids("r_n")).toEqual(["aud_3"]);
      expect(await ids("_")).toEqual(["aud_3"]);
      expect(await ids("k\\s")).toEqual(["aud_5"]);
      expect(await ids("abuse")).toEqual(["aud_5"]);
      expect(await ids("nothing like it")).toEqual([]);
    });

    it("rejects a cursor that is not one of its own", async () => {
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_1" }) });
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
      for (const cursor of ["garbage!!", b64({ before: 1 }), b64([1.5, "aud_1"]), b64([1, ""])]) {
        await expect(q.listAuditEntries({ db, limit: 10, cursor })).rejects.toBeInstanceOf(
          q.InvalidAuditCursorError,
        );
      }
      // A well-formed cursor is fine even if it points past everything.
      expect((await q.listAuditEntries({ db, limit: 10, cursor: b64([0, "a"]) })).entries).toEqual(
        [],
      );
    });
  });

  describe("turn timings", () => {
    it("round-trip firstTokenMs and totalMs through listTurnsByChatId, and omit them when unset", async () => {
      await q.upsertChatByChatId({ db, chatId: "cht_1", ownerId: "vis_1", title: "t", now: 1 });
      await q.saveTurnByTurnId({
        db,
        turn: {
          turnId: "trn_1",
          chatId: "cht_1",
          query: "q",
          answer: "a",
          citations: [],
          status: "complete",
          createdAt: 1,
          firstTokenMs: 120,
          totalMs: 950,
        },
      });
      await q.saveTurnByTurnId({
        db,
        turn: {
          turnId: "trn_2",
          chatId: "cht_1",
          query: "q2",
          answer: "a2",
          citations: [],
          status: "complete",
          createdAt: 2,
        },
      });
      const turns = await q.listTurnsByChatId({ db, chatId: "cht_1" });
      expect(turns[0]).toMatchObject({ turnId: "trn_1", firstTokenMs: 120, totalMs: 950 });
      expect(turns[1]).not.toHaveProperty("firstTokenMs");
      expect(turns[1]).not.toHaveProperty("totalMs");
    });
  });

  describe("listChatSignals", () => {
    async function seed() {
      const chat = (chatId: string, ownerId: string, now: number) =>
        q.upsertChatByChatId({ db, chatId, ownerId, title: `About ${chatId}`, now });
      const turn = (
        turnId: string,
        chatId: string,
        answer: string,
        fcs: number | undefined,
        createdAt: number,
      ) =>
        q.saveTurnByTurnId({
          db,
          turn: {
            turnId,
            chatId,
            query: `q ${turnId}`,
            answer,
            citations: [],
            ...(fcs !== undefined && { fcs }),
            status: "complete",
            createdAt,
            firstTokenMs: 10,
            totalMs: 20,
          },
        });
      await chat("cht_a", "vis_a", 100);
      await turn("trn_a1", "cht_a", "Refunds take 30 days [1].", 0.9, 100);
      await turn("trn_a2", "cht_a", "I don't know.", 0.25, 101);
      await turn("trn_a3", "cht_a", "Maybe.", undefined, 102);
      await turn("trn_a4", "cht_a", "See [2] and [3].", 0.6, 103);
      await q.setFeedbackByTurnId({
        db,
        turnId: "trn_a1",
        chatId: "cht_a",
        ownerId: "vis_a",
        rating: "up",
        now: 110,
      });
      await q.setFeedbackByTurnId({
        db,
        turnId: "trn_a2",
        chatId: "cht_a",
        ownerId: "vis_a",
        rating: "down",
        reason: "wrong",
        reported: true,
        now: 111,
      });
      await q.setFeedbackByTurnId({
        db,
        turnId: "trn_a3",
        chatId: "cht_a",
        ownerId: "vis_a",
        rating: "down",
        now: 112,
      });
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_1", chatId: "cht_a" }) });
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_2", chatId: "cht_a" }) });
      await q.addAuditEntry({ db, entry: entry({ auditId: "aud_3", chatId: "cht_b" }) });

      await chat("cht_b", "vis_b", 300);
      await turn("trn_b1", "cht_b", "All good [1].", 0.8, 300);
      await chat("cht_c", "vis_c", 200);
    }

    it("counts turns, lowest score, uncited answers, votes, reports and moderations per chat", async () => {
      await seed();
      const signals = await q.listChatSignals({
        db,
        chatIds: ["cht_a", "cht_b", "cht_x"],
        isCited,
      });
      expect([...signals.keys()].sort()).toEqual(["cht_a", "cht_b"]);
      expect(signals.get("cht_a")).toEqual({
        chatId: "cht_a",
        ownerId: "vis_a",
        title: "About cht_a",
        updatedAt: 100,
        // The last feedback (at 112) is newer than the last turn.
        lastActivityAt: 112,
        turns: 4,
        lowestFcs: 0.25,
        uncitedAnswers: 2,
        downvotes: 2,
        upvotes: 1,
        reported: 1,
        moderations: 2,
      });
      expect(signals.get("cht_b")).toEqual({
        chatId: "cht_b",
        ownerId: "vis_b",
        title: "About cht_b",
        updatedAt: 300,
        lastActivityAt: 300,
        turns: 1,
        lowestFcs: 0.8,
        uncitedAnswers: 0,
        downvotes: 0,
        upvotes: 0,
        reported: 0,
        moderations: 1,
      });
    });

    it("gives a chat without turns zeros and a null score", async () => {
      await seed();
      const signals = await q.listChatSignals({ db, chatIds: ["cht_c"], isCited });
      expect(signals.get("cht_c")).toMatchObject({
        turns: 0,
        lowestFcs: null,
        uncitedAnswers: 0,
        downvotes: 0,
        upvotes: 0,
        reported: 0,
        moderations: 0,
      });
    });

    it("without chatIds returns the `recent` most recently active chats", async () => {
      await seed();
      const all = await q.listChatSignals({ db, isCited });
      expect([...all.keys()].sort()).toEqual(["cht_a", "cht_b", "cht_c"]);
      const two = await q.listChatSignals({ db, recent: 2, isCited });
      expect([...two.keys()].sort()).toEqual(["cht_b", "cht_c"]);
      const one = await q.listChatSignals({ db, recent: 1, isCited });
      expect([...one.keys()]).toEqual(["cht_b"]);
      expect(one.get("cht_b")?.turns).toBe(1);
    });

    it("returns an empty map for an empty chatIds list (not the recent chats)", async () => {
      await seed();
      expect((await q.listChatSignals({ db, chatIds: [], isCited })).size).toBe(0);
    });

    it("uses the given isCited rule", async () => {
      await seed();
      const signals = await q.listChatSignals({ db, chatIds: ["cht_a"], isCited: () => false });
      expect(signals.get("cht_a")?.uncitedAnswers).toBe(4);
    });
  });
});
