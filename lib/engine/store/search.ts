import type { Statement } from "better-sqlite3";
import type { CompiledFilter } from "../core/filter";
import { dimensionBoost, fuseRuns, WEIGHTS } from "../core/fusion";
import {
  buildTrigramMatch,
  buildWordMatch,
  hasConstraints,
  type LexicalQuery,
  parseLexicalQuery,
  type QueryTerm,
  queryTrigrams,
} from "../core/lexical";
import type { CorpusRow } from "./corpora";
import type { DB } from "./db";
import { getTermStats, type TermStats } from "./term-stats";
import { corpusVectors, cosineAll } from "./vectors";

/**
 * Retrieval over one corpus: a BM25 run over the word index (title, heading and
 * text weighted 3:2:1), a BM25 run over the trigram index, a BM25 run over whole
 * sections, and with an embedder a cosine run over the corpus's vectors; fused by
 * `core/fusion.ts`. Each run is one SQL statement returning its top candidates
 * only; the corpus and the metadata filter (SQL over `p` = parts and `d` =
 * documents) are applied to an over-fetched candidate list, or inside the
 * statement when that list is not enough (see `runParts`). Query terms are chosen
 * so that each run scores a bounded number of parts (`BUDGET`).
 */
export interface CorpusQuery {
  corpus: CorpusRow;
  /** Index of the corpus in `search.corpora` (0 for single-corpus requests). */
  corpusIndex: number;
  query: string;
  filter?: CompiledFilter;
  lexicalInterpolation: number;
  /** Resolved custom-dimension weights (see `queryDimensions`). */
  dimensions: Record<string, number>;
  /** The query's embedding, when an embedder is configured. */
  queryVector?: ArrayLike<number>;
  embeddingModel?: string;
}

export interface Hit {
  partId: number;
  score: number;
  corpusIndex: number;
  corpusKey: string;
}

/** Candidates taken from each run. */
export const RUN_CANDIDATES = 500;
export const MAX_CANDIDATES = 10_000;
/**
 * Bounds on the work of one run. BM25 costs FTS5 about 0.5 µs per matching part,
 * so the word run's terms are chosen, rarest first, until they match about
 * `max(wordMin, wordShare × parts)` parts; the trigram run likewise, with at most
 * `maxTrigrams` trigrams.
 */
export const BUDGET = {
  wordMin: 5000,
  wordShare: 0.15,
  trigramMin: 1000,
  trigramShare: 0.02,
  maxTrigrams: 16,
  /** How many more global candidates to read when the corpus or a filter drops some. */
  overfetch: 2,
};
export const wordBudget = (parts: number) => Math.max(BUDGET.wordMin, BUDGET.wordShare * parts);
export const trigramBudget = (parts: number) =>
  Math.max(BUDGET.trigramMin, BUDGET.trigramShare * parts);

const statements = new WeakMap<DB, Map<string, Statement>>();

/** Prepared statements, cached per database and SQL text (filters vary the text). */
function prepare(db: DB, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let st = cache.get(sql);
  if (!st) {
    if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
    st = db.prepare(sql);
    cache.set(sql, st);
  }
  return st;
}

export interface Checkpoint {
  check(): void;
}

