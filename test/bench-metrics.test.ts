import { describe, expect, it } from "vitest";
import { aggregateParts, evaluate, ndcgAt, recallAt } from "@/bench/metrics";
import { parseQrels, scaleCorpus, splitSentences } from "@/bench/scifact";

// Hand-computed: ranking [a, x, b, y] against relevant {a, b, c}.
//   DCG@10  = 1/log2(2) + 1/log2(4)                 = 1 + 0.5           = 1.5
//   IDCG@10 = 1/log2(2) + 1/log2(3) + 1/log2(4)     = 1 + 0.630930 + 0.5 = 2.130930
//   nDCG@10 = 1.5 / 2.130930                                            = 0.703918
describe("bench metrics", () => {
  const rel = new Set(["a", "b", "c"]);

  it("nDCG@k matches a hand-computed example", () => {
    expect(ndcgAt(["a", "x", "b", "y"], rel, 10)).toBeCloseTo(0.703918, 6);
    expect(ndcgAt(["a", "x", "b", "y"], rel, 1)).toBe(1);
    expect(ndcgAt(["x", "a"], new Set(["a"]), 10)).toBeCloseTo(1 / Math.log2(3), 9);
    expect(ndcgAt(["b", "c", "a"], rel, 10)).toBeCloseTo(1, 9);
    expect(ndcgAt([], rel, 10)).toBe(0);
  });

  it("a relevant document below the cut-off does not count", () => {
    const ranked = [...Array.from({ length: 10 }, (_, i) => `n${i}`), "a"];
    expect(ndcgAt(ranked, new Set(["a"]), 10)).toBe(0);
    expect(recallAt(ranked, new Set(["a"]), 10)).toBe(0);
    expect(recallAt(ranked, new Set(["a"]), 11)).toBe(1);
  });

  it("a repeated id counts once, at its first rank", () => {
    expect(ndcgAt(["a", "a", "b"], rel, 10)).toBeCloseTo(
      (1 + 1 / Math.log2(3)) / (1 + 1 / Math.log2(3) + 0.5),
      9,
    );
  });

  it("Recall@k is the share of relevant documents in the top k", () => {
    expect(recallAt(["a", "x", "b", "y"], rel, 100)).toBeCloseTo(2 / 3, 9);
    expect(recallAt(["a", "x", "b", "y"], rel, 2)).toBeCloseTo(1 / 3, 9);
  });

  it("evaluate averages over every judged query, a missing run scoring 0", () => {
    const qrels = new Map([
      ["q1", new Set(["a"])],
      ["q2", new Set(["b"])],
    ]);
    const result = evaluate({ runs: new Map([["q1", ["a"]]]), qrels });
    expect(result.ndcg10).toBe(0.5);
    expect(result.recall100).toBe(0.5);
  });

  it("a document scores its best part plus half its second best", () => {
    const ranked = aggregateParts([
      { documentId: "d1", score: 0.9 },
      { documentId: "d2", score: 0.8 },
      { documentId: "d2", score: 0.5 },
      { documentId: "d1", score: 0.1 },
      { documentId: "d3", score: 0.85 },
    ]);
    // d2 = 0.8 + 0.25 = 1.05, d1 = 0.9 + 0.05 = 0.95, d3 = 0.85
    expect(ranked).toEqual(["d2", "d1", "d3"]);
  });
});

describe("bench SciFact helpers", () => {
  it("parses qrels, skipping the header and zero gains", () => {
    const q = parseQrels("query-id\tcorpus-id\tscore\n1\t10\t1\n1\t11\t1\n2\t12\t0\n");
    expect([...q.entries()]).toEqual([["1", new Set(["10", "11"])]]);
  });

  it("splits sentences at end punctuation before a capital or digit", () => {
    expect(
      splitSentences("We did X. Results were 5.3 mg. 12 patients died! (See A.) e.g. b."),
    ).toEqual(["We did X.", "Results were 5.3 mg.", "12 patients died!", "(See A.) e.g. b."]);
  });

  it("scales a corpus with distinct ids and no identical copies", () => {
    const docs = [
      {
        id: "1",
        title: "Alpha beta",
        text: "Gamma delta epsilon zeta eta. Theta iota kappa lambda.",
      },
      { id: "2", title: "Mu nu", text: "Xi omicron pi rho sigma tau upsilon phi chi psi omega." },
    ];
    const scaled = scaleCorpus(docs, 12);
    expect(scaled.length % 2).toBe(0);
    expect(scaled.reduce((n, d) => n + d.parts.length, 0)).toBeGreaterThanOrEqual(12);
    expect(new Set(scaled.map((d) => d.id)).size).toBe(scaled.length);
    expect(scaled[0]?.parts).toEqual(["Gamma delta epsilon zeta eta.", "Theta iota kappa lambda."]);
  });
});
