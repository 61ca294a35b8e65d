import { describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import {
  type ChatEvent,
  disableTurns,
  newTurnIds,
  requireTurn,
  runTurn,
} from "@/lib/engine/services/chat";
import {
  answerQuery,
  planCorporaSearch,
  type SearchEvent,
  streamQuery,
} from "@/lib/engine/services/search";
import { listTurnsByChatId } from "@/lib/engine/store/chats";
import { makeEngine } from "../support/engine";
import { SUPPORT_KB, seedCorpus } from "../support/search";

/**
 * The services called in process, as a tool or test would: a context from
 * `engine.context()`, plain inputs, no Request and no HTTP handler.
 */

async function seeded() {
  const fixture = makeEngine();
  await seedCorpus(fixture.client, "kb", SUPPORT_KB);
  return fixture.engine;
}

const kb = { corpora: [{ corpus_key: "kb" }] };

describe("search service", () => {
  it("plans, retrieves and answers a query", async () => {
    const engine = await seeded();
    const ctx = engine.context();
    const plan = planCorporaSearch(ctx, "how do I reset my password", kb, "search", {});
    const answer = await answerQuery(ctx, plan);
    expect(answer.search_results[0]?.document_id).toBe("reset-password");
    expect(answer.summary).toContain("Reset password");
  });

  it("streams results, then the generation", async () => {
    const engine = await seeded();
    const ctx = engine.context();
    const events: SearchEvent[] = [];
    const plan = planCorporaSearch(ctx, "reset password", kb, "search", {});
    await streamQuery(ctx, plan, (e) => events.push(e));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("search_results");
    expect(types).toContain("generation_chunk");
    expect(types.at(-1)).toBe("factual_consistency_score");
  });

  it("keeps a scoped caller to its corpora", async () => {
    const engine = await seeded();
    const scoped = engine.context({ scope: ["other"] });
    expect(() => planCorporaSearch(scoped, "reset password", kb)).toThrow(EngineError);
    expect(() =>
      planCorporaSearch(engine.context(), "x", { corpora: [{ corpus_key: "nope" }] }),
    ).toThrow("not found");
  });
});

describe("chat service", () => {
  it("runs, stores and disables turns", async () => {
    const engine = await seeded();
    const ctx = engine.context();
    const events: ChatEvent[] = [];
    const first = newTurnIds();
    const input = { query: "how do I reset my password", search: kb };
    const out = await runTurn(ctx, input, first, { store: true, emit: (e) => events.push(e) });
    expect(out.search_results[0]?.document_id).toBe("reset-password");
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(["search_results", "chat_info"]);

    const next = newTurnIds(first.chatId);
    const followUp = await runTurn(ctx, { query: "and the rules?", search: kb }, next, {
      store: true,
    });
    expect(followUp.rephrased_query).not.toBe("and the rules?");
    const stored = listTurnsByChatId({ db: engine.db, chatId: first.chatId, limit: 10 });
    expect(stored.map((t) => t.id)).toEqual([first.turnId, next.turnId]);

    await disableTurns(ctx, requireTurn(ctx, first.chatId, next.turnId));
    const after = listTurnsByChatId({ db: engine.db, chatId: first.chatId, limit: 10 });
    expect(after.map((t) => t.enabled)).toEqual([true, false]);
  });

  it("stores nothing when asked not to", async () => {
    const engine = await seeded();
    const ctx = engine.context();
    const ids = newTurnIds();
    await runTurn(ctx, { query: "billing", search: kb }, ids, { store: false });
    expect(listTurnsByChatId({ db: engine.db, chatId: ids.chatId, limit: 10 })).toEqual([]);
  });
});