/** Ranked hits for one corpus, best first. */
export function searchCorpus(db: DB, q: CorpusQuery, want: number, deadline: Checkpoint): Hit[] {
  const parsed = parseLexicalQuery(q.query);
  const stats = getTermStats(db);
  const n = Math.min(Math.max(RUN_CANDIDATES, want), MAX_CANDIDATES);
  const scope: Scope = {
    ...q,
    whole: !q.filter && holdsWholeIndex(db, q.corpus.id),
    allowed: new Map(),
  };
  const word = new Map<number, number>();
  const wordMatch = buildWordMatch(parsed, chooseTerms(parsed.terms, stats));
  if (wordMatch) {
    for (const r of runParts(db, "parts_fts", wordMatch, scope, n, want)) word.set(r.id, -r.s);
  }
  deadline.check();

  let trigram: Map<number, number> | undefined;
  const triMatch = buildTrigramMatch(chooseTrigrams(parsed, stats));
  if (triMatch) {
    trigram = new Map();
    for (const r of runParts(db, "parts_tri", triMatch, scope, n, want)) trigram.set(r.id, -r.s);
    deadline.check();
  }

  const candidates = [...word.keys(), ...(trigram?.keys() ?? [])];
  const sectionOf = sectionsOf(db, candidates);
  let section: Map<number, number> | undefined;
  let sectioned: Set<number> | undefined;
  if (wordMatch && sectionOf.size > 0) {
    const bySection = new Map<number, number>();
    for (const r of runSections(db, wordMatch, q.corpus.id, n)) bySection.set(r.id, -r.s);
    if (bySection.size > 0) {
      section = bestPartPerSection(sectionOf, bySection, word, trigram);
      sectioned = sectionedParts(db, candidates, sectionOf);
    }
    deadline.check();
  }

  let semantic: Map<number, number> | undefined;
  if (q.queryVector && q.embeddingModel && q.lexicalInterpolation < 1) {
    semantic = semanticRun(db, q, n, new Set([...word.keys(), ...(trigram?.keys() ?? [])]));
    deadline.check();
  }

  const fused = fuseRuns(
    {
      word,
      trigram,
      section,
      sectioned,
      semantic,
      restrictTo: hasConstraints(parsed) ? new Set(word.keys()) : undefined,
    },
    q.lexicalInterpolation,
  );
  if (Object.values(q.dimensions).some((w) => w !== 0) && fused.size > 0) {
    applyDimensions(db, q, fused);
  }
  return [...fused]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([partId, score]) => ({
      partId,
      score,
      corpusIndex: q.corpusIndex,
      corpusKey: q.corpus.key,
    }));
}

/**
 * A section's score goes to its best-matching part only: were it added to every
 * part of the section, one relevant section would fill the page with its sentences
 * (on SciFact split into sentences, Recall@100 fell from 0.92 to 0.87).
 */
function bestPartPerSection(
  sectionOf: Map<number, number>,
  bySection: Map<number, number>,
  word: Map<number, number>,
  trigram: Map<number, number> | undefined,
): Map<number, number> {
  const wordMax = Math.max(0, ...word.values());
  const triMax = Math.max(0, ...(trigram?.values() ?? []));
  const own = (id: number) =>
    (wordMax > 0 ? (word.get(id) ?? 0) / wordMax : 0) +
    WEIGHTS.trigram * (triMax > 0 ? (trigram?.get(id) ?? 0) / triMax : 0);
  const best = new Map<number, { part: number; score: number }>();
  for (const [part, sec] of sectionOf) {
    if (!bySection.has(sec)) continue;
    const score = own(part);
    const b = best.get(sec);
    if (!b || score > b.score || (score === b.score && part < b.part))
      best.set(sec, { part, score });
  }
  const out = new Map<number, number>();
  for (const [sec, { part }] of best) out.set(part, bySection.get(sec) as number);
  return out;
}

/**
 * The word terms to match: rarest first while their estimated matches stay within
 * the budget. A term the sketch has not seen counts as rare and is always kept;
 * so is the rarest term, and every prefix term the user typed.
 */
export function chooseTerms(terms: QueryTerm[], stats: TermStats): QueryTerm[] {
  const budget = wordBudget(stats.parts);
  const ranked = terms
    .map((t, i) => ({ t, i, df: t.prefix ? 0 : stats.wordDf(t.stem) }))
    .sort((a, b) => a.df - b.df || a.i - b.i);
  let used = 0;
  const kept = ranked.filter(({ df }, k) => {
    if (k > 0 && df > 0 && used + df > budget) return false;
    used += df;
    return true;
  });
  return kept.sort((a, b) => a.i - b.i).map(({ t }) => t);
}

