import { afterEach, describe, expect, it } from "vitest";
import { ENGINE_ROUTES, type Engine } from "@/lib/engine";
import { Router } from "@/lib/engine/http/router";
import { createHandler } from "@/lib/engine/http/server";
import type { EngineServices, GenerateFn } from "@/lib/engine/ports";
import {
  BadRequestError,
  type ChatRequest,
  type ChatStreamEvent,
  createVectaraClient,
  ForbiddenError,
  NotFoundError,
  type VectaraClient,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";
import { serveEngine } from "../support/serve-engine";

/**
 * The chat API end to end through the typed client, answered by the engine's
 * default (extractive) generator. Tests that must see exactly what a turn was
 * built from use a probe generator instead: its rendered prompt is JSON of what it
 * was given (history, query, rephrased query), and it can be slowed down.
 */

const KB = [
  coreDoc(
    "reset-password",
    [
      "To reset your password, open Settings, choose Security and click Reset password. The emailed link expires after one hour.",
    ],
    { title: "Resetting your password" },
  ),
  coreDoc(
    "invoices",
    ["Invoices are sent monthly. Download past invoices as PDF from the Billing page."],
    { title: "Billing and invoices" },
  ),
  coreDoc(
    "webhooks",
    ["Failed webhook deliveries are retried five times with exponential backoff."],
    { title: "Webhook retries" },
  ),
  coreDoc("espresso", ["The office café serves espresso and croissants every morning."], {
    title: "Café",
  }),
];

interface SeenPrompt {
  history: Array<{ query: string; answer: string }>;
  query: string;
  rephrased?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probeGenerator(delayMs: number): GenerateFn {
  return async function* (request) {
    const seen: SeenPrompt = {
      history: request.history ?? [],
      query: request.query,
      rephrased: request.rephrasedQuery,
    };
    yield { type: "info", rendered_prompt: JSON.stringify(seen) };
    const pieces = [`About "${request.query}": `, request.results[0]?.text ?? "nothing found."];
    for (const text of pieces) {
      await sleep(delayMs);
      if (request.signal.aborted) return;
      yield { type: "chunk", text };
    }
    yield { type: "factual_consistency_score", score: 0.75 };
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The engine as created (default generator), or with a probe generator and optional rephraser. */
async function chatEngine(
  options: { probe?: boolean; delayMs?: number; rephrase?: EngineServices["rephrase"] } = {},
) {
  const fixture = makeEngine();
  await seedCorpus(fixture.client, "kb", KB);
  const handle = options.probe
    ? createHandler(new Router().add(ENGINE_ROUTES), fixture.engine.db, {
        log: () => undefined,
        generate: probeGenerator(options.delayMs ?? 0),
        rephrase: options.rephrase,
      })
    : fixture.engine.handle;
  const engine: Engine = { ...fixture.engine, handle };
  const clientWith = (apiKey?: string, baseUrl?: string): VectaraClient =>
    createVectaraClient({
      baseUrl: baseUrl ?? "http://parley.local",
      fetch: baseUrl ? undefined : handle,
      auth: apiKey ? { type: "api_key", apiKey } : undefined,
      maxRetries: 0,
    });
  return { engine, client: clientWith(engine.apiKey), clientWith };
}

async function overHttp(engine: Engine) {
  const server = await serveEngine(engine);
  closers.push(server.close);
  return createVectaraClient({
    baseUrl: server.url,
    auth: { type: "api_key", apiKey: engine.apiKey },
    maxRetries: 0,
  });
}

const ask = (query: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  query,
  search: { corpora: [{ corpus_key: "kb" }], limit: 3 },
  ...extra,
});

async function collect(stream: AsyncIterable<ChatStreamEvent>) {
  const events: ChatStreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

const answerOf = (events: ChatStreamEvent[]) =>
  events.map((e) => (e.type === "generation_chunk" ? e.text : "")).join("");

const promptOf = (rendered: string | undefined) => JSON.parse(rendered ?? "{}") as SeenPrompt;

function storedTurns(engine: Engine, chatId: string) {
  return engine.db
    .prepare(
      `SELECT ordinal, query, answer, rephrased_query, rendered_prompt, factual_consistency_score, enabled
       FROM turns WHERE chat_id = ? ORDER BY ordinal`,
    )
    .all(chatId) as Array<Record<string, unknown>>;
}

async function apiKey(engine: Engine, role: "serving" | "serving_and_indexing") {
  const created = await rawRequest(engine, "POST", "/v2/api_keys", {
    name: role,
    api_key_role: role,
  });
  return created.json.secret_key as string;
}

describe.each(["in-process", "over HTTP"])("the chat lifecycle (%s)", (transport) => {
  it("creates, streams a follow-up, lists, reads, disables and deletes", async () => {
    const { engine, client: local } = await chatEngine();
    const client = transport === "over HTTP" ? await overHttp(engine) : local;

    const first = await client.chats.create(ask("How do I reset my password?"));
    expect(first.chatId).toMatch(/^cht_[0-9a-f-]{36}$/);
    expect(first.turnId).toBe(first.chatId?.replace("cht_", "trn_"));
    expect(first.searchResults[0]?.documentId).toBe("reset-password");
    expect(first.answer.length).toBeGreaterThan(20);
    expect(first.answer).toMatch(/reset/i);
    expect(first.factualConsistencyScore).toBeGreaterThanOrEqual(0);
    expect(first.factualConsistencyScore).toBeLessThanOrEqual(1);
    expect(first.rephrasedQuery).toBe("How do I reset my password?");
    const chatId = first.chatId as string;

    const events = await collect(
      await client.turns.createStream(chatId, ask("How long is it valid?")),
    );
    const types = events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);
    expect(types).toEqual([
      "search_results",
      "chat_info",
      "generation_chunk",
      "generation_info",
      "generation_end",
      "factual_consistency_score",
      "end",
    ]);
    const info = events.find((e) => e.type === "chat_info");
    expect(info).toMatchObject({ chatId, turnId: expect.stringMatching(/^trn_/) });
    const genInfo = events.find((e) => e.type === "generation_info");
    expect(genInfo?.type === "generation_info" && genInfo.rephrasedQuery).toMatch(
      /^How long is the (?:reset|password|reset password|emailed link) valid\?$/,
    );
    const results = events.find((e) => e.type === "search_results");
    expect(results?.type === "search_results" && results.searchResults[0]?.documentId).toBe(
      "reset-password",
    );

    const chat = await client.chats.get(chatId);
    expect(chat).toMatchObject({
      id: chatId,
      firstQuery: "How do I reset my password?",
      firstAnswer: first.answer,
      enabled: true,
    });
    expect((await client.chats.list()).items.map((c) => c.id)).toContain(chatId);

    const turns = (await client.turns.list(chatId)).items;
    expect(turns.map((t) => [t.query, t.enabled])).toEqual([
      ["How do I reset my password?", true],
      ["How long is it valid?", true],
    ]);
    expect(turns[1]?.answer).toBe(answerOf(events));
    const second = turns[1]?.id as string;
    expect(await client.turns.get(chatId, second)).toMatchObject({ id: second, chatId });

    expect((await client.turns.update(chatId, second, { enabled: false })).enabled).toBe(false);
    expect((await client.turns.get(chatId, second)).enabled).toBe(false);
    await expect(client.turns.update(chatId, second, { enabled: true })).rejects.toBeInstanceOf(
      BadRequestError,
    );

    await client.turns.delete(chatId, second);
    await expect(client.turns.get(chatId, second)).rejects.toBeInstanceOf(NotFoundError);
    expect((await client.turns.list(chatId)).items).toHaveLength(1);

    await client.chats.delete(chatId);
    await expect(client.chats.get(chatId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.turns.list(chatId)).rejects.toBeInstanceOf(NotFoundError);
    expect(storedTurns(engine, chatId)).toEqual([]);
  });
});

describe("POST /v2/chats and /turns", () => {
  it("stores the same turn whether the answer was streamed or not", async () => {
    const { engine, client } = await chatEngine();
    const plain = await client.chats.create(ask("How do I reset my password?"));
    const streamed = await collect(
      await client.chats.createStream(ask("How do I reset my password?")),
    );
    const streamedId = streamed.find((e) => e.type === "chat_info");
    const streamedChat = (streamedId?.type === "chat_info" && streamedId.chatId) as string;

    await client.turns.create(plain.chatId as string, ask("Can you give me an example?"));
    await collect(
      await client.turns.createStream(streamedChat, ask("Can you give me an example?")),
    );

    const a = storedTurns(engine, plain.chatId as string);
    const b = storedTurns(engine, streamedChat);
    expect(a).toHaveLength(2);
    expect(b).toEqual(a);
    expect(a[0]?.answer).toBe(plain.answer);
    expect(b[0]?.answer).toBe(answerOf(streamed));
  });

  it("stores nothing when save_history is false, and ignores chat.store alone", async () => {
    const { engine, client } = await chatEngine();
    const unsaved = await client.chats.create(
      ask("How do I reset my password?", { save_history: false }),
    );
    expect(unsaved.chatId).toBeUndefined();
    expect(unsaved.turnId).toBeUndefined();
    expect(unsaved.answer).toContain("open Settings");
    const events = await collect(
      await client.chats.createStream(ask("reset password", { save_history: false })),
    );
    expect(events.map((e) => e.type)).not.toContain("chat_info");
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM chats").get()).toEqual({ n: 0 });

    const kept = await client.chats.create(ask("reset password", { chat: { store: false } }));
    expect(kept.chatId).toMatch(/^cht_/);
    // A turn that is not saved still reads the chat's history.
    const followUp = await client.turns.create(
      kept.chatId as string,
      ask("How long is it valid?", { save_history: false }),
    );
    expect(followUp.chatId).toBeUndefined();
    expect(followUp.rephrasedQuery).toContain("password");
    expect(storedTurns(engine, kept.chatId as string)).toHaveLength(1);
  });

  it("resolves a pronoun-only follow-up to the right document, and leaves a new topic alone", async () => {
    const { client } = await chatEngine();
    // On its own the follow-up finds nothing useful: the test could fail.
    const alone = await client.chats.create(ask("Does it cost anything?"));
    expect(alone.searchResults[0]?.documentId).not.toBe("reset-password");

    const chat = await client.chats.create(ask("How do I reset my password?"));
    const chatId = chat.chatId as string;
    const followUp = await client.turns.create(chatId, ask("Does it cost anything?"));
    expect(followUp.searchResults[0]?.documentId).toBe("reset-password");
    expect(followUp.rephrasedQuery).toMatch(/password|reset/i);

    // A pronoun is replaced by what it points at, and the answer comes from there.
    const valid = await client.turns.create(chatId, ask("How long is it valid?"));
    expect(valid.rephrasedQuery).toMatch(
      /^How long is the (?:reset password|emailed link) valid\?$/,
    );
    expect(valid.answer).toContain("The emailed link expires after one hour [1].");

    const newTopic = await client.turns.create(chatId, ask("Where can I download past invoices?"));
    expect(newTopic.rephrasedQuery).toBe("Where can I download past invoices?");
    expect(newTopic.searchResults.map((r) => r.documentId)).toEqual(["invoices"]);
  });

  it("rephrases with the configured LLM rephraser, falling back to the rewrite when it fails", async () => {
    const seen: Array<{ query: string; history: number }> = [];
    let fail = false;
    const { client } = await chatEngine({
      probe: true,
      rephrase: async ({ query, history }) => {
        seen.push({ query, history: history.length });
        if (fail) throw new Error("model down");
        return "how long is the password reset link valid";
      },
    });
    const chatId = (await client.chats.create(ask("How do I reset my password?"))).chatId as string;
    expect(seen).toEqual([]);
    const viaLlm = await client.turns.create(chatId, ask("How long is it valid?"));
    expect(viaLlm.rephrasedQuery).toBe("how long is the password reset link valid");
    expect(promptOf(viaLlm.renderedPrompt).rephrased).toBe(viaLlm.rephrasedQuery);
    expect(seen).toEqual([{ query: "How long is it valid?", history: 1 }]);
    fail = true;
    const fallback = await client.turns.create(chatId, ask("Can you give me an example?"));
    expect(fallback.rephrasedQuery).toMatch(/^Can you give me an example\? .*password/);
  });

  it("keeps disabled turns out of later rephrasing and prompts", async () => {
    const { client } = await chatEngine();
    const first = await client.chats.create(ask("How do I reset my password?"));
    const chatId = first.chatId as string;
    const second = await client.turns.create(chatId, ask("Is quetzalcoatl mode related to it?"));
    await client.turns.create(chatId, ask("And what about xylophone tokens there?"));

    const before = await client.turns.create(chatId, ask("Can you give me an example?"), {});
    expect(before.rephrasedQuery).toContain("xylophone");
    expect(before.renderedPrompt).toContain("quetzalcoatl");
    // That fourth turn is the newest; remove it so the chat is 3 turns again.
    await client.turns.delete(chatId, before.turnId as string);

    await client.turns.update(chatId, second.turnId as string, { enabled: false });
    expect((await client.turns.list(chatId)).items.map((t) => t.enabled)).toEqual([
      true,
      false,
      false,
    ]);
    expect((await client.chats.get(chatId)).enabled).toBe(true);

    const next = await client.turns.create(chatId, ask("Can you give me an example?"));
    expect(next.rephrasedQuery).toContain("password");
    for (const word of ["quetzalcoatl", "xylophone", "tokens", "mode"]) {
      expect(next.rephrasedQuery).not.toContain(word);
      expect(next.renderedPrompt).not.toContain(word);
    }
    expect(next.renderedPrompt).toContain("How do I reset my password?");
  });

  it("disables the chat with its first turn, and refuses further turns with 404", async () => {
    const { client } = await chatEngine();
    const first = await client.chats.create(ask("How do I reset my password?"));
    const chatId = first.chatId as string;
    await client.turns.update(chatId, first.turnId as string, { enabled: false });
    expect((await client.chats.get(chatId)).enabled).toBe(false);
    const refused = await client.turns.create(chatId, ask("and then?")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotFoundError);
    expect((refused as NotFoundError).message).toContain("disabled");
    expect((await client.turns.list(chatId)).items).toHaveLength(1);
  });

  it("deletes the chat with its first turn", async () => {
    const { client } = await chatEngine();
    const first = await client.chats.create(ask("How do I reset my password?"));
    const chatId = first.chatId as string;
    await client.turns.create(chatId, ask("How long is it valid?"));
    await client.turns.delete(chatId, first.turnId as string);
    await expect(client.chats.get(chatId)).rejects.toBeInstanceOf(NotFoundError);
  });

  // Issue 14: these asserted that a failed first answer left no chat at all. A streamed
  // answer now creates its chat before `chat_info` announces the id, so a client that saw
  // the id can open it after any failure: the chat stays, empty; still no turn is stored.
  it("stores no turn when the request times out mid-answer, and a streamed chat stays empty", async () => {
    const { engine } = await chatEngine({ probe: true, delayMs: 100 });
    const headers = { "request-timeout-millis": "50" };
    const plain = await rawRequest(engine, "POST", "/v2/chats", ask("reset password"), headers);
    expect(plain.status).toBe(408);
    // The unstreamed answer never told its caller a chat id: no chat was created.
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM chats").get()).toEqual({ n: 0 });
    const streamed = await rawRequest(
      engine,
      "POST",
      "/v2/chats",
      { ...ask("reset password"), stream_response: true },
      headers,
    );
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("event:error");
    expect(streamed.text.trim().endsWith('data:{"type":"end"}')).toBe(true);
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM turns").get()).toEqual({ n: 0 });
    expect(engine.db.prepare("SELECT first_query, first_answer, enabled FROM chats").all()).toEqual(
      [{ first_query: "reset password", first_answer: "", enabled: 1 }],
    );
  });

  it("stores no turn when the client goes away mid-answer; the announced chat stays, empty", async () => {
    const { engine } = await chatEngine({ probe: true, delayMs: 150 });
    const client = await overHttp(engine);
    const stream = await client.chats.createStream(ask("How do I reset my password?"));
    let chatId: string | undefined;
    for await (const e of stream) {
      if (e.type === "chat_info") chatId = e.chatId;
      if (e.type === "generation_chunk") break;
    }
    expect(chatId).toMatch(/^cht_/);
    await sleep(500);
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM turns").get()).toEqual({ n: 0 });
    expect(engine.db.prepare("SELECT id FROM chats").all()).toEqual([{ id: chatId }]);
  });

  it("a new chat exists once chat_info is out: readable, listable and open to a follow-up after the stream is dropped", async () => {
    const { engine, client } = await chatEngine({ probe: true, delayMs: 150 });
    const http = await overHttp(engine);
    const stream = await http.chats.createStream(ask("How do I reset my password?"));
    let chatId = "";
    let turnId = "";
    for await (const e of stream) {
      if (e.type === "chat_info") {
        chatId = e.chatId ?? "";
        turnId = e.turnId ?? "";
        // Read at once, while the answer is still being generated: the chat is there.
        expect(
          engine.db.prepare("SELECT first_query, first_answer FROM chats WHERE id = ?").get(chatId),
        ).toEqual({ first_query: "How do I reset my password?", first_answer: "" });
        break;
      }
    }
    expect(chatId).toMatch(/^cht_/);
    await sleep(500); // the abandoned answer is dropped (its turn is never stored)

    const chat = await client.chats.get(chatId);
    expect(chat).toMatchObject({
      id: chatId,
      firstQuery: "How do I reset my password?",
      firstAnswer: "",
      enabled: true,
    });
    const turns = [];
    for await (const t of await client.turns.list(chatId)) turns.push(t);
    expect(turns).toEqual([]);
    await expect(client.turns.get(chatId, turnId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await client.chats.list({ chat_ids: [chatId] })).items.map((c) => c.id)).toEqual([
      chatId,
    ]);

    // A follow-up on the empty chat is its first stored turn, and the chat mirrors it.
    const next = await client.turns.create(chatId, ask("Where can I download past invoices?"));
    expect(next.turnId).not.toBe(turnId);
    expect(storedTurns(engine, chatId)).toMatchObject([
      { ordinal: 0, query: "Where can I download past invoices?" },
    ]);
    expect(await client.chats.get(chatId)).toMatchObject({
      firstQuery: "Where can I download past invoices?",
      firstAnswer: next.answer,
    });
  });

  it("a streamed first answer that completes stores its turn in the chat created before chat_info", async () => {
    const { engine, client } = await chatEngine();
    const events = await collect(
      await client.chats.createStream(ask("How do I reset my password?")),
    );
    const info = events.find((e) => e.type === "chat_info");
    const chatId = info?.type === "chat_info" ? (info.chatId as string) : "";
    expect(await client.chats.get(chatId)).toMatchObject({
      firstQuery: "How do I reset my password?",
      firstAnswer: answerOf(events),
    });
    expect(storedTurns(engine, chatId)).toHaveLength(1);
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM chats").get()).toEqual({ n: 1 });
  });
});

describe("GET /v2/chats", () => {
  async function fiveChats() {
    const fixture = await chatEngine();
    const ids: string[] = [];
    for (const q of [
      "How do I reset my password?",
      "Where can I download past invoices?",
      "How are failed webhooks handled?",
      "Is there espresso in the office?",
      "Where are invoices for last month?",
    ]) {
      ids.push((await fixture.client.chats.create(ask(q))).chatId as string);
    }
    return { ...fixture, ids };
  }

  it("lists newest first and pages with limit and page_key", async () => {
    const { client, ids } = await fiveChats();
    const page = await client.chats.list({ limit: 2 });
    expect(page.items.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(page.hasNextPage()).toBe(true);
    const all: string[] = [];
    for await (const p of page.pages()) {
      expect(p.items.length).toBeLessThanOrEqual(2);
      all.push(...p.items.map((c) => c.id));
    }
    expect(all).toEqual([...ids].reverse());
    expect((await client.chats.list()).hasNextPage()).toBe(false);
  });

  it("filters by a regex over the first query or the first answer", async () => {
    const { client, ids } = await fiveChats();
    const byQuery = await client.chats.list({ filter: "where.*invoices" });
    expect(byQuery.items.map((c) => c.id)).toEqual([ids[4], ids[1]]);
    // "exponential backoff" is only in the webhook chat's answer, not its question.
    const byAnswer = await client.chats.list({ filter: "EXPONENTIAL backoff" });
    expect(byAnswer.items.map((c) => c.id)).toEqual([ids[2]]);
    const paged = await client.chats.list({ filter: "invoice", limit: 1 });
    expect(paged.items.map((c) => c.id)).toEqual([ids[4]]);
    expect((await paged.getNextPage())?.items.map((c) => c.id)).toEqual([ids[1]]);
  });

  it("filters by chat_ids, repeated or comma-separated", async () => {
    const { engine, client, ids } = await fiveChats();
    const listed = await client.chats.list({ chat_ids: [ids[0] as string, ids[3] as string] });
    expect(listed.items.map((c) => c.id)).toEqual([ids[3], ids[0]]);
    const raw = await rawRequest(engine, "GET", `/v2/chats?chat_ids=${ids[1]},${ids[2]}`);
    expect((raw.json.chats as Array<{ id: string }>).map((c) => c.id)).toEqual([ids[2], ids[1]]);
  });

  it("answers a catastrophic-backtracking filter, and 400s an invalid one", async () => {
    const { engine, client } = await chatEngine();
    for (let i = 0; i < 3; i++) await client.chats.create(ask(`${"a".repeat(4990)}b${i}`));
    await client.chats.create(ask("llama"));
    const listed = await client.chats.list({ filter: "(a+)+$", limit: 100 });
    const expected = (await client.chats.list({ limit: 100 })).items
      .filter((c) => /a$/i.test(c.firstQuery) || /a$/i.test(c.firstAnswer))
      .map((c) => c.id);
    expect(listed.items.map((c) => c.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);

    const bad = await rawRequest(engine, "GET", "/v2/chats?filter=(unclosed");
    expect(bad.status).toBe(400);
    expect(bad.json.field_errors).toHaveProperty(["query.filter"]);
    for (const query of ["limit=0", "limit=101", "page_key=bogus"]) {
      expect((await rawRequest(engine, "GET", `/v2/chats?${query}`)).status).toBe(400);
    }
  });
});

describe("GET /v2/chats/:id/turns", () => {
  it("pages turns oldest first with metadata.page_key", async () => {
    const { engine, client } = await chatEngine();
    const chatId = (await client.chats.create(ask("How do I reset my password?"))).chatId as string;
    for (const q of ["and then?", "and after that?", "anything else about it?"]) {
      await client.turns.create(chatId, ask(q));
    }
    const first = await rawRequest(engine, "GET", `/v2/chats/${chatId}/turns?limit=3`);
    expect((first.json.turns as unknown[]).length).toBe(3);
    expect(first.json.metadata).toHaveProperty("page_key");
    const queries: string[] = [];
    for await (const t of await client.turns.list(chatId, { limit: 3 })) queries.push(t.query);
    expect(queries).toEqual([
      "How do I reset my password?",
      "and then?",
      "and after that?",
      "anything else about it?",
    ]);
  });
});

describe("errors", () => {
  it("answers 400 for bad bodies, with field errors", async () => {
    const { engine, client } = await chatEngine();
    const long = await rawRequest(engine, "POST", "/v2/chats", ask("x".repeat(5001)));
    expect(long.status).toBe(400);
    expect(long.json.field_errors).toHaveProperty(["body.query"]);
    expect((await rawRequest(engine, "POST", "/v2/chats", ask("x".repeat(5000)))).status).toBe(200);
    for (const search of [{}, { corpora: [] }]) {
      const r = await rawRequest(engine, "POST", "/v2/chats", { query: "hi", search });
      expect(r.status).toBe(400);
      expect(r.json.field_errors).toHaveProperty(["body.search.corpora"]);
    }
    const chatId = (await client.chats.create(ask("reset password"))).chatId as string;
    const turn = await rawRequest(
      engine,
      "POST",
      `/v2/chats/${chatId}/turns`,
      ask("y".repeat(5001)),
    );
    expect(turn.status).toBe(400);
    const filter = await rawRequest(engine, "POST", "/v2/chats", {
      query: "hi",
      search: { corpora: [{ corpus_key: "kb", metadata_filter: "doc.nope = 1" }] },
      stream_response: true,
    });
    expect(filter.status).toBe(400);
    expect(filter.json.field_errors).toHaveProperty(["body.search.corpora.0.metadata_filter"]);
    const template = await rawRequest(engine, "POST", "/v2/chats", {
      ...ask("hi"),
      generation: { enabled: false, prompt_template: "#if (" },
      stream_response: true,
    });
    expect(template.status).toBe(400);
    expect(template.headers.get("content-type")).toContain("application/json");
    const turnId = (await client.turns.list(chatId)).items[0]?.id;
    for (const body of [{}, { enabled: "no" }]) {
      const r = await rawRequest(engine, "PATCH", `/v2/chats/${chatId}/turns/${turnId}`, body);
      expect(r.status).toBe(400);
    }
  });

  it("answers 404 for unknown chats, turns and corpora, with the id", async () => {
    const { engine, client } = await chatEngine();
    const missing = await rawRequest(engine, "GET", "/v2/chats/cht_nonexistent_000000000000");
    expect(missing.status).toBe(404);
    expect(missing.json.id).toBe("cht_nonexistent_000000000000");
    await expect(client.turns.create("cht_nope", ask("hi"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.chats.delete("cht_nope")).rejects.toBeInstanceOf(NotFoundError);
    const chatId = (await client.chats.create(ask("reset password"))).chatId as string;
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { enabled: false } : undefined;
      const r = await rawRequest(engine, method, `/v2/chats/${chatId}/turns/trn_nope`, body);
      expect(r.status).toBe(404);
      expect(r.json.id).toBe("trn_nope");
    }
    const corpus = await rawRequest(engine, "POST", "/v2/chats", {
      query: "hi",
      search: { corpora: [{ corpus_key: "nope" }] },
    });
    expect(corpus.status).toBe(404);
  });

  it("checks roles: query keys chat and read, index keys disable turns, only personal keys delete", async () => {
    const { engine, client, clientWith } = await chatEngine();
    const chatId = (await client.chats.create(ask("reset password"))).chatId as string;
    const query = clientWith(await apiKey(engine, "serving"));
    const index = clientWith(await apiKey(engine, "serving_and_indexing"));
    expect((await query.chats.get(chatId)).id).toBe(chatId);
    expect((await query.turns.list(chatId)).items).toHaveLength(1);
    // As Vectara's widgets do (notes §10.9): a query key starts chats and adds turns.
    const own = (await query.chats.create(ask("hi"))).chatId as string;
    const second = await query.turns.create(chatId, ask("and then?"));
    expect(second.chatId).toBe(chatId);
    expect((await query.turns.list(chatId)).items).toHaveLength(2);
    expect((await query.chats.list()).items.map((c) => c.id)).toContain(own);
    // Disabling a turn needs an index key; deleting a turn or a chat, a personal key.
    const turnId = second.turnId as string;
    await expect(query.turns.update(chatId, turnId, { enabled: false })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await index.turns.update(chatId, turnId, { enabled: false })).enabled).toBe(false);
    await expect(index.turns.delete(chatId, turnId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(index.chats.delete(chatId)).rejects.toBeInstanceOf(ForbiddenError);
    await client.turns.delete(chatId, turnId);
    expect((await client.turns.list(chatId)).items).toHaveLength(1);
    // Document writes still need an index key.
    await expect(
      query.documents.create("kb", coreDoc("q", ["Written by a query key."])),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await client.chats.delete(chatId);
  });
});

describe("corpus-scoped keys", () => {
  it("see only chats whose turns searched corpora within their scope", async () => {
    const { engine, client, clientWith } = await chatEngine();
    await seedCorpus(client, "faq", [coreDoc("faq-refund", ["Refunds take five days."])]);
    const onKb = (await client.chats.create(ask("reset password"))).chatId as string;
    const faqAsk = (q: string) => ({ query: q, search: { corpora: [{ corpus_key: "faq" }] } });
    const onFaq = (await client.chats.create(faqAsk("refund"))).chatId as string;
    const mixed = (await client.chats.create(faqAsk("refund"))).chatId as string;
    await client.turns.create(mixed, ask("reset password"));

    const created = await rawRequest(engine, "POST", "/v2/api_keys", {
      name: "faq widget",
      api_key_role: "serving_and_indexing",
      corpus_keys: ["faq"],
    });
    const scoped = clientWith(created.json.secret_key as string);
    expect((await scoped.chats.list()).items.map((c) => c.id)).toEqual([onFaq]);
    expect((await client.chats.list()).items.map((c) => c.id)).toEqual([mixed, onFaq, onKb]);
    await expect(scoped.chats.get(onKb)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(scoped.turns.list(mixed)).rejects.toBeInstanceOf(ForbiddenError);
    // Its history would leak the other corpus's conversation into the answer.
    await expect(scoped.turns.create(mixed, faqAsk("and then?"))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await scoped.turns.create(onFaq, faqAsk("and then?"))).chatId).toBe(onFaq);
  });
});

describe("concurrency", () => {
  it("completes 50 concurrent streaming chats over HTTP without errors", async () => {
    const { engine } = await chatEngine();
    const client = await overHttp(engine);
    const runs = await Promise.all(
      Array.from({ length: 50 }, async (_, i) =>
        collect(await client.chats.createStream(ask(i % 2 ? "reset password" : "invoices pdf"))),
      ),
    );
    for (const events of runs) {
      expect(events.at(-1)?.type).toBe("end");
      expect(answerOf(events).length).toBeGreaterThan(20);
    }
    const ids = new Set(
      runs.map((events) => {
        const info = events.find((e) => e.type === "chat_info");
        return info?.type === "chat_info" ? info.chatId : undefined;
      }),
    );
    expect(ids.size).toBe(50);
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM turns").get()).toEqual({ n: 50 });
  });

  it("lets a disable wait for a turn in flight, which then counts as later", async () => {
    const { client } = await chatEngine({ probe: true, delayMs: 60 });
    const first = await client.chats.create(ask("How do I reset my password?"));
    const chatId = first.chatId as string;
    const second = await client.turns.create(chatId, ask("How long is it valid?"));
    const inFlight = client.turns.create(chatId, ask("and after that?"));
    await sleep(20);
    await client.turns.update(chatId, second.turnId as string, { enabled: false });
    const third = await inFlight;
    expect((await client.turns.get(chatId, third.turnId as string)).enabled).toBe(false);
  });

  it("serializes concurrent turns on one chat, so histories never interleave", async () => {
    const { engine, client } = await chatEngine({ probe: true, delayMs: 5 });
    const chatId = (await client.chats.create(ask("How do I reset my password?"))).chatId as string;
    const queries = Array.from({ length: 8 }, (_, i) => `and what about step ${i} of it?`);
    // Each turn's prompt as its response returned it (turns store no rendered prompt).
    const prompts = new Map<string, string | undefined>();
    await Promise.all(
      queries.map(async (q, i) => {
        if (i % 2) {
          const turn = await client.turns.create(chatId, ask(q));
          prompts.set(turn.turnId as string, turn.renderedPrompt);
        } else {
          const events = await collect(await client.turns.createStream(chatId, ask(q)));
          const info = events.find((e) => e.type === "chat_info");
          const generation = events.find((e) => e.type === "generation_info");
          prompts.set(
            info?.type === "chat_info" ? (info.turnId as string) : "",
            generation?.type === "generation_info" ? generation.renderedPrompt : undefined,
          );
        }
      }),
    );
    const rows = storedTurns(engine, chatId);
    expect(rows.map((r) => r.ordinal)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const stored = rows.map((r) => r.query as string);
    expect([...stored.slice(1)].sort()).toEqual([...queries].sort());
    const ids = engine.db
      .prepare("SELECT id FROM turns WHERE chat_id = ? ORDER BY ordinal")
      .pluck()
      .all(chatId) as string[];
    for (const i of rows.keys()) {
      if (i === 0) continue;
      const seen = promptOf(prompts.get(ids[i] as string));
      // Each turn saw exactly the turns stored before it, in order.
      expect(seen.history.map((t) => t.query)).toEqual(stored.slice(0, i));
    }
  });
});

describe("intelligent query rewriting in chats", () => {
  it("falls back to the plain query with a warning when no LLM is configured", async () => {
    const { client } = await chatEngine();
    const answer = await client.chats.create({
      query: "How do I reset my password?",
      search: { corpora: [{ corpus_key: "kb" }] },
      intelligent_query_rewriting: true,
    });
    expect(answer.warnings).toEqual(["intelligent_query_rewriting_failed"]);
    expect(answer.searchResults.length).toBeGreaterThan(0);
    expect(answer.chatId).toMatch(/^cht_/);
  });
});
