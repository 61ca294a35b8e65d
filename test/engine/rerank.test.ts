import { describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import { compileReranker, type RerankerSpec, type RerankItem } from "@/lib/engine/core/rerank";
import { BadRequestError } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { coreDoc, seedCorpus } from "../support/search";

const item = (
  id: string,
  score: number,
  text: string,
  meta: Record<string, unknown> = {},
): RerankItem => ({
  score,
  partText: text,
  view: { score, text, document_id: id, document_metadata: meta, part_metadata: {} },
});

const ITEMS = [
  item("a", 0.9, "reset your password from the settings page", { boost: 1, price: 30 }),
  item("b", 0.85, "reset your password from the settings page today", { boost: 3, price: 10 }),
  item("c", 0.5, "invoices arrive monthly by email", { boost: 2 }),
  item("d", 0.2, "the cafe serves coffee", { boost: 0, price: 20 }),
];

const run = (spec: RerankerSpec | undefined, items = ITEMS) =>
  compileReranker(spec, { now: Date.parse("2026-01-01T00:00:00Z") })(items).map((i) => [
    i.view.document_id,
    Number(i.score.toFixed(3)),
  ]);
const ids = (spec: RerankerSpec) => run(spec).map(([id]) => id);

describe("rerankers (per stage: rescore, drop nulls, cutoff, sort, limit)", () => {
  it("none keeps order and scores, applying only its limit", () => {
    expect(run({ type: "none" })).toEqual(ITEMS.map((i) => [i.view.document_id, i.score]));
    expect(ids({ type: "none", limit: 2 })).toEqual(["a", "b"]);
    expect(run(undefined)).toHaveLength(4);
  });

  it("customer_reranker (any name) keeps the retrieval score, with cutoff then limit", () => {
    const spec = { type: "customer_reranker", reranker_name: "Rerank_Multilingual_v1" } as const;
    expect(ids(spec)).toEqual(["a", "b", "c", "d"]);
    expect(ids({ ...spec, cutoff: 0.5 })).toEqual(["a", "b", "c"]);
    expect(ids({ ...spec, cutoff: 0.5, limit: 1 })).toEqual(["a"]);
    expect(ids({ type: "customer_reranker", reranker_id: "rnk_272725719", limit: 3 })).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("mmr with no diversity bias is relevance order; with a bias it demotes near-duplicates", () => {
    expect(ids({ type: "mmr", diversity_bias: 0 })).toEqual(["a", "b", "c", "d"]);
    const diverse = run({ type: "mmr", diversity_bias: 0.6 });
    expect(diverse.map(([id]) => id).slice(0, 2)).toEqual(["a", "c"]);
    const scores = diverse.map(([, s]) => s as number);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(ids({ type: "mmr", diversity_bias: 0.6, limit: 2 })).toEqual(["a", "c"]);
    expect(
      run({ type: "mmr", diversity_bias: 0.6, cutoff: 0.2 }).every(([, s]) => (s as number) >= 0.2),
    ).toBe(true);
  });

  it("mmr uses embeddings when every result has one", () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const withVectors = [
      { ...item("a", 0.9, "x"), vector: v(1, 0) },
      { ...item("b", 0.85, "y"), vector: v(0.99, 0.1) },
      { ...item("c", 0.5, "x"), vector: v(0, 1) },
    ];
    expect(run({ type: "mmr", diversity_bias: 0.5 }, withVectors).map(([id]) => id)).toEqual([
      "a",
      "c",
      "b",
    ]);
  });

  it("userfn rescales by metadata, drops null scores before the limit, then cuts off", () => {
    expect(
      ids({ type: "userfn", user_function: "get('$.score') * get('$.document_metadata.boost')" }),
    ).toEqual(["b", "c", "a", "d"]);
    // Results without a price score null and are dropped before the limit applies.
    expect(
      run({ type: "userfn", user_function: "get('$.document_metadata.price')", limit: 2 }),
    ).toEqual([
      ["a", 30],
      ["d", 20],
    ]);
    expect(
      ids({ type: "userfn", user_function: "if (get('$.score') < 0.5) null else get('$.score')" }),
    ).toEqual(["a", "b", "c"]);
    expect(ids({ type: "userfn", user_function: "get('$.score')", cutoff: 0.85 })).toEqual([
      "a",
      "b",
    ]);
  });

  it("chain applies its stages in order, each with its own limit and cutoff", () => {
    const spec: RerankerSpec = {
      type: "chain",
      rerankers: [
        { type: "userfn", user_function: "get('$.document_metadata.boost', 0)", limit: 3 },
        { type: "mmr", diversity_bias: 0, cutoff: 0.5 },
        { type: "none", limit: 1 },
      ],
    };
    expect(run(spec)).toEqual([["b", 1]]);
    expect(run({ type: "chain", rerankers: [] })).toHaveLength(4);
  });

  it("refuses chains over 50 stages or nested over 5 deep, and bad user functions, as 400s", () => {
    const none = { type: "none" } as const;
    const long: RerankerSpec = { type: "chain", rerankers: Array.from({ length: 51 }, () => none) };
    expect(() => run(long)).toThrow(EngineError);
    const nested = (depth: number): RerankerSpec =>
      depth === 0 ? none : { type: "chain", rerankers: [nested(depth - 1)] };
    expect(() => run(nested(5))).not.toThrow();
    expect(() => run(nested(6))).toThrow(/nested at most 5/);
    try {
      run({
        type: "chain",
        rerankers: [none, { type: "userfn", user_function: "get('$.score' +" }],
      });
      throw new Error("expected a 400");
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).status).toBe(400);
      expect((error as EngineError).details.fieldErrors).toHaveProperty([
        "body.search.reranker.rerankers.1.user_function",
      ]);
    }
  });
});