/** Trigrams for the trigram run: the rarest ones, within the budget. */
export function chooseTrigrams(q: LexicalQuery, stats: TermStats): string[] {
  const budget = trigramBudget(stats.parts);
  const ranked = queryTrigrams(q)
    .map((t) => ({ t, df: stats.trigramDf(t) }))
    .filter(({ df }) => df <= 0.25 * stats.parts)
    .sort((a, b) => a.df - b.df);
  const out: string[] = [];
  let used = 0;
  for (const { t, df } of ranked) {
    if (out.length >= BUDGET.maxTrigrams) break;
    if (out.length > 0 && df > 0 && used + df > budget) continue;
    used += df;
    out.push(t);
  }
  return out;
}

interface RunRow {
  id: number;
  s: number;
}

/**
 * True when every indexed part belongs to this corpus (the usual single-corpus
 * engine). Two index probes on `parts(corpus_id)`.
 */
function holdsWholeIndex(db: DB, corpusId: number): boolean {
  return (
    prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM parts WHERE corpus_id < ? OR corpus_id > ?)")
      .pluck()
      .get(corpusId, corpusId) === 1
  );
}

/**
 * One BM25 run over a parts index, for one corpus and filter. Joining `parts` (and
 * `documents`) for every FTS5 match costs about as much as BM25 itself at 100k
 * parts, so the run first ranks the whole index without a join, reading
 * `BUDGET.overfetch`× the candidates, and applies the corpus and filter to those only.
 * That is exact for every result above the last kept one; when too few pass
 * (a selective filter, a small corpus among big ones), the run is redone with the
 * corpus and filter inside the statement. CROSS JOIN pins that statement's join
 * order: FTS5 first, then each match's part by primary key (left to the planner,
 * SQLite may scan the corpus's parts and probe FTS5 per part, a hundred times
 * slower).
 */
interface Scope extends CorpusQuery {
  /** The corpus holds every indexed part (and there is no filter). */
  whole: boolean;
  /** Parts already checked against the corpus and filter in this query. */
  allowed: Map<number, boolean>;
}

function runParts(
  db: DB,
  table: "parts_fts" | "parts_tri",
  match: string,
  q: Scope,
  limit: number,
  want: number,
): RunRow[] {
  const rank =
    table === "parts_fts" ? `bm25(parts_fts, ${WEIGHTS.columns.join(", ")})` : "bm25(parts_tri)";
  const global = prepare(
    db,
    `SELECT rowid AS id, ${rank} AS s FROM ${table} WHERE ${table} MATCH ? ORDER BY s LIMIT ?`,
  );
  if (q.whole && !q.filter) return global.all(match, limit) as RunRow[];
  const fetched = Math.min(limit * BUDGET.overfetch, MAX_CANDIDATES);
  const rows = global.all(match, fetched) as RunRow[];
  checkParts(
    db,
    q,
    rows.map((r) => r.id),
  );
  const kept = rows.filter((r) => q.allowed.get(r.id) === true);
  if (rows.length < fetched || kept.length >= Math.min(want, limit)) return kept.slice(0, limit);

  const filter = q.filter ? ` AND (${q.filter.sql})` : "";
  const docs = q.filter ? " CROSS JOIN documents d ON d.id = p.document_id" : "";
  const sql = `SELECT p.id AS id, ${rank} AS s
    FROM ${table} CROSS JOIN parts p ON p.id = ${table}.rowid${docs}
    WHERE ${table} MATCH ? AND p.corpus_id = ?${filter}
    ORDER BY s LIMIT ?`;
  return prepare(db, sql).all(match, q.corpus.id, ...(q.filter?.params ?? []), limit) as RunRow[];
}

/** Records which of `ids` are parts of the corpus that pass its filter (one query). */
function checkParts(db: DB, q: Scope, ids: number[]): void {
  const unknown = ids.filter((id) => !q.allowed.has(id));
  if (unknown.length === 0) return;
  const filter = q.filter ? ` AND (${q.filter.sql})` : "";
  const docs = q.filter ? " CROSS JOIN documents d ON d.id = p.document_id" : "";
  const sql = `SELECT p.id FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value${docs}
    WHERE p.corpus_id = ?${filter}`;
  const pass = prepare(db, sql)
    .pluck()
    .all(JSON.stringify(unknown), q.corpus.id, ...(q.filter?.params ?? [])) as number[];
  for (const id of unknown) q.allowed.set(id, false);
  for (const id of pass) q.allowed.set(id, true);
}

