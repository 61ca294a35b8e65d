import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { VectaraClient } from "@/lib/vectara";
import {
  askWith,
  gatedEngine as gatedEngineFixture,
  partsReader,
  QUESTION,
} from "../support/gated-chat";

/**
 * (Setup shared with ownership.test.ts.) Issue 14, item 5: the visitor owns a new chat as soon as Vectara names it
 * (`chat_info`), before a word of the answer is sent, and the engine has the chat from
 * then on; a chat whose answer never completed still opens, its question shown with an
 * incomplete ("stopped") answer. The route runs for real, on a real engine whose
 * generator waits at a gate before its first word, so "before" is an order, not a time.
 */

vi.mock("server-only", () => ({}));

// getAppDb() reads DATA_DIR on first use: set it before anything imports lib/db.
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-resume-"));
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
const { POST } = await import("@/app/(chat)/api/chat/route");
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

const { GET } = await import("@/app/(chat)/api/chat/[chatId]/stream/route");
const { stopAnswer: stopTurn } = await import("@/lib/chat/conversations");

/**
 * Issue 19, item 2: an answer survives a reload. The replay route's input checks, and the
 * answer's life apart from the request that asked: dropped, it goes on and is stored; the
 * replay gives it from its start to its end; a Stop ends it.
 */

function resume(chatId: string, query = "", visitorId: string | null = "vis_1") {
  session.visitorId = visitorId;
  return GET(new Request(`http://parley.local/api/chat/${chatId}/stream${query}`), {
    params: Promise.resolve({ chatId }),
  });
}

async function droppedAfterChatInfo() {
  const fx = await gatedEngine();
  const abort = new AbortController();
  const live = partsReader(await ask(QUESTION, null, abort.signal));
  const info = await live.until((p) => p.type === "data-chat-info");
  abort.abort();
  await live.cancel().catch(() => undefined);
  return { ...fx, chatId: info?.data?.chatId as string, turnId: info?.data?.turnId as string };
}

describe("GET /api/chat/[chatId]/stream", () => {
  it("refuses a malformed chat id (404) and turn (400) in Vectara's error shape", async () => {
    const bad = await resume("not-a-chat");
    expect(bad.status).toBe(404);
    expect(await bad.json()).toMatchObject({
      code: "not_found:chat",
      messages: [expect.any(String)],
    });
    const badTurn = await resume("cht_abc", "?turn=nope");
    expect(badTurn.status).toBe(400);
    expect(await badTurn.json()).toMatchObject({
      code: "bad_request:chat",
      field_errors: { "query.turn": expect.any(String) },
    });
    expect((await resume("cht_abc", "?other=1")).status).toBe(400);
  });

  it("answers 404 for someone else's chat, or with no session, and 204 when nothing streams", async () => {
    const { chatId, turnId, release } = await droppedAfterChatInfo();
    expect((await resume(chatId, "", "vis_2")).status).toBe(404);
    expect((await resume(chatId, `?turn=${turnId}`, "vis_2")).status).toBe(404);
    expect((await resume(chatId, "", null)).status).toBe(404);
    expect((await resume("cht_missing")).status).toBe(404);
    release();
    const app = await db.getAppDb();
    await expect
      .poll(async () => (await db.listTurnsByChatId({ db: app, chatId }))[0]?.status)
      .toBe("complete");
    await expect
      .poll(
        async () =>
          (await db.getAnswerStream({ db: app, streamId: turnId, chatId, ownerId: "vis_1" }))
            ?.status,
      )
      .toBe("complete");
    // Ended: nothing live to resume…
    expect((await resume(chatId)).status).toBe(204);
    // …but the page rendered while it streamed still gets it, whole.
    const replay = await resume(chatId, `?turn=${turnId}`);
    expect(replay.status).toBe(200);
    const parts = partsReader(replay);
    await parts.until(() => false);
    expect(parts.parts.at(-1)?.type).toBe("finish");
  });

  it("replays a dropped answer from its start and follows it to its end, once", async () => {
    const { chatId, turnId, release } = await droppedAfterChatInfo();
    const replay = await resume(chatId);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("content-type")).toMatch(/text\/event-stream/);
    const parts = partsReader(replay);
    // From the start: what the dropped request had already received comes first…
    const info = await parts.until((p) => p.type === "data-chat-info");
    expect(info?.data).toEqual({ chatId, turnId });
    expect(parts.parts[0]?.type).toBe("start");
    expect(parts.parts.map((p) => p.type)).not.toContain("text-delta");
    // …then what the answer goes on to write, to its end.
    release();
    await parts.until(() => false);
    const types = parts.parts.map((p) => p.type);
    expect(types.at(-1)).toBe("finish");
    expect(types.filter((t) => t === "start")).toHaveLength(1);
    expect(types.filter((t) => t === "finish")).toHaveLength(1);
    const text = parts.parts.map((p) => p.delta ?? "").join("");
    expect(text).toBe("Yearly plans are refunded within 30 days [1].");
    const app = await db.getAppDb();
    await expect
      .poll(async () => (await db.listTurnsByChatId({ db: app, chatId }))[0])
      .toMatchObject({ status: "complete", answer: text, fcs: 0.8 });
  });

  it("a Stop ends the dropped answer as the visitor saw it, and nothing resumes after", async () => {
    const { chatId, turnId, release } = await droppedAfterChatInfo();
    expect((await resume(chatId)).status).toBe(200);
    expect(await stopTurn({ visitorId: "vis_1", chatId, turnId, shownChars: 0 })).toBe(true);
    expect((await resume(chatId)).status).toBe(204);
    expect((await resume(chatId, `?turn=${turnId}`)).status).toBe(204);
    release();
    const app = await db.getAppDb();
    await expect
      .poll(
        async () =>
          (await db.getAnswerStream({ db: app, streamId: turnId, chatId, ownerId: "vis_1" }))
            ?.status,
      )
      .toBe("stopped");
    expect((await db.listTurnsByChatId({ db: app, chatId }))[0]).toMatchObject({
      status: "stopped",
      answer: "",
    });
  });
});
