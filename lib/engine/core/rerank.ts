import { errors } from "./errors";
import { stemTokens } from "./lexical";
import { compileUserFunction, type UserFunction } from "./userfn";

/**
 * Rerankers (`search.reranker`). Each stage rescoring all of its input, then, as
 * Vectara's spec orders it: results a user function scored null are dropped,
 * results scoring below `cutoff` are dropped, the rest is sorted by the new score
 * (stable, so ties keep their order) and cut to `limit`.
 *
 * - `none`: keeps the order and scores; only `limit` applies.
 * - `customer_reranker` (any `reranker_name`/`reranker_id`): Parley has no
 *   cross-encoder, so every name is served by the built-in reranker, which keeps
 *   the retrieval score (already in [0, 1], like Vectara's reranker scores) and
 *   order, and applies `limit` and `cutoff`. Blending in an IDF-weighted
 *   query-term coverage of the text was measured and lost (SciFact nDCG@10 0.706 →
 *   0.702, and 3× slower), so it is not done.
 * - `mmr`: maximal marginal relevance with `diversity_bias` (0 = relevance only,
 *   1 = diversity only); similarity is the cosine of the parts' embeddings when all
 *   have one, else of their stemmed term-frequency vectors.
 * - `userfn`: the user-function language (`userfn.ts`).
 * - `chain`: the stages in order (at most 50 in all, nested at most 5 deep).
 */
export type RerankerSpec =
  | {
      type: "customer_reranker";
      reranker_id?: string;
      reranker_name?: string;
      limit?: number;
      cutoff?: number;
      include_context?: boolean;
    }
  | { type: "userfn"; user_function?: string; limit?: number; cutoff?: number }
  | { type: "mmr"; diversity_bias?: number; limit?: number; cutoff?: number }
  | { type: "chain"; rerankers: RerankerSpec[] }
  | { type: "none"; limit?: number };

export const MAX_CHAIN_STAGES = 50;
export const MAX_CHAIN_DEPTH = 5;
/** MMR compares every pair, so its input is capped. */
export const MAX_MMR_INPUT = 1000;

export interface RerankItem {
  score: number;
  /** The matched part's text (what MMR compares). */
  partText: string;
  /** The result as `userfn` sees it (`$.score` is filled in per stage). */
  view: Record<string, unknown>;
  vector?: Float32Array;
}

export interface RerankEnv {
  /** `now()` for user functions: fixed for the request. */
  now: number;
}

type Stage = (items: RerankItem[]) => RerankItem[];

/**
 * Checks and compiles a reranker spec into one function; a bad spec (a user
 * function that does not parse, a chain too long) is a 400 now, before any work.
 */
export function compileReranker(
  spec: RerankerSpec | undefined,
  env: RerankEnv,
  field = "body.search.reranker",
): Stage {
  if (!spec) return (items) => items;
  let stages = 0;
  const build = (s: RerankerSpec, path: string, depth: number): Stage => {
    if (s.type === "chain") {
      if (depth >= MAX_CHAIN_DEPTH) {
        throw errors.field(path, `chains may be nested at most ${MAX_CHAIN_DEPTH} deep`);
      }
      const inner = s.rerankers.map((r, i) => build(r, `${path}.rerankers.${i}`, depth + 1));
      return (items) => inner.reduce((acc, stage) => stage(acc), items);
    }
    if (++stages > MAX_CHAIN_STAGES) {
      throw errors.field(path, `a reranker chain has at most ${MAX_CHAIN_STAGES} rerankers in all`);
    }
    switch (s.type) {
      case "none":
        return (items) => items.slice(0, s.limit ?? items.length);
      case "customer_reranker":
        return stage((items) => ({ scores: items.map((i) => i.score) }), s);
      case "mmr":
        return stage((items) => mmrScores(items, s.diversity_bias ?? 0), s);
      case "userfn": {
        const fn = compileUserFunction(
          s.user_function ?? "get('$.score')",
          `${path}.user_function`,
        );
        return stage((items) => ({ scores: userScores(items, fn, env.now) }), s);
      }
    }
  };
  return build(spec, field, 0);
}

interface Scored {
  scores: Array<number | null>;
  /** The ranking, when the scorer decides it (MMR); otherwise by score, stable. */
  order?: number[];
}

/** Wraps a scorer with the per-stage drop / cutoff / sort / limit rules. */
function stage(
  scorer: (items: RerankItem[]) => Scored,
  opts: { limit?: number; cutoff?: number },
): Stage {
  return (items) => {
    const { scores, order } = scorer(items);
    const ranked =
      order ?? items.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
    const out: RerankItem[] = [];
    for (const i of ranked) {
      const s = scores[i];
      const item = items[i] as RerankItem;
      if (s === null || s === undefined) continue;
      if (opts.cutoff !== undefined && s < opts.cutoff) continue;
      out.push({ ...item, score: s, view: { ...item.view, score: s } });
      if (out.length === opts.limit) break;
    }
    return out;
  };
}

function userScores(items: RerankItem[], fn: UserFunction, now: number): Array<number | null> {
  return items.map((item) => fn.score({ ...item.view, score: item.score }, now));
}

// ------------------------------------------------------------------ MMR

type TermVector = Map<string, number>;

function termVector(text: string): TermVector {
  const v: TermVector = new Map();
  for (const t of stemTokens(text)) v.set(t, (v.get(t) ?? 0) + 1);
  let norm = 0;
  for (const c of v.values()) norm += c * c;
  norm = Math.sqrt(norm) || 1;
  for (const [t, c] of v) v.set(t, c / norm);
  return v;
}

function cosineTerms(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Greedy MMR: repeatedly take the item maximizing
 * (1 − bias) · relevance − bias · (max similarity to an item already taken),
 * where relevance is the score over the best score. The item's new score is that
 * value, made non-increasing so the selection order is the ranking.
 */
function mmrScores(items: RerankItem[], bias: number): Scored {
  const n = Math.min(items.length, MAX_MMR_INPUT);
  const scores: Array<number | null> = items.map(() => null);
  const order: number[] = [];
  if (n === 0) return { scores, order };
  const best = Math.max(...items.slice(0, n).map((i) => i.score));
  const rel = items.map((i) => (best > 0 ? Math.max(0, i.score) / best : 0));
  const useVectors = items.slice(0, n).every((i) => i.vector);
  const terms = useVectors ? [] : items.slice(0, n).map((i) => termVector(i.partText));
  const sim = (a: number, b: number) =>
    useVectors
      ? cosine(items[a]?.vector as Float32Array, items[b]?.vector as Float32Array)
      : cosineTerms(terms[a] as TermVector, terms[b] as TermVector);
  const maxSim = new Array<number>(n).fill(0);
  const taken = new Array<boolean>(n).fill(false);
  let last = -1;
  let floor = Number.POSITIVE_INFINITY;
  for (let round = 0; round < n; round++) {
    let pick = -1;
    let value = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      if (last >= 0) maxSim[i] = Math.max(maxSim[i] as number, sim(i, last));
      const v = (1 - bias) * (rel[i] as number) - (round === 0 ? 0 : bias * (maxSim[i] as number));
      if (v > value) {
        value = v;
        pick = i;
      }
    }
    taken[pick] = true;
    last = pick;
    floor = Math.min(floor, value);
    scores[pick] = floor;
    order.push(pick);
  }
  // Past the cap, the rest keeps its order below everything MMR ranked.
  for (let i = n; i < items.length; i++) {
    floor = Math.min(floor, (1 - bias) * (rel[i] as number));
    scores[i] = floor;
    order.push(i);
  }
  return { scores, order };
}
