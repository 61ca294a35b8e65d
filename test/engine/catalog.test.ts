import { afterEach, describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import type { Embedder } from "@/lib/engine/ports";
import { createLlm } from "@/lib/engine/providers/llm";
import {
  BadRequestError,
  createVectaraClient,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  UnauthorizedError,
  type VectaraClient,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { startOpenAiStub } from "../support/openai-stub";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";
import { serveEngine } from "../support/serve-engine";

/**
 * `GET /v2/rerankers`, `/v2/encoders`, `/v2/llms` and `/v2/llms/{id}`; choosing the LLM
 * with `generation.model_parameters.llm_name`; `response_language` in full responses.
 */

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

/** An OpenAI-compatible `/v1/chat/completions` answering `ANSWER`; `calls` lists the models asked. */
const ANSWER = "Refunds take five business days [1].";
async function startLlm(): Promise<{ url: string; calls: string[] }> {
  const stub = await startOpenAiStub({ tokens: [ANSWER] });
  servers.push(() => stub.close());
  return {
    url: stub.url,
    get calls() {
      return stub.requests.map((r) => r.model);
    },
  };
}

/** Embeds by letter counts: enough for the engine to run its semantic path. */
const embedder: Embedder = {
  model: "letters-embed-v1",
  embed: async (texts) =>
    texts.map((t) => {
      const v = new Array(26).fill(0);
      for (const c of t.toLowerCase()) {
        const i = c.charCodeAt(0) - 97;
        if (i >= 0 && i < 26) v[i] += 1;
      }
      return v;
    }),
};

const REFUND = "Refunds are issued within five business days to the original card.";

async function withKb(engine: Engine, client: VectaraClient) {
  await seedCorpus(client, "kb", [coreDoc("refunds", [REFUND], { title: "Refunds" })]);
  return engine;
}

async function apiKey(engine: Engine, role: "serving" | "serving_and_indexing") {
  const created = await rawRequest(engine, "POST", "/v2/api_keys", {
    name: role,
    api_key_role: role,
  });
  return created.json.secret_key as string;
}

/** A plain fetch over real HTTP, with `key` when given. */
async function get(url: string, path: string, key?: string) {
  const res = await fetch(`${url}${path}`, { headers: key ? { "x-api-key": key } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function served(options: Parameters<typeof makeEngine>[0] = {}) {
  const fixture = makeEngine(options);
  const http = await serveEngine(fixture.engine);
  servers.push(http.close);
  const queryKey = await apiKey(fixture.engine, "serving");
  const overHttp = (key?: string) =>
    createVectaraClient({
      baseUrl: http.url,
      auth: key ? { type: "api_key", apiKey: key } : undefined,
      maxRetries: 0,
    });
  return { ...fixture, url: http.url, queryKey, overHttp };
}

const names = (list: unknown) => (list as Array<{ name: string }>).map((e) => e.name);

describe("GET /v2/rerankers", () => {
  it("lists the rerankers search.reranker runs, with a query key, over HTTP and the client", async () => {
    const { url, queryKey, overHttp } = await served();
    const res = await get(url, "/v2/rerankers", queryKey);
    expect(res.status).toBe(200);
    expect(names(res.json.rerankers)).toEqual(["Rerank_Multilingual_v1", "mmr", "userfn", "chain"]);
    expect((res.json.rerankers as Array<Record<string, unknown>>)[0]).toEqual({
      id: "rnk_272725719",
      name: "Rerank_Multilingual_v1",
      description: expect.stringContaining("customer_reranker"),
      enabled: true,
    });
    expect(res.json.metadata).toEqual({});
    for (const r of res.json.rerankers as Array<{ id: string }>) expect(r.id).toMatch(/^rnk_\d+$/);

    const page = await overHttp(queryKey).rerankers.list({ limit: 3 });
    expect(page.items.map((r) => r.name)).toEqual(["Rerank_Multilingual_v1", "mmr", "userfn"]);
    expect(page.hasNextPage()).toBe(true);
    const all = [];
    for await (const r of page) all.push(r.id);
    expect(all).toEqual(["rnk_272725719", "rnk_272725718", "rnk_1", "rnk_2"]);
  });

  it("pages with page_key and filters by a regex over name and description", async () => {
    const { url, queryKey } = await served();
    const first = await get(url, "/v2/rerankers?limit=1", queryKey);
    expect(names(first.json.rerankers)).toEqual(["Rerank_Multilingual_v1"]);
    const key = (first.json.metadata as { page_key: string }).page_key;
    expect(key).toEqual(expect.any(String));
    const second = await get(url, `/v2/rerankers?limit=2&page_key=${key}`, queryKey);
    expect(names(second.json.rerankers)).toEqual(["mmr", "userfn"]);
    const last = await get(
      url,
      `/v2/rerankers?limit=2&page_key=${(second.json.metadata as { page_key: string }).page_key}`,
      queryKey,
    );
    expect(names(last.json.rerankers)).toEqual(["chain"]);
    expect(last.json.metadata).toEqual({});

    // Names, case-insensitively; descriptions too ("marginal" is only in MMR's).
    const byName = await get(url, "/v2/rerankers?filter=^RERANK_", queryKey);
    expect(names(byName.json.rerankers)).toEqual(["Rerank_Multilingual_v1"]);
    const byText = await get(url, "/v2/rerankers?filter=marginal", queryKey);
    expect(names(byText.json.rerankers)).toEqual(["mmr"]);
    // A filtered page's key continues the filtered list.
    const filtered = await get(url, "/v2/rerankers?filter=^(mmr|chain)$&limit=1", queryKey);
    expect(names(filtered.json.rerankers)).toEqual(["mmr"]);
    const more = await get(
      url,
      `/v2/rerankers?filter=^(mmr|chain)$&limit=1&page_key=${(filtered.json.metadata as { page_key: string }).page_key}`,
      queryKey,
    );
    expect(names(more.json.rerankers)).toEqual(["chain"]);
    expect(more.json.metadata).toEqual({});
    const none = await get(url, "/v2/rerankers?filter=slingshot", queryKey);
    expect(none.json).toEqual({ rerankers: [], metadata: {} });
  });

  it("answers 401 without a key and 400s naming the parameter", async () => {
    const { url, queryKey, overHttp } = await served();
    const anonymous = await get(url, "/v2/rerankers");
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({
      messages: [expect.any(String)],
      request_id: expect.any(String),
    });
    await expect(overHttp().rerankers.list()).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(overHttp("zqt_not-a-key").rerankers.list()).rejects.toBeInstanceOf(
      UnauthorizedError,
    );

    for (const [query, field] of [
      ["limit=0", "query.limit"],
      ["limit=101", "query.limit"],
      ["limit=ten", "query.limit"],
      ["filter=(a", "query.filter"],
      ["filter=.{0,999}z", "query.filter"],
      ["page_key=not-ours", "query.page_key"],
    ] as const) {
      const res = await get(url, `/v2/rerankers?${query}`, queryKey);
      expect(res.status, query).toBe(400);
      expect(Object.keys(res.json.field_errors as object), query).toEqual([field]);
    }
    // A page key of another list is not this list's.
    const encoders = await get(url, "/v2/encoders?limit=1", queryKey);
    expect(encoders.status).toBe(200);
    const llms = await get(url, "/v2/llms?limit=1", queryKey);
    const anotherKey = Buffer.from(JSON.stringify({ list: "llms", from: 1 })).toString("base64url");
    const crossed = await get(url, `/v2/rerankers?page_key=${anotherKey}`, queryKey);
    expect(crossed.status).toBe(400);
    expect(llms.status).toBe(200);
    // The client checks its parameters before sending.
    await expect(overHttp(queryKey).rerankers.list({ limit: 0 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });
});

describe("GET /v2/encoders", () => {
  it("lists the lexical encoder, the corpora's default", async () => {
    const { url, queryKey, overHttp, client } = await served();
    const res = await get(url, "/v2/encoders", queryKey);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      encoders: [
        {
          id: "enc_1",
          name: "parley-lexical",
          type: "lexical",
          description: expect.any(String),
          default: true,
          enabled: true,
        },
      ],
      metadata: {},
    });
    // The name a corpus gets when it names none.
    await client.corpora.create({ key: "plain" });
    const filtered = await get(url, "/v2/encoders?filter=LEXICAL", queryKey);
    expect(names(filtered.json.encoders)).toEqual(["parley-lexical"]);
    const created = await get(url, "/v2/corpora/plain", queryKey);
    expect(created.json.encoder_name).toBe("parley-lexical");
    const listed = await overHttp(queryKey).encoders.list();
    expect(listed.items).toEqual([
      {
        id: "enc_1",
        name: "parley-lexical",
        type: "lexical",
        description: expect.any(String),
        enabled: true,
        isDefault: true,
      },
    ]);
    expect((await get(url, "/v2/encoders")).status).toBe(401);
  });

  it("adds the configured embedding model, pages and filters", async () => {
    const { url, queryKey, overHttp } = await served({ embedder });
    const res = await get(url, "/v2/encoders", queryKey);
    expect(res.json.encoders).toEqual([
      expect.objectContaining({ id: "enc_1", name: "parley-lexical", default: true }),
      expect.objectContaining({
        id: "enc_2",
        name: "letters-embed-v1",
        type: "openai-compatible",
        default: false,
        enabled: true,
      }),
    ]);
    const first = await overHttp(queryKey).encoders.list({ limit: 1 });
    expect(first.items.map((e) => e.name)).toEqual(["parley-lexical"]);
    const second = await first.getNextPage();
    expect(second?.items.map((e) => e.name)).toEqual(["letters-embed-v1"]);
    expect(second?.hasNextPage()).toBe(false);
    const filtered = await overHttp(queryKey).encoders.list({ filter: "embed" });
    expect(filtered.items.map((e) => e.name)).toEqual(["letters-embed-v1"]);
    const bad = await get(url, "/v2/encoders?filter=[z-a]", queryKey);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.field_errors as object)).toEqual(["query.filter"]);
  });
});

describe("GET /v2/llms", () => {
  it("lists the extractive generator alone without an LLM, and gets it by id or name", async () => {
    const { url, queryKey, overHttp } = await served();
    const res = await get(url, "/v2/llms", queryKey);
    expect(res.status).toBe(200);
    const extractive = {
      id: "llm_parley-extractive",
      name: "parley-extractive",
      description: expect.stringContaining("extractive"),
      enabled: true,
      default: true,
    };
    expect(res.json).toEqual({ llms: [extractive], metadata: {} });
    expect((await get(url, "/v2/llms/llm_parley-extractive", queryKey)).json).toEqual(extractive);
    expect((await get(url, "/v2/llms/parley-extractive", queryKey)).json).toEqual(extractive);

    const client = overHttp(queryKey);
    expect(await client.llms.get("parley-extractive")).toEqual({
      id: "llm_parley-extractive",
      name: "parley-extractive",
      description: expect.any(String),
      enabled: true,
      isDefault: true,
    });
    expect((await client.llms.list()).items.map((l) => l.name)).toEqual(["parley-extractive"]);
    expect((await client.llms.list({ filter: "gpt" })).items).toEqual([]);
  });

  it("answers 404 in Vectara's shape for an unknown LLM, 401 without a key", async () => {
    const { url, queryKey, overHttp } = await served();
    const missing = await get(url, "/v2/llms/gpt-4o", queryKey);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      messages: ["LLM 'gpt-4o' was not found"],
      request_id: expect.any(String),
      id: "gpt-4o",
    });
    await expect(overHttp(queryKey).llms.get("llm_123")).rejects.toBeInstanceOf(NotFoundError);
    expect((await get(url, "/v2/llms/parley-extractive")).status).toBe(401);
    expect((await get(url, "/v2/llms")).status).toBe(401);
    await expect(overHttp(queryKey).llms.get("")).rejects.toBeInstanceOf(InvalidRequestError);
    const bad = await get(url, "/v2/llms?limit=500", queryKey);
    expect(Object.keys(bad.json.field_errors as object)).toEqual(["query.limit"]);
  });

  it("lists the configured LLM as the default, pages and filters", async () => {
    const stub = await startLlm();
    const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
    const { url, queryKey, overHttp } = await served({ llm });
    const res = await get(url, "/v2/llms", queryKey);
    expect(res.json.llms).toEqual([
      expect.objectContaining({ id: "llm_parley-extractive", default: false }),
      {
        id: "llm_configured",
        name: "stub-model",
        description: expect.stringContaining("stub-model"),
        enabled: true,
        default: true,
      },
    ]);
    const client = overHttp(queryKey);
    const first = await client.llms.list({ limit: 1 });
    expect(first.items.map((l) => l.name)).toEqual(["parley-extractive"]);
    expect((await first.getNextPage())?.items.map((l) => l.name)).toEqual(["stub-model"]);
    expect((await client.llms.list({ filter: "^stub" })).items.map((l) => l.id)).toEqual([
      "llm_configured",
    ]);
    expect((await client.llms.get("llm_configured")).name).toBe("stub-model");
    expect((await client.llms.get("stub-model")).isDefault).toBe(true);
    expect(stub.calls).toEqual([]);
  });
});

describe("generation.model_parameters.llm_name", () => {
  const query = (generation: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    query: "How long do refunds take?",
    search: { corpora: [{ corpus_key: "kb" }] },
    generation,
    ...extra,
  });

  it("selects the extractive generator; an unknown name is a 400 on the field, streamed or not", async () => {
    const { engine, client } = makeEngine();
    await withKb(engine, client);
    const named = await rawRequest(
      engine,
      "POST",
      "/v2/query",
      query({ model_parameters: { llm_name: "parley-extractive" } }),
    );
    expect(named.status).toBe(200);
    expect(named.json.summary).toBe(`${REFUND.slice(0, -1)} [1].`);

    for (const stream_response of [false, true]) {
      const unknown = await rawRequest(
        engine,
        "POST",
        "/v2/query",
        query({ model_parameters: { llm_name: "gpt-4o" } }, { stream_response }),
      );
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get("content-type")).toContain("application/json");
      expect(Object.keys(unknown.json.field_errors as object)).toEqual([
        "body.generation.model_parameters.llm_name",
      ]);
      expect(String(unknown.json.messages)).toContain("gpt-4o");
    }
    // The single-corpus query and a chat check it the same way.
    const corpus = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: { model_parameters: { llm_name: "mockingbird-9" } },
    });
    expect(Object.keys(corpus.json.field_errors as object)).toEqual([
      "body.generation.model_parameters.llm_name",
    ]);
    await expect(
      client.chats.create({
        query: "refunds",
        search: { corpora: [{ corpus_key: "kb" }] },
        generation: { model_parameters: { llm_name: "gpt-4o" } },
      }),
    ).rejects.toMatchObject({
      status: 400,
      fieldErrors: { "body.generation.model_parameters.llm_name": expect.any(String) },
    });
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM chats").get()).toEqual({ n: 0 });
  });

  it("picks between the configured LLM and the extractive generator, over the preset", async () => {
    const stub = await startLlm();
    const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
    const { engine, client } = makeEngine({ llm });
    await withKb(engine, client);
    const byDefault = await client.query.query(query({}));
    expect(byDefault.summary).toBe(ANSWER);
    expect(stub.calls).toEqual(["stub-model"]);

    const extractive = await client.query.query(
      query({ model_parameters: { llm_name: "parley-extractive" } }),
    );
    expect(extractive.summary).toBe(`${REFUND.slice(0, -1)} [1].`);
    expect(stub.calls).toHaveLength(1);

    // `llm_name` overrides the preset's model (notes §2.1).
    const overridden = await client.query.query(
      query({
        generation_preset_name: "parley-extractive",
        model_parameters: { llm_name: "stub-model" },
      }),
    );
    expect(overridden.summary).toBe(ANSWER);
    expect(stub.calls).toEqual(["stub-model", "stub-model"]);
    await expect(
      client.query.query(query({ model_parameters: { llm_name: "stub-model-2" } })),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(stub.calls).toHaveLength(2);
  });
});

