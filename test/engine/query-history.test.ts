import { afterEach, describe, expect, it } from "vitest";
import type { Engine, EngineOptions } from "@/lib/engine";
import { insertQueryHistory } from "@/lib/engine/store/history";
import {
  createVectaraClient,
  ForbiddenError,
  NotFoundError,
  type QueryHistorySummary,
  UnauthorizedError,
  type VectaraClient,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { rawRequest, SUPPORT_KB, seedCorpus } from "../support/search";
import { serveEngine } from "../support/serve-engine";

/**
 * Query history (`GET /v2/queries`, `GET /v2/queries/{id}`) over real HTTP, through the
 * typed client and with raw requests for what the client refuses to send: what is
 * recorded for queries, streamed queries and chat turns, when, the list's filters and
 * paging, scope and roles, field errors, and retention.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Served {
  engine: Engine;
  url: string;
  client: VectaraClient;
  clientWith(apiKey?: string): VectaraClient;
  get(
    path: string,
    apiKey?: string | null,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
}

async function served(options: Partial<EngineOptions> = {}): Promise<Served> {
  const { engine, client: local } = makeEngine(options);
  await seedCorpus(local, "kb", SUPPORT_KB);
  await seedCorpus(local, "other", SUPPORT_KB.slice(0, 2));
  await local.corpora.create({ key: "saving", save_history: true });
  await local.documents.create("saving", SUPPORT_KB[0] as never);
  const server = await serveEngine(engine);
  closers.push(server.close);
  const clientWith = (apiKey?: string) =>
    createVectaraClient({
      baseUrl: server.url,
      auth: apiKey ? { type: "api_key", apiKey } : undefined,
      maxRetries: 0,
    });
  return {
    engine,
    url: server.url,
    client: clientWith(engine.apiKey),
    clientWith,
    async get(path, apiKey = engine.apiKey) {
      const response = await fetch(`${server.url}${path}`, {
        headers: apiKey ? { "x-api-key": apiKey } : {},
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : {} };
    },
  };
}

const search = (key = "kb") => ({ corpora: [{ corpus_key: key }], limit: 3 });

async function all(
  client: VectaraClient,
  params: Parameters<VectaraClient["queries"]["list"]>[0] = {},
) {
  const out: QueryHistorySummary[] = [];
  for await (const q of await client.queries.list(params)) out.push(q);
  return out;
}

async function scopedKey(engine: Engine, corpusKeys: string[]): Promise<string> {
  const created = await rawRequest(engine, "POST", "/v2/api_keys", {
    name: `scoped-${corpusKeys.join("-")}`,
    api_key_role: "serving",
    corpus_keys: corpusKeys,
  });
  return created.json.secret_key as string;
}

describe("recording", () => {
  it("records a query with save_history: its request, search, generation and fcs spans", async () => {
    const s = await served();
    const answer = await s.client.query.query({
      query: "how do I reset my password?",
      search: search(),
      generation: {},
      save_history: true,
    });
    const [summary] = await all(s.client);
    expect(summary).toBeDefined();
    expect(summary?.id).toMatch(/^qry_/);
    expect(summary?.query).toBe("how do I reset my password?");
    expect(summary?.corpusKey).toBe("kb");
    expect(summary?.generation).toBe(answer.summary);
    expect(summary?.factualConsistencyScore).toBe(answer.factualConsistencyScore);
    expect(summary?.chatId).toBeUndefined();
    expect(Date.parse(summary?.startedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);

    const full = await s.client.queries.get(summary?.id ?? "");
    expect(full.request).toMatchObject({
      query: "how do I reset my password?",
      save_history: true,
    });
    expect(full.latencyMillis).toBeGreaterThanOrEqual(0);
    expect(full.spans.map((x) => x.type)).toEqual(["search", "generation", "fcs"]);
    const [searchSpan, generation, fcs] = full.spans;
    expect(searchSpan?.searchResults?.map((r) => r.documentId)).toEqual(
      answer.searchResults.map((r) => r.documentId),
    );
    expect(searchSpan?.latencyMillis).toBeGreaterThanOrEqual(0);
    expect(generation?.generation).toBe(answer.summary);
    expect(generation?.prompt).toBe(answer.renderedPrompt);
    expect(fcs?.score).toBe(answer.factualConsistencyScore);
  });

  it("records a rerank span when a reranker runs", async () => {
    const s = await served();
    await s.client.query.query({
      query: "password",
      search: { ...search(), reranker: { type: "mmr", diversity_bias: 0.3 } },
      save_history: true,
    });
    const [summary] = await all(s.client);
    const full = await s.client.queries.get(summary?.id ?? "");
    expect(full.spans.map((x) => x.type)).toEqual(["search", "rerank"]);
    const rerank = full.spans[1];
    expect(rerank?.rerankedSearchResults?.length).toBeGreaterThan(0);
    expect(rerank?.rerankedSearchResults?.[0]?.originalScore).toBeTypeOf("number");
  });

  it("records a streamed query once the stream ends", async () => {
    const s = await served();
    const stream = await s.client.query.queryStream({
      query: "how do I download invoices?",
      search: search(),
      generation: {},
      save_history: true,
    });
    let text = "";
    for await (const e of stream) if (e.type === "generation_chunk") text += e.text;
    const [summary] = await all(s.client);
    expect(summary?.generation).toBe(text);
    const full = await s.client.queries.get(summary?.id ?? "");
    expect(full.spans.map((x) => x.type)).toEqual(["search", "generation", "fcs"]);
    expect(full.request).toMatchObject({ stream_response: true });
  });

  it("records the corpus query endpoints, as QueryRequests", async () => {
    const s = await served();
    await s.client.query.corpus("kb", {
      query: "password rules",
      search: { limit: 2, metadata_filter: "doc.id = 'password-rules'" },
      save_history: true,
    });
    await s.client.query.search("kb", { query: "sign out", save_history: true });
    const [get, post] = await all(s.client);
    expect(get?.query).toBe("sign out");
    expect(post?.query).toBe("password rules");
    expect((await s.client.queries.get(get?.id ?? "")).request).toEqual({
      query: "sign out",
      search: { corpora: [{ corpus_key: "kb" }] },
    });
    expect((await s.client.queries.get(post?.id ?? "")).request).toMatchObject({
      query: "password rules",
      search: {
        limit: 2,
        corpora: [{ corpus_key: "kb", metadata_filter: "doc.id = 'password-rules'" }],
      },
    });
  });

  it("records chat turns (new chat, streamed follow-up) with chat and turn ids, and the rephrase", async () => {
    const s = await served();
    const first = await s.client.chats.create({
      query: "how do I reset my password?",
      search: search(),
    });
    const stream = await s.client.turns.createStream(first.chatId ?? "", {
      query: "how long is it valid?",
      search: search(),
    });
    let turnId = "";
    for await (const e of stream) if (e.type === "chat_info") turnId = e.turnId ?? "";
    const turns = await all(s.client, { chat_id: first.chatId });
    expect(turns.map((t) => t.turnId)).toEqual([turnId, first.turnId]);
    expect(turns.map((t) => t.chatId)).toEqual([first.chatId, first.chatId]);
    expect(turns[1]?.generation).toBe(first.answer);

    const opening = await s.client.queries.get(turns[1]?.id ?? "");
    expect(opening.spans.map((x) => x.type)).not.toContain("rephrase");
    const followUp = await s.client.queries.get(turns[0]?.id ?? "");
    expect(followUp.chatId).toBe(first.chatId);
    expect(followUp.turnId).toBe(turnId);
    const rephrase = followUp.spans.find((x) => x.type === "rephrase");
    expect(rephrase?.rephrasedQuery).toBeTruthy();
    expect(rephrase?.rephrasedQuery).not.toBe("how long is it valid?");
    expect(followUp.spans.map((x) => x.type)).toEqual(["rephrase", "search", "generation", "fcs"]);
  });

  it("records nothing when save_history is false, or unset on a corpus that does not save", async () => {
    const s = await served();
    await s.client.query.query({ query: "password", search: search(), save_history: false });
    await s.client.query.query({ query: "password", search: search() });
    await s.client.query.search("kb", { query: "password" });
    await s.client.chats.create({ query: "password", search: search(), save_history: false });
    const stream = await s.client.query.queryStream({
      query: "x",
      search: search(),
      save_history: false,
    });
    for await (const _ of stream) {
      // drain
    }
    expect(await all(s.client)).toEqual([]);
  });

  it("records unasked when a searched corpus saves history by default, unless the request says false", async () => {
    const s = await served();
    await s.client.query.query({ query: "password", search: search("saving") });
    await s.client.query.query({
      query: "password",
      search: search("saving"),
      save_history: false,
    });
    const listed = await all(s.client);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.corpusKey).toBe("saving");
  });

  it("never fails a query when recording fails", async () => {
    const logs: string[] = [];
    const s = await served({ log: (m) => logs.push(m) });
    s.engine.db.exec("DROP TABLE query_history");
    const answer = await s.client.query.query({
      query: "password",
      search: search(),
      save_history: true,
    });
    expect(answer.searchResults.length).toBeGreaterThan(0);
    expect(logs.some((m) => m.includes("recording query history failed"))).toBe(true);
  });
});

describe("listing and reading", () => {
  async function threeQueries(s: Served) {
    const at = (iso: string, n: number, extra: { chatId?: string; keys?: string[] } = {}) =>
      insertQueryHistory(s.engine.db, {
        id: `qry_seed${n}`,
        query: `q${n}`,
        corpusKeys: extra.keys ?? ["kb"],
        chatId: extra.chatId,
        request: { query: `q${n}` },
        spans: [],
        startedAt: iso,
        latencyMillis: n,
      });
    const now = Date.now();
    at(new Date(now - 3 * 3_600_000).toISOString(), 1);
    at(new Date(now - 2 * 3_600_000).toISOString(), 2, { keys: ["other"] });
    at(new Date(now - 1 * 3_600_000).toISOString(), 3, { chatId: "cht_x", keys: ["kb", "other"] });
    return now;
  }

  it("filters by corpus, chat, start time and id; pages newest first with opaque keys", async () => {
    const s = await served();
    const now = await threeQueries(s);
    const ids = async (params: Parameters<VectaraClient["queries"]["list"]>[0]) =>
      (await all(s.client, params)).map((q) => q.id);
    expect(await ids({})).toEqual(["qry_seed3", "qry_seed2", "qry_seed1"]);
    expect(await ids({ corpus_key: "kb" })).toEqual(["qry_seed3", "qry_seed1"]);
    expect(await ids({ corpus_key: "other" })).toEqual(["qry_seed3", "qry_seed2"]);
    expect(await ids({ chat_id: "cht_x" })).toEqual(["qry_seed3"]);
    expect(await ids({ history_id: "qry_seed2" })).toEqual(["qry_seed2"]);
    const twoAndAHalfHoursAgo = new Date(now - 2.5 * 3_600_000);
    expect(await ids({ started_after: twoAndAHalfHoursAgo })).toEqual(["qry_seed3", "qry_seed2"]);
    expect(await ids({ started_before: twoAndAHalfHoursAgo.toISOString() })).toEqual(["qry_seed1"]);
    // An offset other than Z means the same instant.
    const plusTwo = new Date(now - 1.5 * 3_600_000 + 2 * 3_600_000)
      .toISOString()
      .replace("Z", "+02:00");
    expect(await ids({ started_before: plusTwo, started_after: twoAndAHalfHoursAgo })).toEqual([
      "qry_seed2",
    ]);

    const first = await s.client.queries.list({ limit: 2 });
    expect(first.items.map((q) => q.id)).toEqual(["qry_seed3", "qry_seed2"]);
    expect(first.nextPageKey).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await first.getNextPage();
    expect(second?.items.map((q) => q.id)).toEqual(["qry_seed1"]);
    expect(second?.hasNextPage()).toBe(false);
    // A new record does not shift a page already handed out.
    await s.client.query.query({ query: "password", search: search(), save_history: true });
    const again = await s.get(`/v2/queries?limit=2&page_key=${first.nextPageKey}`);
    expect((again.json.queries as Array<{ id: string }>).map((q) => q.id)).toEqual(["qry_seed1"]);
  });

  it("answers a summary's wire fields and a full record; 404 in Vectara's shape", async () => {
    const s = await served();
    await threeQueries(s);
    const listed = await s.get("/v2/queries?chat_id=cht_x");
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({
      queries: [
        {
          id: "qry_seed3",
          query: "q3",
          corpus_key: "kb",
          started_at: expect.any(String),
          latency_millis: 3,
          chat_id: "cht_x",
        },
      ],
      metadata: {},
    });
    const one = await s.get("/v2/queries/qry_seed3");
    expect(one.json).toEqual({
      id: "qry_seed3",
      query: { query: "q3" },
      chat_id: "cht_x",
      latency_millis: 3,
      started_at: expect.any(String),
      spans: [],
    });
    const missing = await s.get("/v2/queries/qry_nope");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      messages: [expect.stringContaining("qry_nope")],
      request_id: expect.any(String),
      id: "qry_nope",
    });
    await expect(s.client.queries.get("qry_nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("401 without a key; a scoped key sees only its corpora's records, 403 on another's", async () => {
    const s = await served();
    await threeQueries(s);
    expect((await s.get("/v2/queries", null)).status).toBe(401);
    expect((await s.get("/v2/queries/qry_seed1", null)).status).toBe(401);
    await expect(s.clientWith().queries.list()).rejects.toBeInstanceOf(UnauthorizedError);

    const kbOnly = s.clientWith(await scopedKey(s.engine, ["kb"]));
    expect((await all(kbOnly)).map((q) => q.id)).toEqual(["qry_seed1"]);
    expect((await kbOnly.queries.get("qry_seed1")).id).toBe("qry_seed1");
    await expect(kbOnly.queries.get("qry_seed3")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(kbOnly.queries.get("qry_seed2")).rejects.toBeInstanceOf(ForbiddenError);

    const otherOnly = s.clientWith(await scopedKey(s.engine, ["other"]));
    expect((await all(otherOnly)).map((q) => q.id)).toEqual(["qry_seed2"]);
    const both = s.clientWith(await scopedKey(s.engine, ["kb", "other"]));
    expect(await all(both)).toHaveLength(3);
  });

  it("400 naming the field for a bad limit, time or page key", async () => {
    const s = await served();
    for (const [query, field] of [
      ["limit=0", "query.limit"],
      ["limit=101", "query.limit"],
      ["limit=ten", "query.limit"],
      ["started_after=yesterday", "query.started_after"],
      ["started_before=2025-06-01", "query.started_before"],
      ["page_key=not-ours", "query.page_key"],
    ]) {
      const r = await s.get(`/v2/queries?${query}`);
      expect(r.status, query).toBe(400);
      expect(Object.keys(r.json.field_errors as object), query).toEqual([field]);
    }
  });
});

describe("retention", () => {
  it("prunes rows past maxAgeDays and beyond maxRows, in a batch every 100 inserts", async () => {
    const s = await served({ queryHistory: { maxAgeDays: 7, maxRows: 20 } });
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    for (let i = 1; i <= 99; i++) {
      insertQueryHistory(s.engine.db, {
        id: `qry_${String(i).padStart(3, "0")}`,
        query: `q${i}`,
        corpusKeys: ["kb"],
        request: {},
        spans: [],
        startedAt: i <= 10 ? old : recent,
        latencyMillis: 1,
      });
    }
    const count = () =>
      (s.engine.db.prepare("SELECT count(*) AS n FROM query_history").get() as { n: number }).n;
    expect(count()).toBe(99);
    // The 100th insert prunes: the 10 old rows by age, then all but the newest 20.
    await s.client.query.query({ query: "password", search: search(), save_history: true });
    expect(count()).toBe(20);
    const listed = await all(s.client);
    expect(listed[0]?.query).toBe("password");
    expect(listed.map((q) => q.id)).not.toContain("qry_001");
    expect(listed.map((q) => q.id)).toContain("qry_099");
  });

  it("refuses a nonsensical retention", () => {
    expect(() => makeEngine({ queryHistory: { maxRows: 0 } })).toThrow(RangeError);
    expect(() => makeEngine({ queryHistory: { maxAgeDays: -1 } })).toThrow(RangeError);
  });
});