/** Part → section for the candidates that have one (one query). */
function sectionsOf(db: DB, ids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (ids.length === 0) return out;
  const rows = prepare(
    db,
    `SELECT p.id AS id, p.section_id AS sec FROM json_each(?) j
     CROSS JOIN parts p ON p.id = j.value WHERE p.section_id IS NOT NULL`,
  ).all(JSON.stringify([...new Set(ids)])) as Array<{ id: number; sec: number }>;
  for (const r of rows) out.set(r.id, r.sec);
  return out;
}

/**
 * The candidates the section run applies to (`Runs.sectioned`): those cut from a
 * section, plus the sectionless ones (title and description parts) of documents that
 * have sections. Only the sectionless candidates are looked up, in one query probing
 * `sections(document_id)`; a core-only corpus never gets here (no section run).
 */
function sectionedParts(db: DB, ids: number[], sectionOf: Map<number, number>): Set<number> {
  const out = new Set(sectionOf.keys());
  const sectionless = [...new Set(ids)].filter((id) => !sectionOf.has(id));
  if (sectionless.length === 0) return out;
  const rows = prepare(
    db,
    `SELECT p.id FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value
     WHERE EXISTS (SELECT 1 FROM sections s WHERE s.document_id = p.document_id)`,
  )
    .pluck()
    .all(JSON.stringify(sectionless)) as number[];
  for (const id of rows) out.add(id);
  return out;
}

function runSections(db: DB, match: string, corpusId: number, limit: number): RunRow[] {
  const sql = `SELECT s.id AS id, bm25(sections_fts, ${WEIGHTS.columns.join(", ")}) AS s
    FROM sections_fts CROSS JOIN sections s ON s.id = sections_fts.rowid
      CROSS JOIN documents d ON d.id = s.document_id
    WHERE sections_fts MATCH ? AND d.corpus_id = ?
    ORDER BY s LIMIT ?`;
  return prepare(db, sql).all(match, corpusId, limit) as RunRow[];
}

/**
 * Cosine of the query with every vector of the corpus (brute force over an
 * in-memory matrix): the top `limit`, plus every lexical candidate's similarity.
 * With a filter, only parts passing it are eligible.
 */
function semanticRun(
  db: DB,
  q: CorpusQuery,
  limit: number,
  lexical: Set<number>,
): Map<number, number> {
  const matrix = corpusVectors(db, q.corpus.id, q.embeddingModel as string);
  const sims = cosineAll(matrix, q.queryVector as ArrayLike<number>);
  let allowed: Set<number> | undefined;
  if (q.filter) {
    const sql = `SELECT p.id FROM parts p CROSS JOIN documents d ON d.id = p.document_id
      WHERE p.corpus_id = ? AND (${q.filter.sql})`;
    allowed = new Set(
      prepare(db, sql)
        .pluck()
        .all(q.corpus.id, ...q.filter.params) as number[],
    );
  }
  const order = [...sims.keys()]
    .filter((i) => !allowed || allowed.has(matrix.ids[i] as number))
    .sort((a, b) => (sims[b] as number) - (sims[a] as number))
    .slice(0, limit);
  const out = new Map<number, number>();
  for (const i of order) out.set(matrix.ids[i] as number, sims[i] as number);
  for (const id of lexical) {
    const i = matrix.row.get(id);
    if (i !== undefined) out.set(id, sims[i] as number);
  }
  return out;
}

/** Adds each candidate's custom-dimension boost (one query for all candidates). */
function applyDimensions(db: DB, q: CorpusQuery, fused: Map<number, number>): void {
  const rows = prepare(
    db,
    `SELECT p.id AS id, p.custom_dimensions AS dims
     FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value`,
  ).all(JSON.stringify([...fused.keys()])) as Array<{ id: number; dims: string | null }>;
  for (const r of rows) {
    const values = r.dims ? (JSON.parse(r.dims) as Record<string, number>) : undefined;
    const boost = dimensionBoost(q.dimensions, values, q.corpus.customDimensions);
    fused.set(r.id, (fused.get(r.id) ?? 0) + boost);
  }
}
