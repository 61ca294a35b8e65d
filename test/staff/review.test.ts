import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { UIMessageStreamWriter } from "ai";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/lib/chat/messages";
import { saveTurnByChatId } from "@/lib/engine/store/chats";
import type { VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { seedSmallKb } from "../support/small-kb";

vi.mock("server-only", () => ({}));

// getAppDb() reads DATA_DIR on first use: set it before anything imports lib/db.
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-staff-review-"));
vi.stubEnv("DATA_DIR", dataDir);
vi.stubEnv("DATABASE_URL", "");

const review = await import("@/lib/staff/review");
const { recordAnswer, setTurnFeedback } = await import("@/lib/chat/conversations");
const { openAnswerStream, writeAnswer } = await import("@/lib/chat/answer");
const db = await import("@/lib/db");
const { AppError } = await import("@/lib/http/errors");
type ChatSignals = import("@/lib/db").ChatSignals;
type ChatReview = import("@/lib/db").ChatReview;
type Transcript = import("@/lib/staff/review").Transcript;

afterAll(async () => {
  await (await db.getAppDb()).close();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  // One app DB per file (getAppDb is process-wide): start every test from empty tables.
  const app = await db.getAppDb();
  for (const table of ["feedback", "turns", "chats", "chat_reviews", "notes", "audit_log"]) {
    await app.run(`DELETE FROM ${table}`);
  }
  await app.run("DELETE FROM users");
});

const actor = { userId: "usr_mod", email: "mod@example.com", role: "moderator" as const };

type Chunk = Parameters<UIMessageStreamWriter<ChatMessage>["write"]>[0];

function fakeWriter() {
  const chunks: Chunk[] = [];
  const writer = {
    write(chunk: Chunk) {
      chunks.push(chunk);
    },
    merge() {},
    onError: undefined,
  } as unknown as UIMessageStreamWriter<ChatMessage>;
  return { chunks, writer };
}

const REFUND = "How long do I have to get a refund on a yearly plan?";
const INVITE = "How do I invite a teammate to members?";
const PASSWORD = "How do I reset my password?";
const OFF_TOPIC = "What is the airspeed of an unladen swallow?";

async function kb() {
  const fx = makeEngine();
  const { client } = fx;
  await seedSmallKb(client);
  await client.documents.create("support_kb", {
    type: "structured",
    id: "security/passwords.md",
    title: "Passwords",
    metadata: { category: "security" },
    sections: [
      {
        title: "Reset",
        text: "Reset your password from the sign-in page with the Forgot password link.",
      },
    ],
  });
  return fx;
}

/**
 * Asks through the real answer pipeline; records the answer in the app DB as
 * `visitorId` (null: a chat started outside Parley, nothing recorded).
 */
async function ask(
  client: VectaraClient,
  query: string,
  {
    chatId,
    visitorId = "vis_1",
    now,
  }: { chatId?: string; visitorId?: string | null; now?: number } = {},
) {
  const { chunks, writer } = fakeWriter();
  const record = await writeAnswer({
    events: await openAnswerStream({
      client,
      chatId,
      query,
      corpusKey: "support_kb",
      signal: new AbortController().signal,
    }),
    writer,
  });
  expect(record.status).toBe("complete");
  if (visitorId) await recordAnswer({ visitorId, query, record, now });
  return { ...record, chatId: record.chatId as string, turnId: record.turnId as string, chunks };
}

/** A chat of the given questions, in order. */
async function conversation(
  client: VectaraClient,
  queries: string[],
  options: { visitorId?: string | null; now?: number } = {},
) {
  const first = await ask(client, queries[0] as string, options);
  const turns = [first];
  for (const q of queries.slice(1)) {
    turns.push(await ask(client, q, { ...options, chatId: first.chatId }));
  }
  return { chatId: first.chatId, turnIds: turns.map((t) => t.turnId), turns };
}

describe("checkChatFilter", () => {
  it("accepts a valid regular expression", () => {
    expect(review.checkChatFilter("refund|invite")).toBeUndefined();
    expect(review.checkChatFilter("^How (do|long)")).toBeUndefined();
  });

  it("refuses an invalid one with a field error", () => {
    const error = review.checkChatFilter("(");
    expect(error).toBeInstanceOf(AppError);
    expect(error?.code).toBe("bad_request:staff");
    expect(error?.fieldErrors).toEqual({ "query.filter": expect.any(String) });
  });

  it("explains an invalid pattern in words, not in RE2's own message", () => {
    const error = review.checkChatFilter("password (reset");
    expect(error?.message).toMatch(/^The pattern has an unclosed parenthesis “\(” at position 10/);
    expect(error?.message).not.toMatch(/error parsing regexp|missing closing/);
    expect(error?.fieldErrors?.["query.filter"]).toBe(error?.message);
  });

  it("refuses a filter longer than 500 characters", () => {
    expect(review.checkChatFilter("a".repeat(500))).toBeUndefined();
    const error = review.checkChatFilter("a".repeat(501));
    expect(error?.code).toBe("bad_request:staff");
    expect(error?.fieldErrors).toHaveProperty("query.filter");
  });

  it("refuses, with its position, a pattern too costly for RE2 to run, as the engine would", () => {
    const error = review.checkChatFilter(".{0,999}z");
    expect(error?.code).toBe("bad_request:staff");
    expect(error?.message).toMatch(/\{0,999\} at position 2/);
    expect(error?.fieldErrors).toEqual({ "query.filter": expect.stringMatching(/position 2/) });
    expect(review.checkChatFilter("(a{50}){20}")?.fieldErrors?.["query.filter"]).toMatch(
      /\{20\} at position 8/,
    );
    expect(review.checkChatFilter(".{0,100}z")).toBeUndefined();
  });

  it("accepts a catastrophic-backtracking pattern, which the engine then runs in linear time", async () => {
    const pattern = "(a+)+$";
    expect(review.checkChatFilter(pattern)).toBeUndefined();
    const { client } = await kb();
    // A first query that would make a backtracking engine explode: many a's, then no end match.
    const evil = `${"a".repeat(64)}!`;
    const { chatId } = await ask(client, evil);
    await ask(client, REFUND);
    const { rows } = await review.listStaffConversations({ client, filter: pattern });
    expect(rows).toEqual([]);
    // The same chat is found with a pattern that does match it.
    const found = await review.listStaffConversations({ client, filter: "(a+)+!$" });
    expect(found.rows.map((r) => r.chatId)).toEqual([chatId]);
  });
});

describe("needOf", () => {
  const sig = (over: Partial<ChatSignals> = {}): ChatSignals => ({
    chatId: "cht_1",
    ownerId: "vis_1",
    title: "t",
    updatedAt: 1_000,
    lastActivityAt: over.updatedAt ?? 1_000,
    turns: 1,
    lowestFcs: 0.95,
    uncitedAnswers: 0,
    downvotes: 0,
    upvotes: 0,
    reported: 0,
    moderations: 0,
    ...over,
  });
  const rev = (status: ChatReview["status"], updatedAt: number): ChatReview => ({
    chatId: "cht_1",
    status,
    assigneeId: null,
    assigneeEmail: null,
    updatedBy: "mod@example.com",
    updatedAt,
  });

  it("ranks a report above a thumbs-down above a low score, and a quiet chat at 0", () => {
    // A report always comes with a thumbs-down (setTurnFeedback).
    const reported = review.needOf(sig({ reported: 1, downvotes: 1 }));
    const down = review.needOf(sig({ downvotes: 1 }));
    const low = review.needOf(sig({ lowestFcs: 0.2 }));
    const uncited = review.needOf(sig({ uncitedAnswers: 1 }));
    expect(reported).toBeGreaterThan(down);
    expect(reported).toBeGreaterThan(low);
    expect(low).toBeGreaterThan(uncited);
    expect(uncited).toBeGreaterThan(0);
    expect(review.needOf(sig())).toBe(0);
    expect(review.needOf(sig({ upvotes: 3 }))).toBe(0);
    // A medium score counts a little; an earlier moderation too.
    expect(review.needOf(sig({ lowestFcs: 0.5 }))).toBeGreaterThan(0);
    expect(review.needOf(sig({ moderations: 2 }))).toBeGreaterThan(0);
  });

  // needOf's doc comment orders the weights "a report ..., then thumbs-down, a low
  // score, answers that cite nothing", but lib/staff/review.ts needOf gives a downvote
  // 3 and a low score (< FCS_MEDIUM) also 3: a thumbs-down on a well-grounded answer
  // ties with an unrated low-score chat (order then falls to updatedAt).
  it("ranks a thumbs-down strictly above a low score alone", () => {
    const down = review.needOf(sig({ downvotes: 1 }));
    const low = review.needOf(sig({ lowestFcs: 0.2 }));
    expect(down).toBeGreaterThan(low);
  });

  it("weighs a score by the server's thresholds (FCS_LOW_THRESHOLD, FCS_HIGH_THRESHOLD)", () => {
    const strict = { low: 0.8, high: 0.95 };
    // 0.75 is high by default (no need) but low under stricter thresholds.
    expect(review.needOf(sig({ lowestFcs: 0.75 }))).toBe(0);
    expect(review.needOf(sig({ lowestFcs: 0.75 }), undefined, strict)).toBe(
      review.needOf(sig({ lowestFcs: 0.2 })),
    );
    expect(review.needOf(sig({ lowestFcs: 0.9 }), undefined, strict)).toBe(
      review.needOf(sig({ lowestFcs: 0.5 })),
    );
  });

  it("is 0 for a chat reviewed with no activity since, even with reports", () => {
    const s = sig({ reported: 2, downvotes: 2, lowestFcs: 0.1, uncitedAnswers: 3 });
    expect(review.needOf(s, rev("reviewed", 1_000))).toBe(0);
    expect(review.needOf(s, rev("reviewed", 2_000))).toBe(0);
  });

  it("comes back when the chat was active after its review", () => {
    const s = sig({ reported: 1, downvotes: 1 });
    expect(review.needOf(s, rev("reviewed", 999))).toBe(review.needOf(s));
    expect(review.needOf(s, rev("reviewed", 999))).toBeGreaterThan(0);
  });

  it("adds weight for an escalated chat, even one with no signals", () => {
    const s = sig({ downvotes: 1 });
    expect(review.needOf(s, rev("escalated", 5_000))).toBe(review.needOf(s) + 100);
    expect(review.needOf(sig(), rev("escalated", 5_000))).toBeGreaterThan(0);
    expect(review.needOf(s, rev("open", 5_000))).toBe(review.needOf(s));
  });
});

describe("listStaffConversations", () => {
  it("annotates Parley's chats and leaves outside chats unannotated", async () => {
    const { client } = await kb();
    const app = await db.getAppDb();
    const a = await conversation(client, [REFUND, OFF_TOPIC], { visitorId: "vis_a" });
    await setTurnFeedback({
      visitorId: "vis_a",
      chatId: a.chatId,
      turnId: a.turnIds[1] as string,
      rating: "down",
      reason: "no answer",
      reported: true,
    });
    const agent = await db.createUser({
      db: app,
      email: "agent@example.com",
      passwordHash: "x",
      role: "agent",
      now: 1,
    });
    await review.setReview({
      client,
      actor,
      chatId: a.chatId,
      status: "escalated",
      assigneeId: agent.userId,
    });
    const outside = await ask(client, INVITE, { visitorId: null });

    const { rows, nextPageKey } = await review.listStaffConversations({ client });
    expect(nextPageKey).toBeNull();
    expect(rows.map((r) => r.chatId)).toEqual([outside.chatId, a.chatId]);
    const [rowOutside, rowA] = rows;
    expect(rowA).toMatchObject({
      chatId: a.chatId,
      firstQuery: REFUND,
      firstAnswer: a.turns[0]?.answer,
      ownerId: "vis_a",
      turns: 2,
      lowestFcs: a.turns[0]?.fcs,
      feedback: { up: 0, down: 1, reported: 1 },
      review: { status: "escalated", assigneeEmail: "agent@example.com" },
    });
    expect(rowA?.flags.sort()).toEqual(["reported", "thumbs_down", "uncited"]);
    expect(rowA?.need).toBeGreaterThan(10);
    expect(rowA?.createdAt).toEqual(expect.any(String));
    expect(rowOutside).toMatchObject({
      chatId: outside.chatId,
      firstQuery: INVITE,
      ownerId: null,
      turns: null,
      lowestFcs: null,
      feedback: { up: 0, down: 0, reported: 0 },
      flags: [],
      review: { status: "open", assigneeEmail: null },
      need: 0,
    });
  });

  it("filters by chat ids and by a regular expression", async () => {
    const { client } = await kb();
    const a = await ask(client, REFUND);
    const b = await ask(client, INVITE);
    await ask(client, PASSWORD);
    const byId = await review.listStaffConversations({ client, chatIds: [a.chatId, b.chatId] });
    expect(byId.rows.map((r) => r.chatId)).toEqual([b.chatId, a.chatId]);
    const byFilter = await review.listStaffConversations({ client, filter: "(?i)teammate" });
    expect(byFilter.rows.map((r) => r.chatId)).toEqual([b.chatId]);
  });

  it("goes on past short and empty pages when the engine bounds a filtered scan", async () => {
    const { engine, client } = makeEngine();
    const filler = (n: number) => `question ${n} `.padEnd(2500, "lorem ipsum dolor sit amet ");
    for (let n = 0; n < 30; n++) {
      const query = n < 3 ? `needle ${filler(n)}` : filler(n);
      saveTurnByChatId({
        db: engine.db,
        newChat: true,
        turn: {
          chatId: `cht_${n}`,
          turnId: `trn_${n}`,
          query,
          answer: filler(n),
          rephrasedQuery: query,
          corpusKeys: [],
        },
      });
    }
    // A large but cheap program: the engine scans only about ten of these chats a request.
    const filter = `needle|${"zq".repeat(240)}`;
    expect(review.checkChatFilter(filter)).toBeUndefined();
    const first = await review.listStaffConversations({ client, filter });
    expect(first.rows).toEqual([]);
    expect(first.nextPageKey).toEqual(expect.any(String));
    const found: string[] = [];
    let pageKey = first.nextPageKey;
    for (let requests = 0; pageKey && requests < 30; requests++) {
      const page = await review.listStaffConversations({ client, filter, pageKey });
      found.push(...page.rows.map((r) => r.chatId));
      pageKey = page.nextPageKey;
    }
    expect(pageKey).toBeNull();
    expect(found).toEqual(["cht_2", "cht_1", "cht_0"]);
  });

  it("pages with limit and nextPageKey", async () => {
    const { client } = await kb();
    const a = await ask(client, REFUND);
    const b = await ask(client, INVITE, { visitorId: null });
    const first = await review.listStaffConversations({ client, limit: 1 });
    expect(first.rows.map((r) => r.chatId)).toEqual([b.chatId]);
    expect(first.nextPageKey).toEqual(expect.any(String));
    const second = await review.listStaffConversations({
      client,
      limit: 1,
      pageKey: first.nextPageKey as string,
    });
    expect(second.rows.map((r) => r.chatId)).toEqual([a.chatId]);
    expect(second.rows[0]?.ownerId).toBe("vis_1");
    expect(second.nextPageKey).toBeNull();
  });
});

describe("searchStaffConversations", () => {
  it("finds all the words in any turn of Parley's chats, newest first, with the turn that matches", async () => {
    const { client } = await kb();
    const words = (text: string) => {
      const checked = review.checkSearchWords(text);
      if ("error" in checked) throw checked.error;
      return checked.words;
    };
    const opening = await ask(client, INVITE, { now: 2_000 });
    await ask(client, PASSWORD, { chatId: opening.chatId, now: 2_001 });
    const later = { chatId: opening.chatId };
    const first = await conversation(client, ["I forgot my password, can I reset it?"], {
      now: 1_000,
    });
    await conversation(client, [REFUND], { now: 3_000 });
    // Created through the API only: the app DB has no turns of it, so words cannot find it.
    await ask(client, "Password reset please", { visitorId: null });

    const found = await review.searchStaffConversations({
      client,
      words: words("Password reset"),
    });
    expect(found.nextPageKey).toBeNull();
    expect(found.rows.map((r) => r.chatId)).toEqual([later.chatId, first.chatId]);
    expect(found.rows[0]).toMatchObject({
      firstQuery: INVITE,
      turns: 2,
      ownerId: "vis_1",
      match: { turn: 2, side: "question" },
    });
    expect(found.rows[0]?.match?.parts.filter((p) => p.hit).map((p) => p.text)).toEqual([
      "reset",
      "password",
    ]);
    const reordered = await review.searchStaffConversations({
      client,
      words: words("reset, PASSWORD!"),
    });
    expect(reordered.rows.map((r) => r.chatId)).toEqual([later.chatId, first.chatId]);
    const narrowed = await review.searchStaffConversations({
      client,
      words: words("password"),
      chatIds: [first.chatId],
    });
    expect(narrowed.rows.map((r) => r.chatId)).toEqual([first.chatId]);
  });

  it("refuses empty or oversized searches and a foreign page key with a 400", async () => {
    const { client } = await kb();
    for (const text of ["?!", "a b c d e f g h i"]) {
      const checked = review.checkSearchWords(text);
      expect("error" in checked && checked.error.code).toBe("bad_request:staff");
    }
    await expect(
      review.searchStaffConversations({ client, words: ["reset"], pageKey: "bm90IG1pbmU" }),
    ).rejects.toMatchObject({ code: "bad_request:staff" });
  });
});

describe("listTriageQueue", () => {
  it("ranks reported above thumbs-down above uncited; quiet and reviewed chats drop out", async () => {
    const { client } = await kb();
    const uncited = await ask(client, OFF_TOPIC, { visitorId: "vis_u" });
    const down = await ask(client, INVITE, { visitorId: "vis_d" });
    await setTurnFeedback({
      visitorId: "vis_d",
      chatId: down.chatId,
      turnId: down.turnId,
      rating: "down",
    });
    const reported = await ask(client, REFUND, { visitorId: "vis_r" });
    await setTurnFeedback({
      visitorId: "vis_r",
      chatId: reported.chatId,
      turnId: reported.turnId,
      rating: "down",
      reason: "rude",
      reported: true,
    });
    const quiet = await ask(client, PASSWORD, { visitorId: "vis_q" });
    const reviewed = await ask(client, REFUND, { visitorId: "vis_v", now: Date.now() - 60_000 });
    await setTurnFeedback({
      visitorId: "vis_v",
      chatId: reviewed.chatId,
      turnId: reviewed.turnId,
      rating: "down",
      reported: true,
    });
    await review.setReview({
      client,
      actor,
      chatId: reviewed.chatId,
      status: "reviewed",
      assigneeId: null,
    });

    const queue = await review.listTriageQueue({ client });
    expect(queue.map((r) => r.chatId)).toEqual([reported.chatId, down.chatId, uncited.chatId]);
    expect(queue.map((r) => r.chatId)).not.toContain(quiet.chatId);
    expect(queue[0]?.flags).toContain("reported");
    expect(queue[1]?.flags).toEqual(["thumbs_down"]);
    expect(queue[2]?.flags).toEqual(["uncited"]);
    expect(queue[0]?.need).toBeGreaterThan(queue[1]?.need as number);
    expect(queue[1]?.need).toBeGreaterThan(queue[2]?.need as number);

    // New activity (a turn) after the review brings the chat back.
    await ask(client, OFF_TOPIC, {
      chatId: reviewed.chatId,
      visitorId: "vis_v",
      now: Date.now() + 60_000,
    });
    const again = await review.listTriageQueue({ client });
    expect(again.map((r) => r.chatId)).toContain(reviewed.chatId);
    expect(again[0]?.chatId).toBe(reviewed.chatId);

    // An escalated chat comes first; a chat deleted in Vectara drops out.
    await review.setReview({
      client,
      actor,
      chatId: uncited.chatId,
      status: "escalated",
      assigneeId: null,
    });
    await client.chats.delete(down.chatId);
    const third = await review.listTriageQueue({ client });
    expect(third[0]?.chatId).toBe(uncited.chatId);
    expect(third.map((r) => r.chatId)).not.toContain(down.chatId);
    expect(await review.listTriageQueue({ client, limit: 1 })).toHaveLength(1);
  });

  it("is empty when nothing needs a look", async () => {
    const { client } = await kb();
    await ask(client, REFUND);
    expect(await review.listTriageQueue({ client })).toEqual([]);
  });

  // A visitor's report (or thumbs-down) filed AFTER staff marked the chat reviewed is
  // new activity, but setFeedbackByTurnId (lib/db/feedback.ts) does not bump
  // chats.updated_at, and needOf (lib/staff/review.ts) compares the review's
  // updatedAt with ChatSignals.updatedAt (= chats.updated_at) only. So the new report
  // never resurfaces the chat in the triage queue.
  it("brings back a reviewed chat when the visitor reports an answer afterwards", async () => {
    const { client } = await kb();
    const chat = await ask(client, REFUND, { visitorId: "vis_1", now: Date.now() - 60_000 });
    await review.setReview({
      client,
      actor,
      chatId: chat.chatId,
      status: "reviewed",
      assigneeId: null,
    });
    expect(await review.listTriageQueue({ client })).toEqual([]);
    await setTurnFeedback({
      visitorId: "vis_1",
      chatId: chat.chatId,
      turnId: chat.turnId,
      rating: "down",
      reason: "wrong",
      reported: true,
      now: Date.now() + 60_000,
    });
    const queue = await review.listTriageQueue({ client });
    expect(queue.map((r) => r.chatId)).toEqual([chat.chatId]);
  });
});

describe("loadTranscript", () => {
  it("returns every turn with citations, score, feedback and timings, disabled ones included", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND, INVITE, OFF_TOPIC], { visitorId: "vis_t" });
    const [t1, t2, t3] = c.turnIds as [string, string, string];
    await setTurnFeedback({ visitorId: "vis_t", chatId: c.chatId, turnId: t1, rating: "up" });
    await setTurnFeedback({
      visitorId: "vis_t",
      chatId: c.chatId,
      turnId: t3,
      rating: "down",
      reason: "no answer",
      reported: true,
    });
    await client.turns.update(c.chatId, t3, { enabled: false });
    const note = await review.addNote({
      client,
      actor,
      chatId: c.chatId,
      body: "Looked at it.",
      now: 5,
    });
    await review.setReview({
      client,
      actor,
      chatId: c.chatId,
      status: "escalated",
      assigneeId: null,
    });

    const t = await review.loadTranscript({ client, chatId: c.chatId });
    expect(t).toBeDefined();
    const transcript = t as Transcript;
    expect(transcript.chat).toMatchObject({ id: c.chatId, firstQuery: REFUND });
    expect(transcript.ownerId).toBe("vis_t");
    expect(transcript.review).toEqual({
      status: "escalated",
      assigneeId: null,
      assigneeEmail: null,
    });
    expect(transcript.notes).toEqual([note]);
    expect(transcript.turns.map((x) => [x.turnId, x.enabled])).toEqual([
      [t1, true],
      [t2, true],
      [t3, false],
    ]);
    const [first, second, third] = transcript.turns;
    expect(first).toMatchObject({
      query: REFUND,
      answer: c.turns[0]?.answer,
      rephrasedQuery: REFUND,
      fcs: c.turns[0]?.fcs,
      feedback: { rating: "up", reason: null, reported: false },
      firstTokenMs: c.turns[0]?.firstTokenMs,
      totalMs: c.turns[0]?.totalMs,
      createdAt: expect.any(String),
    });
    expect(first?.answer).toMatch(/\[1\]/);
    // Each turn's query-history record, matched by turn id, with its stages.
    expect(first?.history).toMatchObject({
      id: expect.stringMatching(/^qry_/),
      latencyMs: expect.any(Number),
      search: { results: expect.any(Number), ms: expect.any(Number) },
      generation: { ms: expect.any(Number), characters: c.turns[0]?.answer.length },
      fcs: c.turns[0]?.fcs ?? null,
    });
    expect(first?.history?.search?.results).toBeGreaterThan(0);
    expect(transcript.turns.every((x) => x.history !== null)).toBe(true);
    expect(first?.firstTokenMs).toEqual(expect.any(Number));
    expect(first?.totalMs).toEqual(expect.any(Number));
    expect(first?.citations.length).toBeGreaterThan(0);
    expect(first?.citations[0]).toMatchObject({
      index: 1,
      title: "Refund policy",
      url: "https://help.example/refunds",
    });
    expect(first?.citations).toEqual(c.turns[0]?.citations);
    expect(second).toMatchObject({ query: INVITE, feedback: null });
    expect(second?.citations[0]?.title).toBe("Inviting teammates");
    // A disabled turn is still readable by staff, with what Parley stored.
    expect(third).toMatchObject({
      query: OFF_TOPIC,
      enabled: false,
      citations: [],
      fcs: null,
      feedback: { rating: "down", reason: "no answer", reported: true },
    });
  });

  it("leaves Parley's annotations empty for a chat started outside Parley", async () => {
    const { client } = await kb();
    const outside = await ask(client, REFUND, { visitorId: null });
    const t = await review.loadTranscript({ client, chatId: outside.chatId });
    expect(t?.ownerId).toBeNull();
    expect(t?.review).toEqual({ status: "open", assigneeId: null, assigneeEmail: null });
    expect(t?.turns).toEqual([
      {
        turnId: outside.turnId,
        query: REFUND,
        answer: outside.answer,
        enabled: true,
        createdAt: expect.any(String),
        rephrasedQuery: null,
        citations: [],
        fcs: null,
        feedback: null,
        firstTokenMs: null,
        totalMs: null,
        // Vectara's own record of the turn, not one of Parley's annotations.
        history: expect.objectContaining({ id: expect.stringMatching(/^qry_/) }),
      },
    ]);
  });

  it("is undefined for an unknown chat", async () => {
    const { client } = await kb();
    expect(await review.loadTranscript({ client, chatId: "cht_missing" })).toBeUndefined();
  });
});

