import { describe, expect, it } from "vitest";
import { loadTurnHistories, matchHistoryToTurns, toTurnHistory } from "@/lib/staff/query-history";
import type { QueryHistory, QueryHistorySummary } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { seedSmallKb } from "../support/small-kb";

/** The turn inspector's query-history data: mapping, matching to turns, loading. */

const summary = (over: Partial<QueryHistorySummary>): QueryHistorySummary => ({
  id: "qry_1",
  query: "q",
  ...over,
});

describe("toTurnHistory", () => {
  it("summarizes the spans: search and rerank counts, latencies, generation, score, rephrase", () => {
    const full: QueryHistory = {
      id: "qry_1",
      request: {},
      latencyMillis: 120,
      spans: [
        { type: "rephrase", latencyMillis: 2, rephrasedQuery: "how do refunds work" },
        {
          type: "search",
          latencyMillis: 30,
          searchResults: [
            {
              text: "a",
              score: 1,
              documentId: "d",
              partMetadata: {},
              documentMetadata: {},
              requestCorporaIndex: 0,
            },
          ],
        },
        { type: "rerank", latencyMillis: 4, rerankedSearchResults: [{ text: "a", score: 0.5 }] },
        { type: "generation", latencyMillis: 80, generation: "Refunds take 5 days." },
        { type: "fcs", latencyMillis: 1, score: 0.75 },
      ],
    };
    expect(toTurnHistory(summary({ latencyMillis: 99 }), full)).toEqual({
      id: "qry_1",
      latencyMs: 120,
      rephrasedQuery: "how do refunds work",
      search: { results: 1, ms: 30 },
      rerank: { results: 1, ms: 4 },
      generation: { ms: 80, characters: 20 },
      fcs: 0.75,
    });
  });

  it("falls back to the summary when the full record is missing", () => {
    expect(
      toTurnHistory(summary({ latencyMillis: 50, factualConsistencyScore: 0.4, generation: "x" })),
    ).toEqual({
      id: "qry_1",
      latencyMs: 50,
      rephrasedQuery: null,
      search: null,
      rerank: null,
      generation: null,
      fcs: 0.4,
    });
  });
});

describe("matchHistoryToTurns", () => {
  const turns = [
    { id: "trn_1", query: "refunds?" },
    { id: "trn_2", query: "and monthly?" },
    { id: "trn_3", query: "refunds?" },
  ];

  it("matches by turn id, ignoring records of other turns", () => {
    const m = matchHistoryToTurns(turns, [
      summary({ id: "qry_b", turnId: "trn_2", query: "and monthly?" }),
      summary({ id: "qry_x", turnId: "trn_gone", query: "refunds?" }),
    ]);
    expect([...m].map(([t, s]) => [t, s.id])).toEqual([["trn_2", "qry_b"]]);
  });

  it("without turn ids (Vectara SaaS), walks oldest first by query text, skipping unsaved turns", () => {
    const m = matchHistoryToTurns(turns, [
      // Newest first, as listed; trn_2 was not saved.
      summary({ id: "qry_c", query: "refunds?", startedAt: "2026-01-01T00:00:03.000Z" }),
      summary({ id: "qry_a", query: "refunds?", startedAt: "2026-01-01T00:00:01.000Z" }),
    ]);
    expect(Object.fromEntries([...m].map(([t, s]) => [t, s.id]))).toEqual({
      trn_1: "qry_a",
      trn_3: "qry_c",
    });
  });
});

describe("loadTurnHistories", () => {
  it("finds each turn's record in the engine's history, with its spans", async () => {
    const { client } = makeEngine();
    await seedSmallKb(client);
    const search = { corpora: [{ corpus_key: "support_kb" }], limit: 3 };
    const first = await client.chats.create({ query: "Can I get a refund?", search });
    const chatId = first.chatId ?? "";
    const second = await client.turns.create(chatId, { query: "and for monthly plans?", search });
    const histories = await loadTurnHistories(client, chatId, [
      { id: first.turnId ?? "", query: "Can I get a refund?" },
      { id: second.turnId ?? "", query: "and for monthly plans?" },
    ]);
    expect(histories.size).toBe(2);
    const h1 = histories.get(first.turnId ?? "");
    expect(h1?.search?.results).toBeGreaterThan(0);
    expect(h1?.generation?.characters).toBe(first.answer?.length);
    expect(h1?.fcs).toBe(first.factualConsistencyScore ?? null);
    expect(histories.get(second.turnId ?? "")?.rephrasedQuery).toBe(second.rephrasedQuery);
  });

  it("is empty, never an error, when the listing fails or finds nothing", async () => {
    const { client, clientWith } = makeEngine();
    expect((await loadTurnHistories(client, "cht_none", [{ id: "trn_1", query: "q" }])).size).toBe(
      0,
    );
    // No key: the listing is a 401, which the inspector never shows.
    const anonymous = clientWith();
    expect(
      (await loadTurnHistories(anonymous, "cht_none", [{ id: "trn_1", query: "q" }])).size,
    ).toBe(0);
  });
});
