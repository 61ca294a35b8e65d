/**
 * Retrieval metrics with binary gains, as in BEIR / trec_eval:
 *
 *   DCG@k  = Σ_{i=1..k} rel_i / log2(i + 1)      (rel_i ∈ {0, 1}, i = rank from 1)
 *   IDCG@k = Σ_{i=1..min(k, |R|)} 1 / log2(i + 1)
 *   nDCG@k = DCG@k / IDCG@k                      (0 when |R| = 0)
 *   Recall@k = |top k ∩ R| / |R|
 *
 * `ranked` is a best-first list of document ids, already de-duplicated; a repeated
 * id is counted once (at its first rank), like trec_eval does with a clean run.
 */

export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number) {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const seen = new Set<string>();
  let rank = 0;
  for (const id of ranked) {
    if (seen.has(id)) continue;
    seen.add(id);
    rank++;
    if (rank > k) break;
    if (relevant.has(id)) dcg += 1 / Math.log2(rank + 1);
  }
  let idcg = 0;
  for (let i = 1; i <= Math.min(k, relevant.size); i++) idcg += 1 / Math.log2(i + 1);
  return dcg / idcg;
}

export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number) {
  if (relevant.size === 0) return 0;
  const top = new Set<string>();
  for (const id of ranked) {
    if (top.size === k) break;
    top.add(id);
  }
  let hits = 0;
  for (const id of relevant) if (top.has(id)) hits++;
  return hits / relevant.size;
}

export interface Scored {
  documentId: string;
  score: number;
}

/**
 * Part results → a best-first document ranking. A document scores its best part
 * plus `secondWeight` × its second best (retrieval notes: 0.5), so a document with
 * two matching sections beats one with a single equally good one. With one part
 * per document this is the identity.
 */
export function aggregateParts(parts: readonly Scored[], secondWeight = 0.5): string[] {
  const best = new Map<string, [number, number]>();
  for (const p of parts) {
    const b = best.get(p.documentId);
    if (!b) best.set(p.documentId, [p.score, Number.NEGATIVE_INFINITY]);
    else if (p.score > b[0]) best.set(p.documentId, [p.score, b[0]]);
    else if (p.score > b[1]) b[1] = p.score;
  }
  return [...best.entries()]
    .map(([id, [a, b]]) => ({ id, s: a + (Number.isFinite(b) ? secondWeight * b : 0) }))
    .sort((x, y) => y.s - x.s)
    .map((d) => d.id);
}

export interface QualityRun {
  /** query id → best-first document ids */
  runs: Map<string, string[]>;
  qrels: Map<string, Set<string>>;
}

/** Mean nDCG@10 and Recall@100 over every judged query (a query with no run scores 0). */
export function evaluate({ runs, qrels }: QualityRun) {
  let ndcg = 0;
  let recall = 0;
  for (const [qid, rel] of qrels) {
    const ranked = runs.get(qid) ?? [];
    ndcg += ndcgAt(ranked, rel, 10);
    recall += recallAt(ranked, rel, 100);
  }
  return { ndcg10: ndcg / qrels.size, recall100: recall / qrels.size, queries: qrels.size };
}
