import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { UIMessageStreamWriter } from "ai";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/lib/chat/messages";
import { createVectaraClient, type VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { seedSmallKb } from "../support/small-kb";

vi.mock("server-only", () => ({}));

// getAppDb() reads DATA_DIR on first use: set it before anything imports lib/db.
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-staff-audit-"));
vi.stubEnv("DATA_DIR", dataDir);
vi.stubEnv("DATABASE_URL", "");

const audit = await import("@/lib/staff/audit");
const { recordAnswer } = await import("@/lib/chat/conversations");
const { openAnswerStream, writeAnswer } = await import("@/lib/chat/answer");
const db = await import("@/lib/db");

afterAll(async () => {
  await (await db.getAppDb()).close();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  const app = await db.getAppDb();
  for (const table of ["feedback", "turns", "chats", "audit_log"]) {
    await app.run(`DELETE FROM ${table}`);
  }
});

const actor = { userId: "usr_mod", email: "mod@example.com", role: "moderator" as const };
const REFUND = "How long do I have to get a refund on a yearly plan?";
const INVITE = "How do I invite a teammate to members?";
const PASSWORD = "How do I reset my password?";

/** A chat of the given questions through the real answer pipeline, recorded in the app DB. */
async function conversation(client: VectaraClient, queries: string[]) {
  let chatId: string | undefined;
  const turnIds: string[] = [];
  for (const query of queries) {
    const writer = {
      write() {},
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
    });
    expect(record.status).toBe("complete");
    await recordAnswer({ visitorId: "vis_1", query, record });
    chatId = record.chatId as string;
    turnIds.push(record.turnId as string);
  }
  return { chatId: chatId as string, turnIds };
}

async function kb() {
  const fx = makeEngine();
  await seedSmallKb(fx.client);
  return fx;
}

const log = async (client: VectaraClient, chatId?: string) =>
  (await audit.listAuditLog({ client, chatId, limit: 50 })).entries;