describe("chats with a query key", () => {
  it("creates a chat, continues it and lists it, over HTTP", async () => {
    const { engine, client, queryKey, overHttp } = await served();
    await withKb(engine, client);
    const chatter = overHttp(queryKey);
    const ask = (q: string) => ({ query: q, search: { corpora: [{ corpus_key: "kb" }] } });
    const first = await chatter.chats.create(ask("How long do refunds take?"));
    const chatId = first.chatId as string;
    expect(chatId).toMatch(/^cht_/);
    expect(first.responseLanguage).toBe("eng");
    const stream = await chatter.turns.createStream(chatId, ask("and to which card?"));
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toContain("chat_info");
    expect(types.at(-1)).toBe("end");
    expect((await chatter.turns.list(chatId)).items).toHaveLength(2);
    expect((await chatter.chats.list()).items.map((c) => c.id)).toEqual([chatId]);
    // Still no document writes, and no deletes.
    await expect(
      chatter.documents.create("kb", coreDoc("x", ["A query key cannot write this."])),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(chatter.chats.delete(chatId)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("response_language", () => {
  it("is the requested language, else the query's as detected, else English", async () => {
    const { engine, client } = makeEngine();
    await withKb(engine, client);
    const ask = (query: string, generation: Record<string, unknown>) => ({
      query,
      search: { corpora: [{ corpus_key: "kb" }] },
      generation,
    });
    const auto = await rawRequest(
      engine,
      "POST",
      "/v2/query",
      ask("How long do refunds take?", {}),
    );
    expect(auto.json.response_language).toBe("eng");
    const french = await client.query.query(
      ask("How long do refunds take?", { response_language: "fra" }),
    );
    expect(french.responseLanguage).toBe("fra");
    const german = await client.query.query(
      ask("Wie lange dauert es, bis ich das Geld zurück bekomme und wann ist es da?", {
        response_language: "auto",
      }),
    );
    expect(german.responseLanguage).toBe("deu");
    // No generation, no answer language.
    const plain = await rawRequest(engine, "POST", "/v2/query", {
      query: "refunds",
      search: { corpora: [{ corpus_key: "kb" }] },
    });
    expect(plain.json).not.toHaveProperty("response_language");

    const chat = await rawRequest(engine, "POST", "/v2/chats", {
      ...ask("How long do refunds take?", { response_language: "spa" }),
    });
    expect(chat.json.response_language).toBe("spa");
    const turn = await client.turns.create(chat.json.chat_id as string, ask("and then?", {}));
    expect(turn.responseLanguage).toBe("eng");
    // Vectara's stream events carry none (`generation_info` has no such field).
    const streamed = await rawRequest(engine, "POST", "/v2/query", {
      ...ask("refunds", { response_language: "fra" }),
      stream_response: true,
    });
    expect(streamed.text).toContain("generation_info");
    expect(streamed.text).not.toContain("response_language");
  });
});
