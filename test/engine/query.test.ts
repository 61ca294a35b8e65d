import { afterEach, describe, expect, it, vi } from "vitest";
import { ENGINE_ROUTES } from "@/lib/engine";
import { Router } from "@/lib/engine/http/router";
import { createHandler } from "@/lib/engine/http/server";
import type { GenerateFn } from "@/lib/engine/ports";
import {
  BadRequestError,
  createVectaraClient,
  ForbiddenError,
  NotFoundError,
  type QueryStreamEvent,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { coreDoc, docIds, rawRequest, SUPPORT_KB, seedCorpus } from "../support/search";

afterEach(() => {
  vi.restoreAllMocks();
});

async function twoCorpora() {
  const fixture = makeEngine();
  await seedCorpus(fixture.client, "kb", SUPPORT_KB, {
    filter_attributes: [{ name: "category", level: "document", type: "text" }],
  });
  await seedCorpus(fixture.client, "faq", [
    coreDoc("faq-password", ["Forgot your password? Use the reset link on the sign-in page."]),
    coreDoc("faq-refund", ["Refunds are issued within five days to the original card."]),
  ]);
  return fixture;
}

describe("POST /v2/query", () => {
  it("searches several corpora, tagging each result with its corpus and request index", async () => {
    const { client } = await twoCorpora();
    const answer = await client.query.query({
      query: "reset password",
      search: { corpora: [{ corpus_key: "faq" }, { corpus_key: "kb" }], limit: 20 },
    });
    const byCorpus = new Map(answer.searchResults.map((r) => [r.documentId, r]));
    expect(byCorpus.get("faq-password")).toMatchObject({
      corpusKey: "faq",
      requestCorporaIndex: 0,
    });
    expect(byCorpus.get("reset-password")).toMatchObject({
      corpusKey: "kb",
      requestCorporaIndex: 1,
    });
    const scores = answer.searchResults.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("applies each corpus's own query and filter", async () => {
    const { client } = await twoCorpora();
    const answer = await client.query.query({
      query: "password",
      search: {
        corpora: [
          { corpus_key: "faq", query: "refund card" },
          { corpus_key: "kb", metadata_filter: "doc.category = 'account'" },
        ],
        limit: 50,
      },
    });
    const ids = docIds(answer.searchResults);
    expect(ids).toContain("faq-refund");
    expect(ids).not.toContain("faq-password");
    expect(ids).toEqual(expect.arrayContaining(["reset-password", "password-rules"]));
    for (const r of answer.searchResults.filter((x) => x.corpusKey === "kb")) {
      expect(r.documentMetadata.category).toBe("account");
    }
  });

  it("pages with offset and limit", async () => {
    const { client } = await twoCorpora();
    const page = (offset: number, limit: number) =>
      client.query
        .query({
          query: "password sign account",
          search: { corpora: [{ corpus_key: "kb" }], offset, limit },
        })
        .then((a) => a.searchResults.map((r) => r.documentId));
    const all = await page(0, 4);
    expect(all).toHaveLength(4);
    expect([...(await page(0, 2)), ...(await page(2, 2))]).toEqual(all);
    expect(await page(1000, 5)).toEqual([]);
  });

  it("answers 400 without corpora, 404 for an unknown corpus, 403 outside the key's scope", async () => {
    const { client, clientWith, engine } = await twoCorpora();
    for (const search of [{}, { corpora: [] }]) {
      const r = await rawRequest(engine, "POST", "/v2/query", { query: "x", search });
      expect(r.status).toBe(400);
      expect(r.json.field_errors).toHaveProperty(["body.search.corpora"]);
    }
    const missing = await client.query
      .query({ query: "x", search: { corpora: [{ corpus_key: "kb" }, { corpus_key: "nope" }] } })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.body?.id ?? missing.id).toBe("nope");

    const created = await rawRequest(engine, "POST", "/v2/api_keys", {
      name: "widget",
      api_key_role: "serving",
      corpus_keys: ["faq"],
    });
    const widget = clientWith(created.json.secret_key as string);
    const ok = await widget.query.query({
      query: "refund",
      search: { corpora: [{ corpus_key: "faq" }] },
    });
    expect(ok.searchResults[0]?.documentId).toBe("faq-refund");
    await expect(
      widget.query.query({ query: "refund", search: { corpora: [{ corpus_key: "kb" }] } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(widget.query.search("kb", { query: "x" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("accepts a 5000-character query and refuses 5001 or none", async () => {
    const { engine } = await twoCorpora();
    const body = (query: string) => ({ query, search: { corpora: [{ corpus_key: "kb" }] } });
    const long = "password ".repeat(556).slice(0, 5000);
    expect((await rawRequest(engine, "POST", "/v2/query", body(long))).status).toBe(200);
    for (const q of [`${long}x`, ""]) {
      const r = await rawRequest(engine, "POST", "/v2/query", body(q));
      expect(r.status).toBe(400);
      expect(r.json.field_errors).toHaveProperty(["body.query"]);
    }
    const badLimit = await rawRequest(engine, "POST", "/v2/query", {
      ...body("x"),
      search: { corpora: [{ corpus_key: "kb" }], limit: 0 },
    });
    expect(badLimit.json.field_errors).toHaveProperty(["body.search.limit"]);
  });

  it("answers an empty corpus with no results", async () => {
    const { client } = makeEngine();
    await client.corpora.create({ key: "empty" });
    const answer = await client.query.query({
      query: "anything",
      search: { corpora: [{ corpus_key: "empty" }] },
    });
    expect(answer.searchResults).toEqual([]);
  });
});

describe("single-corpus endpoints", () => {
  it("POST /v2/corpora/{key}/query takes flat search parameters", async () => {
    const { client } = await twoCorpora();
    const answer = await client.query.corpus("kb", {
      query: "invoices",
      search: { limit: 1, context_configuration: { start_tag: "[", end_tag: "]" } },
    });
    expect(answer.searchResults).toHaveLength(1);
    expect(answer.searchResults[0]?.text).toMatch(/^\[Invoices are sent monthly\..*\]$/);
  });

  it("GET /v2/corpora/{key}/query reads query, limit and offset from the query string", async () => {
    const { client, engine } = await twoCorpora();
    const answer = await client.query.search("kb", { query: "password", limit: 1, offset: 1 });
    expect(answer.searchResults).toHaveLength(1);
    const first = await client.query.search("kb", { query: "password", limit: 1 });
    expect(answer.searchResults[0]?.documentId).not.toBe(first.searchResults[0]?.documentId);
    const bad = await rawRequest(engine, "GET", "/v2/corpora/kb/query?limit=2");
    expect(bad.status).toBe(400);
    expect(bad.json.field_errors).toHaveProperty(["query.query"]);
    const unknown = await rawRequest(engine, "GET", "/v2/corpora/nope/query?query=x");
    expect(unknown).toMatchObject({ status: 404, json: { id: "nope" } });
  });

  it("a query key may query but a 404 is still a 404", async () => {
    const { client } = await twoCorpora();
    await expect(client.query.corpus("nope", { query: "x" })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("streaming", () => {
  it("sends search_results then end through the typed client", async () => {
    const { client } = await twoCorpora();
    const stream = await client.query.queryStream({
      query: "refund",
      search: { corpora: [{ corpus_key: "faq" }] },
    });
    const events: QueryStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    expect(events.map((e) => e.type)).toEqual(["search_results", "end"]);
    const first = events[0];
    expect(first?.type === "search_results" && first.searchResults[0]?.documentId).toBe(
      "faq-refund",
    );
  });

  it("frames events like Vectara: event line, one data line repeating the type, blank line", async () => {
    const { engine } = await twoCorpora();
    const r = await rawRequest(engine, "POST", "/v2/corpora/faq/query", {
      query: "refund",
      stream_response: true,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const messages = r.text.split("\n\n").filter(Boolean);
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      const [event, data, ...rest] = m.split("\n");
      expect(rest).toEqual([]);
      const type = event?.replace(/^event:/, "");
      expect(JSON.parse(data?.replace(/^data:/, "") ?? "").type).toBe(type);
    }
  });

  it("reports request errors as plain JSON before any event is sent", async () => {
    const { engine } = await twoCorpora();
    const r = await rawRequest(engine, "POST", "/v2/query", {
      query: "x",
      stream_response: true,
      search: {
        corpora: [{ corpus_key: "kb" }],
        reranker: { type: "userfn", user_function: "get(" },
      },
    });
    expect(r.status).toBe(400);
    expect(r.json.field_errors).toHaveProperty(["body.search.reranker.user_function"]);
  });
});

describe("Request-Timeout-Millis", () => {
  /** Each reading of the clock jumps a second: any deadline passes at its first check. */
  function runningClock() {
    let now = Date.now();
    vi.spyOn(Date, "now").mockImplementation(() => {
      now += 1000;
      return now;
    });
  }

  it("answers 408 once the deadline passes between stages", async () => {
    const { engine } = await twoCorpora();
    runningClock();
    const r = await rawRequest(
      engine,
      "POST",
      "/v2/corpora/kb/query",
      { query: "reset password" },
      { "request-timeout-millis": "500" },
    );
    expect(r.status).toBe(408);
    expect(r.json.messages).toEqual([expect.stringMatching(/500 ms/)]);
  });

  it("ends a stream with an error event, then end", async () => {
    const { engine } = await twoCorpora();
    runningClock();
    const r = await rawRequest(
      engine,
      "POST",
      "/v2/corpora/kb/query",
      { query: "reset password", stream_response: true },
      { "request-timeout-millis": "500" },
    );
    expect(r.status).toBe(200);
    expect(r.text).toMatch(
      /^event:error\ndata:\{"type":"error","messages":\[".*500 ms.*"\]\}\n\nevent:end\ndata:\{"type":"end"\}\n\n$/,
    );
  });

  it("does not trip without a timeout header", async () => {
    const { client } = await twoCorpora();
    runningClock();
    await expect(client.query.corpus("kb", { query: "reset password" })).resolves.toBeDefined();
  });
});

describe("generation", () => {
  it("answers `generation: {}` with the default (extractive) generator", async () => {
    const { client } = await twoCorpora();
    const answer = await client.query.corpus("faq", { query: "refund", generation: {} });
    expect(answer.searchResults[0]?.documentId).toBe("faq-refund");
    expect(answer.summary).toBe("Refunds are issued within five days to the original card [1].");
    expect(answer.factualConsistencyScore).toBe(1);
  });

  it("relays a wired generator through the `generate` seam, plain and streamed", async () => {
    const { engine } = await twoCorpora();
    const seen: string[] = [];
    const generate: GenerateFn = async function* (request) {
      seen.push(`${request.query}:${request.results.length}`);
      yield { type: "chunk", text: "Refunds take " };
      yield { type: "chunk", text: "five days." };
      yield { type: "factual_consistency_score", score: 0.9 };
    };
    const handle = createHandler(new Router().add(ENGINE_ROUTES), engine.db, {
      log: () => undefined,
      generate,
    });
    const client = createVectaraClient({
      baseUrl: "http://parley.local",
      fetch: handle,
      auth: { type: "api_key", apiKey: engine.apiKey },
      maxRetries: 0,
    });
    const answer = await client.query.corpus("faq", { query: "refund", generation: {} });
    expect(answer).toMatchObject({
      summary: "Refunds take five days.",
      factualConsistencyScore: 0.9,
    });
    const stream = await client.query.corpusStream("faq", { query: "refund", generation: {} });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual([
      "search_results",
      "generation_chunk",
      "generation_chunk",
      "generation_end",
      "factual_consistency_score",
      "end",
    ]);
    expect(seen).toEqual(["refund:1", "refund:1"]);
    const plain = await client.query.corpus("faq", { query: "refund" });
    expect(plain.summary).toBeUndefined();
  });
});

it("rejects a bad request body with field errors, never a 500", async () => {
  const { engine } = await twoCorpora();
  for (const body of [
    "not json",
    { query: 5 },
    { query: "x", search: { limit: "ten" } },
    { query: "x", search: { reranker: { type: "magic" } } },
    { query: "x", search: { lexical_interpolation: 2 } },
    { query: "x", search: { context_configuration: { sentences_before: -1 } } },
    {
      query: "x",
      search: { reranker: { type: "customer_reranker", reranker_id: "rnk_272725718" } },
    },
  ]) {
    const r = await rawRequest(engine, "POST", "/v2/corpora/kb/query", body);
    expect(r.status, JSON.stringify(body)).toBe(400);
    expect(r.json.field_errors, JSON.stringify(body)).toBeDefined();
  }
  const bad = await rawRequest(engine, "POST", "/v2/query", {
    query: "x",
    search: { corpora: [{ corpus_key: "kb", metadata_filter: "doc.x =" }] },
  });
  expect(bad.status).toBe(400);
  expect(bad.json.field_errors).toHaveProperty(["body.search.corpora.0.metadata_filter"]);
  expect(BadRequestError).toBeDefined();
});