describe("disableTurnsFrom and listAuditLog", () => {
  it("records each turn's number and question, and reads them back with what changed", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND, INVITE, PASSWORD]);
    const [t1, t2, t3] = c.turnIds as [string, string, string];
    expect(
      await audit.disableTurnsFrom({
        actor,
        client,
        chatId: c.chatId,
        turnId: t2,
        reason: "Off topic",
        now: 1000,
      }),
    ).toEqual({ disabled: [t2, t3] });

    expect(await log(client, c.chatId)).toEqual([
      {
        auditId: expect.stringMatching(/^aud_/),
        action: "disable_turns",
        actorEmail: "mod@example.com",
        chatId: c.chatId,
        reason: "Off topic",
        createdAt: 1000,
        conversation: "present",
        turns: [
          { turnId: t2, number: 2, query: INVITE, wasEnabled: true },
          { turnId: t3, number: 3, query: PASSWORD, wasEnabled: true },
        ],
      },
    ]);

    // From turn 1: turn 1 newly hidden, 2 and 3 already were.
    await audit.disableTurnsFrom({ actor, client, chatId: c.chatId, turnId: t1, reason: "all" });
    const [latest] = await log(client, c.chatId);
    expect(latest?.turns).toEqual([
      { turnId: t1, number: 1, query: REFUND, wasEnabled: true },
      { turnId: t2, number: 2, query: INVITE, wasEnabled: false },
      { turnId: t3, number: 3, query: PASSWORD, wasEnabled: false },
    ]);

    // Again: a conflict, nothing more recorded.
    await expect(
      audit.disableTurnsFrom({ actor, client, chatId: c.chatId, turnId: t3, reason: "again" }),
    ).rejects.toMatchObject({ name: "AppError", code: "conflict:staff" });
    expect(await log(client, c.chatId)).toHaveLength(2);
  });

  it("answers not_found for an unknown turn or chat, recording nothing", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND]);
    await expect(
      audit.disableTurnsFrom({
        actor,
        client,
        chatId: c.chatId,
        turnId: "trn_missing",
        reason: "x",
      }),
    ).rejects.toMatchObject({ code: "not_found:staff" });
    await expect(
      audit.disableTurnsFrom({
        actor,
        client,
        chatId: "cht_missing",
        turnId: "trn_x",
        reason: "x",
      }),
    ).rejects.toMatchObject({ code: "not_found:staff" });
    expect(await log(client)).toEqual([]);
  });

  it("withdraws its entry when Vectara refuses the update", async () => {
    const { client, engine } = await kb();
    const c = await conversation(client, [REFUND, INVITE]);
    const failing = createVectaraClient({
      baseUrl: "http://parley.local",
      fetch: async (request) =>
        request.method === "PATCH"
          ? new Response(JSON.stringify({ messages: ["Service unavailable"] }), {
              status: 503,
              headers: { "content-type": "application/json" },
            })
          : engine.handle(request),
      auth: { type: "api_key", apiKey: engine.apiKey },
      maxRetries: 0,
    });
    await expect(
      audit.disableTurnsFrom({
        actor,
        client: failing,
        chatId: c.chatId,
        turnId: c.turnIds[1] as string,
        reason: "x",
      }),
    ).rejects.toBeDefined();
    expect(await log(client)).toEqual([]);
  });

  it("numbers the turns of an entry written before the log recorded them, from Vectara", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND, INVITE, PASSWORD]);
    const [, t2, t3] = c.turnIds as [string, string, string];
    await db.addAuditEntry({
      db: await db.getAppDb(),
      entry: {
        auditId: "aud_old",
        actorId: "usr_mod",
        actorEmail: "mod@example.com",
        action: "disable_turns",
        chatId: c.chatId,
        turnIds: [t2, t3],
        reason: "old",
        priorState: { enabled: { [t2]: true, [t3]: false } },
        createdAt: 5,
      },
    });
    const [entry] = await log(client);
    expect(entry?.conversation).toBe("present");
    expect(entry?.turns).toEqual([
      { turnId: t2, number: 2, query: INVITE, wasEnabled: true },
      { turnId: t3, number: 3, query: PASSWORD, wasEnabled: false },
    ]);
  });

  it("after the chat is deleted: what the entry stored, and that the conversation is gone", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND, INVITE]);
    const [t1, t2] = c.turnIds as [string, string];
    await audit.disableTurnsFrom({ actor, client, chatId: c.chatId, turnId: t2, reason: "new" });
    await db.addAuditEntry({
      db: await db.getAppDb(),
      entry: {
        auditId: "aud_old",
        actorId: "usr_mod",
        actorEmail: "mod@example.com",
        action: "disable_turns",
        chatId: c.chatId,
        turnIds: [t1, t2],
        reason: "old",
        priorState: { enabled: { [t1]: true, [t2]: false } },
        createdAt: 5,
      },
    });
    // Deleted at Vectara only: Parley's stored turns still number the old entry.
    await client.chats.delete(c.chatId);
    const [fresh, old] = await log(client);
    expect(fresh?.conversation).toBe("deleted");
    expect(fresh?.turns).toEqual([{ turnId: t2, number: 2, query: INVITE, wasEnabled: true }]);
    expect(old?.turns.map((t) => [t.number, t.query])).toEqual([
      [1, REFUND],
      [2, INVITE],
    ]);

    // Deleted everywhere (as a visitor's delete does): the old entry keeps ids and states only.
    await db.deleteChatByChatId({ db: await db.getAppDb(), chatId: c.chatId });
    const [again, bare] = await log(client);
    expect(again?.turns).toEqual(fresh?.turns);
    expect(bare?.conversation).toBe("deleted");
    expect(bare?.turns).toEqual([
      { turnId: t1, number: null, query: null, wasEnabled: true },
      { turnId: t2, number: null, query: null, wasEnabled: false },
    ]);
  });

  it("still lists the log when Vectara cannot be reached, saying it could not check", async () => {
    const { client } = await kb();
    const c = await conversation(client, [REFUND, INVITE]);
    await audit.disableTurnsFrom({
      actor,
      client,
      chatId: c.chatId,
      turnId: c.turnIds[0] as string,
      reason: "x",
    });
    const down = createVectaraClient({
      baseUrl: "http://parley.local",
      fetch: async () => new Response("{}", { status: 503 }),
      maxRetries: 0,
    });
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const [entry] = await log(down);
      expect(entry?.conversation).toBe("unknown");
      expect(entry?.turns.map((t) => t.number)).toEqual([1, 2]);
    } finally {
      errors.mockRestore();
    }
  });
});