describe("rerankers through the query API", () => {
  async function catalog() {
    const fixture = makeEngine();
    await seedCorpus(fixture.client, "shop", [
      coreDoc("kettle-a", ["Electric kettle, steel, 1.7 litres, boils fast."], {
        price: 30,
        promoted: false,
      }),
      coreDoc("kettle-b", ["Electric kettle, steel, 1.7 litres, boils fast!"], {
        price: 25,
        promoted: true,
      }),
      coreDoc("teapot", ["Ceramic teapot for loose tea, pairs with any kettle."], {
        price: 15,
        promoted: false,
      }),
    ]);
    const query = (reranker: unknown, limit = 10) =>
      fixture.client.query
        .corpus("shop", {
          query: "electric kettle",
          search: { limit, reranker: reranker as RerankerSpec },
        })
        .then((a) => a.searchResults);
    return { ...fixture, query };
  }

  it("userfn can sort by metadata and promote results", async () => {
    const { query } = await catalog();
    const cheapestFirst = await query({
      type: "userfn",
      user_function: "0 - get('$.document_metadata.price')",
    });
    expect(cheapestFirst.map((r) => r.documentId)).toEqual(["teapot", "kettle-b", "kettle-a"]);
    expect(cheapestFirst[0]?.score).toBe(-15);
    const promoted = await query({
      type: "userfn",
      user_function: "get('$.score') + get('$.document_metadata.promoted')",
      limit: 1,
    });
    expect(promoted.map((r) => r.documentId)).toEqual(["kettle-b"]);
  });

  it("mmr spreads near-duplicates apart", async () => {
    const { query } = await catalog();
    const plain = (await query({ type: "none" })).map((r) => r.documentId);
    expect(plain.slice(0, 2).sort()).toEqual(["kettle-a", "kettle-b"]);
    const diverse = (await query({ type: "mmr", diversity_bias: 0.7 })).map((r) => r.documentId);
    expect(diverse[1]).toBe("teapot");
  });

  it("reports a bad user function as a 400 on its field", async () => {
    const { query } = await catalog();
    const error = await query({ type: "userfn", user_function: "get('$.score') *" }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.fieldErrors).toHaveProperty(["body.search.reranker.user_function"]);
    expect(error.message).toMatch(/Syntax error at 1:17/);
  });
});
