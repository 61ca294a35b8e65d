import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { UIMessageStreamWriter } from "ai";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/lib/chat/messages";
import { NotFoundError, type VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import {
  askWith,
  gatedEngine as gatedEngineFixture,
  partsReader,
  QUESTION,
} from "../support/gated-chat";
import { seedSmallKb } from "../support/small-kb";

/**
 * Issue 14, item 5: the visitor owns a new chat as soon as Vectara names it
 * (`chat_info`), before a word of the answer is sent, and the engine has the chat from
 * then on; a chat whose answer never completed still opens, its question shown with an
 * incomplete ("stopped") answer. The route runs for real, on a real engine whose
 * generator waits at a gate before its first word, so "before" is an order, not a time.
 */

vi.mock("server-only", () => ({}));

// getAppDb() reads DATA_DIR on first use: set it before anything imports lib/db.
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-ownership-"));
vi.stubEnv("DATA_DIR", dataDir);
vi.stubEnv("DATABASE_URL", "");
vi.stubEnv("CHAT_RATE_LIMIT_PER_MINUTE", "100000");
vi.stubEnv("CHAT_RATE_LIMIT_PER_IP_PER_MINUTE", "1000000");

const session: { visitorId: string | null; client?: VectaraClient } = { visitorId: "vis_1" };
vi.mock("@/lib/auth/visitor", () => ({ getVisitorId: async () => session.visitorId }));
vi.mock("@/lib/server/vectara", () => ({
  getVectaraClient: () => {
    if (!session.client) throw new Error("no engine for this test");
    return session.client;
  },
}));
const { getVectaraClient } = await import("@/lib/server/vectara");
/** Regenerate's first step, for the test's visitor. */
const withdraw = (chatId: string, turnId: string) =>
  withdrawUnfinishedTurn({ client: getVectaraClient(), visitorId: "vis_1", chatId, turnId });

const { POST } = await import("@/app/(chat)/api/chat/route");
const {
  claimChat,
  getOwnedChat,
  loadConversation,
  recordAnswer,
  stopAnswer,
  withdrawUnfinishedTurn,
} = await import("@/lib/chat/conversations");
const { writeAnswer, openAnswerStream } = await import("@/lib/chat/answer");
const db = await import("@/lib/db");

afterAll(async () => {
  await (await db.getAppDb()).close();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  const app = await db.getAppDb();
  for (const table of ["feedback", "turns", "chats"]) await app.run(`DELETE FROM ${table}`);
  session.visitorId = "vis_1";
});

/** The small KB on a gated engine (test/support/gated-chat.ts); the route's client talks to it. */
async function gatedEngine() {
  const fixture = await gatedEngineFixture();
  session.client = fixture.client;
  return fixture;
}

const ask = (query: string, chatId: string | null = null, signal?: AbortSignal) =>
  askWith(POST, query, chatId, signal);

describe("ownership before streaming", () => {
  it("stores the owner and a pending turn before the chat id or a word of the answer is sent, and completes the turn at the end", async () => {
    const { engine, client, release } = await gatedEngine();
    const response = await ask(QUESTION);
    expect(response.status).toBe(200);
    const stream = partsReader(response);

    const info = await stream.until((p) => p.type === "data-chat-info");
    const chatId = info?.data?.chatId as string;
    const turnId = info?.data?.turnId as string;
    expect(chatId).toMatch(/^cht_/);
    // The generator is held at its gate: no text has been produced, let alone written…
    expect(stream.parts.map((p) => p.type)).not.toContain("text-delta");
    // …and the visitor already owns the chat, with the question as a pending turn.
    expect(await getOwnedChat({ visitorId: "vis_1", chatId })).toMatchObject({ title: QUESTION });
    expect(await getOwnedChat({ visitorId: "vis_2", chatId })).toBeUndefined();
    const app = await db.getAppDb();
    expect(await db.listTurnsByChatId({ db: app, chatId })).toMatchObject([
      { turnId, query: QUESTION, answer: "", status: "stopped" },
    ]);
    // The engine has the chat too, still empty.
    expect((await client.chats.get(chatId)).firstQuery).toBe(QUESTION);
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM turns").get()).toEqual({ n: 0 });

    release();
    await stream.until(() => false);
    expect(stream.parts.map((p) => p.type)).toContain("text-delta");
    expect(stream.parts.at(-1)?.type).toBe("finish");
    // recordAnswer ran in onFinish, after the last part: wait for the completed row.
    await expect
      .poll(async () => (await db.listTurnsByChatId({ db: app, chatId }))[0]?.status)
      .toBe("complete");
    expect((await db.listTurnsByChatId({ db: app, chatId }))[0]).toMatchObject({
      turnId,
      answer: "Yearly plans are refunded within 30 days [1].",
      fcs: 0.8,
    });
    const messages = await loadConversation({
      client: getVectaraClient(),
      visitorId: "vis_1",
      chatId,
    });
    expect(messages?.map((m) => [m.role, m.metadata?.status])).toEqual([
      ["user", undefined],
      ["assistant", "complete"],
    ]);
  });

  it("leaves an engine chat and the visitor's ownership when the stream is dropped right after chat_info; the answer goes on to complete; the chat takes a follow-up", async () => {
    const { client, release } = await gatedEngine();
    const abort = new AbortController();
    const stream = partsReader(await ask(QUESTION, null, abort.signal));
    const info = await stream.until((p) => p.type === "data-chat-info");
    const chatId = info?.data?.chatId as string;
    abort.abort();
    await stream.cancel().catch(() => undefined);

    // The engine: the chat is there, empty.
    expect(await client.chats.get(chatId)).toMatchObject({
      id: chatId,
      firstQuery: QUESTION,
      firstAnswer: "",
    });
    const turns = [];
    for await (const t of await client.turns.list(chatId)) turns.push(t);
    expect(turns).toEqual([]);

    // The visitor: the chat is theirs, and opens on the question, its answer incomplete.
    const messages = await loadConversation({
      client: getVectaraClient(),
      visitorId: "vis_1",
      chatId,
    });
    expect(messages?.map((m) => [m.role, m.metadata?.status])).toEqual([
      ["user", undefined],
      ["assistant", "stopped"],
    ]);
    expect(messages?.[0]?.parts).toEqual([{ type: "text", text: QUESTION }]);

    // The dropped connection did not stop the answer (issue 19, item 2): it completes.
    release();
    await expect
      .poll(
        async () => (await db.listTurnsByChatId({ db: await db.getAppDb(), chatId }))[0]?.status,
      )
      .toBe("complete");

    // A follow-up in that chat is answered, and the thread shows both.
    const followUp = partsReader(await ask("And on a monthly plan?", chatId));
    await followUp.until(() => false);
    expect(followUp.parts.some((p) => p.type === "text-delta")).toBe(true);
    expect(followUp.parts.find((p) => p.type === "data-chat-info")?.data?.chatId).toBe(chatId);
    await expect
      .poll(
        async () =>
          (await loadConversation({ client: getVectaraClient(), visitorId: "vis_1", chatId }))
            ?.length,
      )
      .toBe(4);
    const after = await loadConversation({
      client: getVectaraClient(),
      visitorId: "vis_1",
      chatId,
    });
    expect(after?.map((m) => [m.role, m.metadata?.status])).toEqual([
      ["user", undefined],
      ["assistant", "complete"],
      ["user", undefined],
      ["assistant", "complete"],
    ]);
    expect(after?.[2]?.parts).toEqual([{ type: "text", text: "And on a monthly plan?" }]);
  });

  it("writes the claim, then data-chat-info, then the answer (writeAnswer's order)", async () => {
    const fx = makeEngine();
    await seedSmallKb(fx.client);
    const log: string[] = [];
    const writer = {
      write(chunk: { type: string }) {
        log.push(chunk.type);
      },
      merge() {},
      onError: undefined,
    } as unknown as UIMessageStreamWriter<ChatMessage>;
    const record = await writeAnswer({
      events: await openAnswerStream({
        client: fx.client,
        query: QUESTION,
        corpusKey: "support_kb",
        signal: new AbortController().signal,
      }),
      writer,
      onChatInfo: async ({ chatId, turnId, citations }) => {
        log.push("claim:start");
        await claimChat({ visitorId: "vis_1", chatId, turnId, query: QUESTION, citations });
        log.push("claim:done");
      },
    });
    expect(record.status).toBe("complete");
    const at = (type: string) => log.indexOf(type);
    expect(at("claim:start")).toBeGreaterThan(at("data-citations"));
    expect(at("claim:done")).toBeLessThan(at("data-chat-info"));
    expect(at("data-chat-info")).toBeLessThan(at("text-delta"));
    // The pending row carries the results the answer cites, so a crash keeps them.
    const app = await db.getAppDb();
    const [pending] = await db.listTurnsByChatId({ db: app, chatId: record.chatId as string });
    expect(pending).toMatchObject({ status: "stopped", answer: "", query: QUESTION });
    expect(pending?.citations.length).toBeGreaterThan(0);
  });
});

describe("claimChat", () => {
  it("creates the chat with its owner and title; a follow-up keeps both", async () => {
    expect(
      await claimChat({
        visitorId: "vis_1",
        chatId: "cht_a",
        turnId: "trn_a",
        query: "First?",
        now: 1000,
      }),
    ).toBe(true);
    expect(
      await claimChat({
        visitorId: "vis_1",
        chatId: "cht_a",
        turnId: "trn_b",
        query: "Second?",
        now: 2000,
      }),
    ).toBe(true);
    expect(await getOwnedChat({ visitorId: "vis_1", chatId: "cht_a" })).toMatchObject({
      ownerId: "vis_1",
      title: "First?",
      createdAt: 1000,
      updatedAt: 2000,
    });
    const app = await db.getAppDb();
    expect(
      (await db.listTurnsByChatId({ db: app, chatId: "cht_a" })).map((t) => [t.turnId, t.status]),
    ).toEqual([
      ["trn_a", "stopped"],
      ["trn_b", "stopped"],
    ]);
  });

  it("never claims another visitor's chat, nor adds a turn to it", async () => {
    await claimChat({ visitorId: "vis_1", chatId: "cht_a", turnId: "trn_a", query: "Mine" });
    expect(
      await claimChat({ visitorId: "vis_2", chatId: "cht_a", turnId: "trn_x", query: "Theirs" }),
    ).toBe(false);
    await recordAnswer({
      visitorId: "vis_2",
      query: "Theirs",
      record: { chatId: "cht_a", turnId: "trn_y", answer: "x", citations: [], status: "complete" },
    });
    expect(await getOwnedChat({ visitorId: "vis_1", chatId: "cht_a" })).toBeDefined();
    const app = await db.getAppDb();
    expect((await db.listTurnsByChatId({ db: app, chatId: "cht_a" })).map((t) => t.turnId)).toEqual(
      ["trn_a"],
    );
  });
});

describe("loadConversation of an owned chat whose answers never completed", () => {
  it("shows a pending question as interrupted when the engine has no turn yet, in Parley's order among stored turns", async () => {
    const fx = makeEngine();
    await seedSmallKb(fx.client);
    session.client = fx.client;
    // A completed first turn, recorded as the route records it.
    const { chunks: _c, ...first } = await answerThrough(fx.client, QUESTION);
    // Then a follow-up whose server died mid-answer: claimed, never stored at the engine.
    await claimChat({
      visitorId: "vis_1",
      chatId: first.chatId,
      turnId: "trn_lost",
      query: "And what about monthly plans?",
    });
    const messages = await loadConversation({
      client: getVectaraClient(),
      visitorId: "vis_1",
      chatId: first.chatId,
    });
    expect(messages?.map((m) => [m.id, m.metadata?.status])).toEqual([
      [`${first.turnId}:user`, undefined],
      [`${first.turnId}:assistant`, "complete"],
      ["trn_lost:user", undefined],
      ["trn_lost:assistant", "stopped"],
    ]);
    expect(messages?.[3]?.parts.some((p) => p.type === "text")).toBe(false);

    // A complete record Vectara no longer has (deleted there) stays hidden.
    await recordAnswer({
      visitorId: "vis_1",
      query: "gone",
      record: {
        chatId: first.chatId,
        turnId: "trn_gone",
        answer: "x",
        citations: [],
        status: "complete",
      },
    });
    expect(
      (
        await loadConversation({
          client: getVectaraClient(),
          visitorId: "vis_1",
          chatId: first.chatId,
        })
      )?.map((m) => m.id),
    ).not.toContain("trn_gone:user");
  });

  it("keeps a stopped answer's partial text, and answers undefined for a chat the engine does not have", async () => {
    const fx = makeEngine();
    await seedSmallKb(fx.client);
    session.client = fx.client;
    const chat = await fx.client.chats.create({
      query: QUESTION,
      search: { corpora: [{ corpus_key: "support_kb" }] },
    });
    const chatId = chat.chatId as string;
    await claimChat({ visitorId: "vis_1", chatId, turnId: chat.turnId as string, query: QUESTION });
    await claimChat({ visitorId: "vis_1", chatId, turnId: "trn_stopped", query: "Monthly?" });
    await recordAnswer({
      visitorId: "vis_1",
      query: "Monthly?",
      record: {
        chatId,
        turnId: "trn_stopped",
        answer: "Monthly plans",
        citations: [],
        status: "stopped",
      },
    });
    const messages = await loadConversation({
      client: getVectaraClient(),
      visitorId: "vis_1",
      chatId,
    });
    expect(messages?.at(-1)).toMatchObject({
      id: "trn_stopped:assistant",
      metadata: { status: "stopped" },
    });
    expect(messages?.at(-1)?.parts).toContainEqual({
      type: "text",
      text: "Monthly plans",
      state: "done",
    });

    await fx.client.chats.delete(chatId);
    await expect(fx.client.chats.get(chatId)).rejects.toBeInstanceOf(NotFoundError);
    expect(
      await loadConversation({ client: getVectaraClient(), visitorId: "vis_1", chatId }),
    ).toBeUndefined();
  });
});

describe("Stop and Regenerate (issue 15, item 2)", () => {
  /** A turn Vectara completed and Parley recorded complete, as the route does. */
  async function completedTurn() {
    const fx = makeEngine();
    await seedSmallKb(fx.client);
    session.client = fx.client;
    const chat = await fx.client.chats.create({
      query: QUESTION,
      search: { corpora: [{ corpus_key: "support_kb" }] },
    });
    const chatId = chat.chatId as string;
    const turnId = chat.turnId as string;
    const answer = chat.answer ?? "";
    await claimChat({ visitorId: "vis_1", chatId, turnId, query: QUESTION });
    await recordAnswer({
      visitorId: "vis_1",
      query: QUESTION,
      record: { chatId, turnId, answer, citations: [], fcs: 0.7, status: "complete" },
    });
    return { fx, chatId, turnId, answer };
  }

  it("shows a stopped answer as the visitor saw it, though Vectara stored it whole", async () => {
    const { chatId, turnId, answer } = await completedTurn();
    expect(answer.length).toBeGreaterThan(20);
    expect(await stopAnswer({ visitorId: "vis_2", chatId, turnId, shownChars: 5 })).toBe(false);
    expect(await stopAnswer({ visitorId: "vis_1", chatId, turnId, shownChars: 18 })).toBe(true);

    const messages = await loadConversation({
      client: getVectaraClient(),
      visitorId: "vis_1",
      chatId,
    });
    const last = messages?.at(-1);
    expect(last?.metadata?.status).toBe("stopped");
    expect(last?.parts).toContainEqual({ type: "text", text: answer.slice(0, 18), state: "done" });
    expect(last?.parts.some((p) => p.type === "data-fcs")).toBe(false);
  });

  it("takes back only the last, unfinished answer, at Vectara and in Parley", async () => {
    const { fx, chatId, turnId } = await completedTurn();
    expect(await withdraw(chatId, turnId)).toMatchObject({
      error: { code: "bad_request:chat" },
    });

    const follow = await fx.client.turns.create(chatId, {
      query: "And on a monthly plan?",
      search: { corpora: [{ corpus_key: "support_kb" }] },
    });
    const stoppedId = follow.turnId as string;
    await claimChat({ visitorId: "vis_1", chatId, turnId: stoppedId, query: "And monthly?" });
    await stopAnswer({ visitorId: "vis_1", chatId, turnId: stoppedId, shownChars: 3 });
    expect(await withdraw(chatId, turnId)).toMatchObject({
      error: { code: "bad_request:chat" },
    });
    expect(
      await withdrawUnfinishedTurn({
        client: getVectaraClient(),
        visitorId: "vis_2",
        chatId,
        turnId: stoppedId,
      }),
    ).toMatchObject({ error: { code: "not_found:chat" } });

    expect(await withdraw(chatId, stoppedId)).toEqual({ askIn: chatId });
    const atVectara = [];
    for await (const t of await fx.client.turns.list(chatId)) atVectara.push(t.id);
    expect(atVectara).toEqual([turnId]);
    const app = await db.getAppDb();
    expect((await db.listTurnsByChatId({ db: app, chatId })).map((t) => t.turnId)).toEqual([
      turnId,
    ]);
  });

  it("takes back a chat's only answer with the chat, which Vectara would not keep empty", async () => {
    const { fx, chatId, turnId } = await completedTurn();
    await stopAnswer({ visitorId: "vis_1", chatId, turnId, shownChars: 4 });
    expect(await withdraw(chatId, turnId)).toEqual({
      askIn: null,
    });
    expect(await getOwnedChat({ visitorId: "vis_1", chatId })).toBeUndefined();
    await expect(fx.client.chats.get(chatId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("regenerates through the route: the stopped answer is replaced by the new one", async () => {
    const { fx, chatId } = await completedTurn();
    const follow = await fx.client.turns.create(chatId, {
      query: "And on a monthly plan?",
      search: { corpora: [{ corpus_key: "support_kb" }] },
    });
    const stoppedId = follow.turnId as string;
    await claimChat({ visitorId: "vis_1", chatId, turnId: stoppedId, query: "And monthly?" });
    await stopAnswer({ visitorId: "vis_1", chatId, turnId: stoppedId, shownChars: 3 });

    const post = (body: unknown) =>
      POST(
        new Request("http://parley.local/api/chat", {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
          body: JSON.stringify(body),
        }),
      );
    const message = { id: "m2", role: "user", parts: [{ type: "text", text: "And monthly?" }] };
    // A regenerate names its conversation.
    expect((await post({ chatId: null, message, replaceTurnId: stoppedId })).status).toBe(400);

    const stream = partsReader(await post({ chatId, message, replaceTurnId: stoppedId }));
    const info = await stream.until((p) => p.type === "data-chat-info");
    await stream.until(() => false);
    const newId = info?.data?.turnId as string;
    expect(newId).not.toBe(stoppedId);
    await expect
      .poll(
        async () =>
          (await loadConversation({ client: getVectaraClient(), visitorId: "vis_1", chatId }))?.at(
            -1,
          )?.metadata,
      )
      .toMatchObject({ turnId: newId, status: "complete" });
    const ids = (
      await loadConversation({ client: getVectaraClient(), visitorId: "vis_1", chatId })
    )?.map((m) => m.id);
    expect(ids).not.toContain(`${stoppedId}:assistant`);
    expect(ids).toHaveLength(4);
  });
});

describe("conversation titles (issue 15, item 8)", () => {
  it("titles a chat that opened with small talk by its first real question", async () => {
    const claim = (turnId: string, query: string) =>
      claimChat({ visitorId: "vis_1", chatId: "cht_t", turnId, query });
    await claim("trn_1", "hi");
    expect(await getOwnedChat({ visitorId: "vis_1", chatId: "cht_t" })).toMatchObject({
      title: "hi",
    });
    await claim("trn_2", "Hello there!");
    expect((await getOwnedChat({ visitorId: "vis_1", chatId: "cht_t" }))?.title).toBe("hi");
    await claim("trn_3", "How do I   reset my password?");
    expect((await getOwnedChat({ visitorId: "vis_1", chatId: "cht_t" }))?.title).toBe(
      "How do I reset my password?",
    );
    await claim("trn_4", "Can I get a refund?");
    await claim("trn_5", "thanks");
    expect((await getOwnedChat({ visitorId: "vis_1", chatId: "cht_t" }))?.title).toBe(
      "How do I reset my password?",
    );
  });
});

/** One answer through writeAnswer with the route's claim, recorded at the end. */
async function answerThrough(client: VectaraClient, query: string, chatId?: string) {
  const chunks: unknown[] = [];
  const writer = {
    write(chunk: unknown) {
      chunks.push(chunk);
    },
    merge() {},
    onError: undefined,
  } as unknown as UIMessageStreamWriter<ChatMessage>;
  const record = await writeAnswer({
    events: await openAnswerStream({
      client,
      chatId,
      query,
      corpusKey: "support_kb",
      signal: new AbortController().signal,
    }),
    writer,
    onChatInfo: async (info) => {
      await claimChat({ visitorId: "vis_1", query, ...info });
    },
  });
  await recordAnswer({ visitorId: "vis_1", query, record });
  return { ...record, chatId: record.chatId as string, turnId: record.turnId as string, chunks };
}