describe("notes and review", () => {
  it("refuse a conversation that does not exist, storing nothing", async () => {
    const { client } = await kb();
    const missing = "cht_00000000-0000-4000-8000-000000000000";
    expect(await review.addNote({ client, actor, chatId: missing, body: "hello" })).toBeUndefined();
    expect(
      await review.setReview({
        client,
        actor,
        chatId: missing,
        status: "escalated",
        assigneeId: null,
      }),
    ).toBe(false);
    const app = await db.getAppDb();
    expect(await db.listNotesByChatId({ db: app, chatId: missing })).toEqual([]);
    expect((await db.listChatReviewsByChatIds({ db: app, chatIds: [missing] })).size).toBe(0);
  });
});

describe("transcriptToMarkdown", () => {
  const citation = (index: number, title: string, extra: object = {}) => ({
    index,
    documentId: `doc/${index}.md`,
    title,
    snippet: { before: "", match: `match ${index}`, after: "" },
    score: 0.5,
    ...extra,
  });
  const turn = (over: Partial<Transcript["turns"][number]>): Transcript["turns"][number] => ({
    turnId: "trn_1",
    query: "q",
    answer: "a",
    enabled: true,
    createdAt: null,
    rephrasedQuery: null,
    citations: [],
    fcs: null,
    feedback: null,
    firstTokenMs: null,
    totalMs: null,
    history: null,
    ...over,
  });

  it("renders questions, answers, cited sources only, disabled turns and notes", () => {
    const md = review.transcriptToMarkdown({
      chat: {
        id: "cht_md",
        firstQuery: "How do refunds work?",
        firstAnswer: "x",
        enabled: true,
        createdAt: "2026-11-01T10:00:00Z",
      },
      ownerId: "vis_md",
      review: { status: "escalated", assigneeId: null, assigneeEmail: null },
      turns: [
        turn({
          turnId: "trn_1",
          query: "How do refunds work?",
          rephrasedQuery: "refunds yearly plan",
          answer: "Within 30 days [1]; see also [3].",
          citations: [
            citation(1, "Refund policy", {
              section: "Yearly plans",
              url: "https://help.example/r",
            }),
            citation(2, "Uncited article"),
            citation(3, "Billing FAQ"),
          ],
          fcs: 0.856,
          feedback: { rating: "down", reason: "too vague", reported: true },
        }),
        turn({
          turnId: "trn_2",
          query: "Here is my card number",
          answer: "I can't help with that.",
          enabled: false,
        }),
      ],
      notes: [
        {
          noteId: "note_1",
          chatId: "cht_md",
          authorId: "usr_1",
          authorEmail: "agent@example.com",
          body: "Customer called back.",
          createdAt: Date.UTC(2026, 10, 2, 9, 30),
        },
      ],
      handoff: {
        state: "contacted",
        email: "visitor@example.com",
        message: "Please call me back.",
        requestedAt: "2026-11-01T10:05:00.000Z",
        updatedAt: "2026-11-01T11:00:00.000Z",
        updatedBy: "agent@example.com",
      },
    });
    expect(md).toContain("# Conversation cht_md");
    expect(md).toContain("## Handoff (staff only: the visitor's contact)");
    expect(md).toContain("State: contacted (set by agent@example.com, 2026-11-01T11:00:00.000Z)");
    expect(md).toContain("Email: visitor@example.com");
    expect(md).toContain("Message: Please call me back.");
    expect(md).toContain("Started: 2026-11-01T10:00:00Z");
    expect(md).toContain("Owner: vis_md");
    expect(md).toContain("Review: escalated");
    expect(md).toContain("## Turn 1\n");
    expect(md).toContain("**Question:** How do refunds work?");
    expect(md).toContain("**Rephrased:** refunds yearly plan");
    expect(md).toContain("Within 30 days [1]; see also [3].");
    expect(md).toContain("Factual consistency: 86%");
    expect(md).toContain("Feedback: 👎 too vague (reported)");
    expect(md).toContain("- [1] Refund policy › Yearly plans <https://help.example/r>");
    expect(md).toContain("- [3] Billing FAQ");
    expect(md).not.toContain("Uncited article");
    expect(md).toContain("## Turn 2 (disabled by a moderator)");
    expect(md).toContain("**Question:** Here is my card number");
    expect(md).toContain("## Internal notes");
    expect(md).toContain("- 2026-11-02T09:30:00.000Z agent@example.com: Customer called back.");
    expect(md.endsWith("\n")).toBe(true);
    expect(md.endsWith("\n\n")).toBe(false);
  });

  it("renders a real transcript, marking a chat started outside Parley", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND, INVITE], { visitorId: null });
    await client.turns.update(c.chatId, c.turnIds[1] as string, { enabled: false });
    const t = (await review.loadTranscript({ client, chatId: c.chatId })) as Transcript;
    const md = review.transcriptToMarkdown(t);
    expect(md).toContain("Owner: (not started in Parley)");
    expect(md).toContain("Review: open");
    expect(md).toContain(`**Question:** ${REFUND}`);
    expect(md).toContain(c.turns[0]?.answer as string);
    expect(md).toContain("## Turn 2 (disabled by a moderator)");
    expect(md).not.toContain("## Internal notes");
    expect(md).not.toContain("## Handoff");
  });
});
