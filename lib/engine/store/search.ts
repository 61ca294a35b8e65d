import type { Statement } from "better-sqlite3";
import type { CompiledFilter } from "../core/filter";
import { dimensionBoost, fuseRuns, WEIGHTS } from "../core/fusion";
import {
  buildTrigramMatch,
  buildWordMatch,
  ftsString,
  hasConstraints,
  type LexicalQuery,
  parseLexicalQuery,
  type QueryTerm,
  queryTrigrams,
  STOP_WORDS,
  stemTokens,
} from "../core/lexical";
import { porterStem } from "../core/stem";
import { curatedExpansions, type Expansion } from "../core/synonyms";
import type { Lexicon } from "../ports";
import {
  type AllowedCache,
  type AllowedParts,
  allowedParts,
  isAllowed,
  withAllowed,
} from "./allowed";
import type { CorpusRow } from "./corpora";
import type { DB } from "./db";
import {
  createTermStatsCache,
  getTermStats,
  type TermStats,
  type TermStatsCache,
} from "./term-stats";
import { corpusVectors, cosineAll, createVectorCache, type VectorCache } from "./vectors";
import {
  correctionsFor,
  createVocabularyCache,
  indexedPartCount,
  type VocabularyCache,
} from "./vocabulary";

/**
 * Retrieval over one corpus: a BM25 run over the word index (title, heading and
 * text weighted 3:2:1), a BM25 run over the trigram index, a BM25 run over whole
 * sections, and with an embedder a cosine run over the corpus's vectors; fused by
 * `core/fusion.ts`. Each run is one SQL statement returning its top candidates
 * only; the corpus and the metadata filter (SQL over `p` = parts and `d` =
 * documents, reading declared attributes from their typed rows) become a set of
 * allowed parts (`store/allowed.ts`) that the part runs test each match against
 * inside their statement (see `runParts`). Query terms are chosen so that each run
 * scores a bounded number of parts (`BUDGET`).
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
  /** General-English synonyms (WordNet) for query expansion; curated ones always apply. */
  lexicon?: Lexicon;
  /** Set by `searchCorpus`: query words the index has never seen, typos it could not read. */
  unknownWords?: string[];
  /** Documents to favour (a chat follow-up: those the previous answer came from). */
  preferDocuments?: string[];
  /** Set by `searchCorpus`: typos and the index words they were read as. */
  corrections?: Array<{ word: string; readAs: string[] }>;
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
  wordMax: Number.POSITIVE_INFINITY,
  trigramMin: 1000,
  trigramShare: 0.02,
  maxTrigrams: 16,
};
export const wordBudget = (parts: number) =>
  Math.max(BUDGET.wordMin, Math.min(BUDGET.wordMax, BUDGET.wordShare * parts));
export const trigramBudget = (parts: number) =>
  Math.max(BUDGET.trigramMin, BUDGET.trigramShare * parts);

/** Prepared statements, cached per engine and SQL text (filters vary the text). */
function prepare(s: Session, sql: string): Statement {
  const cache = s.caches.statements;
  let st = cache.get(sql);
  if (!st) {
    if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
    st = s.db.prepare(sql);
    cache.set(sql, st);
  }
  return st;
}

export interface Checkpoint {
  check(): void;
}

/** What searching keeps in memory per engine and database: slots of `EngineState` (`state.ts`). */
export interface SearchCaches {
  /** Prepared statements by SQL text (at most 256). */
  statements: Map<string, Statement>;
  /** Parts that pass a corpus's filter, by corpus, filter and corpus generation (`allowed.ts`). */
  allowed: AllowedCache;
  /** Section and document index counts, until the database changes. */
  coarse: { counts?: CoarseCounts };
  termStats: TermStatsCache;
  vectors: VectorCache;
  vocabulary: VocabularyCache;
}

export const createSearchCaches = (): SearchCaches => ({
  statements: new Map(),
  allowed: new Map(),
  coarse: {},
  termStats: createTermStatsCache(),
  vectors: createVectorCache(),
  vocabulary: createVocabularyCache(),
});

/** One search's handle: the connection and the engine's caches for it. */
interface Session {
  db: DB;
  caches: SearchCaches;
}

/** Ranked hits for one corpus, best first. */
export function searchCorpus(
  db: DB,
  caches: SearchCaches,
  q: CorpusQuery,
  want: number,
  deadline: Checkpoint,
): Hit[] {
  const s: Session = { db, caches };
  const parsed = parseLexicalQuery(q.query);
  const stats = getTermStats(db, caches.termStats);
  const analyzed = analyzeQuery(s, parsed, stats, q.lexicon);
  q.unknownWords = analyzed.unknown;
  q.corrections = analyzed.corrections;
  const n = Math.min(Math.max(RUN_CANDIDATES, want), MAX_CANDIDATES);
  const whole = holdsWholeIndex(s, q.corpus.id);
  const scope: Scope = {
    ...q,
    whole,
    allowed:
      q.filter || !whole ? allowedParts(s.db, s.caches.allowed, q.corpus.id, q.filter) : undefined,
  };
  const word = new Map<number, number>();
  const wordMatch = buildWordMatch(parsed, chooseTerms(analyzed.terms, stats));
  if (wordMatch) {
    for (const r of runParts(s, "parts_fts", wordMatch, scope, n)) word.set(r.id, -r.s);
  }
  deadline.check();

  let trigram: Map<number, number> | undefined;
  const triMatch = buildTrigramMatch(chooseTrigrams(parsed, stats));
  if (triMatch) {
    trigram = new Map();
    // Parts matched by letters alone score ×0.2 (`WEIGHTS.lettersOnly`): past the first
    // `want` (at least 100) of them none can reach the results, so they are not candidates.
    let lettersOnly = 0;
    for (const r of runParts(s, "parts_tri", triMatch, scope, n)) {
      if (!word.has(r.id) && ++lettersOnly > Math.max(100, want)) continue;
      trigram.set(r.id, -r.s);
    }
    deadline.check();
  }

  let expansion: Map<number, number> | undefined;
  const expansionMatch = buildExpansionMatch(chooseExpansions(analyzed.expansions, stats));
  if (expansionMatch && !hasConstraints(parsed)) {
    expansion = new Map();
    for (const r of runParts(s, "parts_fts", expansionMatch, scope, n)) {
      expansion.set(r.id, -r.s);
    }
    deadline.check();
  }

  // Section- and page-level evidence. These indexes hold one row per section or
  // document, far fewer than parts, so they take every query word (the part runs keep
  // the rarest within a budget): a common word such as "password" or "server" is
  // often what says which page the question is about. The best parts of the best
  // sections and documents join the candidates even when the budgeted part runs missed them.
  // A corpus of single-part documents (one part per document) has no page run: its
  // page is its part, which the part runs have scored already.
  const pages = q.corpus.partCount > q.corpus.documentCount;
  const allWords = buildWordMatch(parsed, analyzed.terms);
  const sectionWords = buildWordMatch(
    parsed,
    chooseCoarseTerms(s, "sections", analyzed.terms, stats.parts),
  );
  const documentWords = pages
    ? buildWordMatch(parsed, chooseCoarseTerms(s, "documents", analyzed.terms, stats.parts))
    : undefined;
  let bySection: Map<number, number> | undefined;
  let document: Map<number, number> | undefined;
  let documentExpansion: Map<number, number> | undefined;
  let leads: number[] = [];
  const preferred = preferredDocuments(s, q);
  if (allWords) {
    bySection = sectionWords ? runSections(s, sectionWords, scope, n) : new Map();
    document = documentWords
      ? runDocuments(s, documentWords, scope, DOCUMENT_CANDIDATES)
      : undefined;
    if (pages && expansionMatch && !hasConstraints(parsed)) {
      documentExpansion = runDocuments(s, expansionMatch, scope, DOCUMENT_CANDIDATES);
    }
    deadline.check();
    leads = leadParts(
      s,
      [...new Set(analyzed.terms.filter((t) => !t.prefix).map((t) => t.stem))],
      stats,
      scope,
      [...word.keys(), ...(trigram?.keys() ?? []), ...(expansion?.keys() ?? [])],
      [
        ...topRanges(s, "section", bySection, LEAD_CANDIDATES.sections),
        ...topRanges(s, "document", document ?? new Map(), LEAD_CANDIDATES.documents),
        ...topRanges(s, "document", preferred, preferred.size),
      ],
    );
    deadline.check();
  }

  const candidates = [
    ...word.keys(),
    ...(trigram?.keys() ?? []),
    ...(expansion?.keys() ?? []),
    ...leads,
  ];
  const located = locate(s, candidates);
  const sectionOf = located.section;
  let section: Map<number, number> | undefined;
  let sectioned: Set<number> | undefined;
  if (bySection && bySection.size > 0 && sectionOf.size > 0) {
    section = bestPartPerSection(sectionOf, bySection, word, trigram, located.titles);
    sectioned = sectionedParts(s, candidates, sectionOf);
  }

  let semantic: Map<number, number> | undefined;
  if (q.queryVector && q.embeddingModel && q.lexicalInterpolation < 1) {
    semantic = semanticRun(s, scope, n, new Set(candidates));
    deadline.check();
  }

  const fused = fuseRuns(
    {
      word,
      trigram,
      section,
      sectioned,
      expansion,
      document,
      documentExpansion,
      documentOf: located.document,
      titleParts: located.titles,
      leads: new Set(leads),
      preferred: new Set(preferred.keys()),
      semantic,
      restrictTo: hasConstraints(parsed) ? new Set(word.keys()) : undefined,
    },
    q.lexicalInterpolation,
  );
  if (fused.size === 0 && !hasConstraints(parsed)) {
    for (const [id, score] of nearestByLetters(s, q, parsed, want)) fused.set(id, score);
  }
  if (Object.values(q.dimensions).some((w) => w !== 0) && fused.size > 0) {
    applyDimensions(s, q, fused);
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

/** The row ids of the documents to favour, each scored 1 (for `topRanges`). */
function preferredDocuments(s: Session, q: CorpusQuery): Map<number, number> {
  if (!q.preferDocuments?.length) return new Map();
  const ids = prepare(
    s,
    "SELECT d.id FROM json_each(?) j CROSS JOIN documents d ON d.corpus_id = ? AND d.doc_id = j.value",
  )
    .pluck()
    .all(JSON.stringify(q.preferDocuments.slice(0, 5)), q.corpus.id) as number[];
  return new Map(ids.map((id) => [id, 1]));
}

/** Documents the document-level run ranks. */
export const DOCUMENT_CANDIDATES = 200;
/** The best sections and documents whose best parts always join the candidates, and how many each. */
export const LEAD_CANDIDATES = { sections: 30, documents: 20, partsRead: 80 };
/** Unseen words per query that typo correction looks at (the rest stay as typed). */
export const MAX_CORRECTED_WORDS = 8;

export interface AnalyzedQuery {
  /** The word run's terms: the user's, a typo replaced by the terms it most likely meant. */
  terms: QueryTerm[];
  /** Typos and what they were read as. */
  corrections: Array<{ word: string; readAs: string[] }>;
  /** Words the index has never seen and no close term explains. */
  unknown: string[];
  /** Synonyms and related phrasings the index holds, run at `WEIGHTS.expansion`. */
  expansions: Expansion[];
}

/** Expansions per query, at most: each one widens the expansion run's candidate set. */
const MAX_EXPANSIONS = 12;

/**
 * Typo tolerance and synonyms. A word the index has never seen (not in the term
 * sketch, and an exact look-up finds no part) is replaced by the index terms within a
 * small edit distance (`store/vocabulary.ts`); a word it holds is kept as typed. Then
 * the curated support vocabulary and WordNet add the expansions whose words the index
 * holds. Nothing here changes which parts the user's own words match.
 */
export function analyzeQuery(
  s: Session,
  parsed: LexicalQuery,
  stats: TermStats,
  lexicon: Lexicon | undefined,
): AnalyzedQuery {
  const known = (stem: string) => stats.wordDf(stem) > 0 || indexedPartCount(s.db, stem) > 0;
  const terms: QueryTerm[] = [];
  // The words of asking ("can I get", "do you have") say nothing about the topic; they
  // are dropped when the question has any other word.
  const topical = parsed.terms.filter((t) => t.prefix || !QUESTION_FILLER.has(t.text));
  const asked = topical.length > 0 ? topical : parsed.terms;
  const corrections: AnalyzedQuery["corrections"] = [];
  const unknown: string[] = [];
  let tried = 0;
  for (const t of asked) {
    if (t.prefix || known(t.stem) || /\d/.test(t.text)) {
      terms.push(t);
      continue;
    }
    // Each correction scans the vocabulary under one letter: a few per query at most.
    const readAs =
      tried++ < MAX_CORRECTED_WORDS
        ? correctionsFor(s.db, s.caches.vocabulary, t.text, t.stem)
        : ([] as string[]);
    if (readAs.length === 0) {
      terms.push(t);
      unknown.push(t.text);
      continue;
    }
    corrections.push({ word: t.text, readAs });
    for (const w of readAs) terms.push({ text: w, stem: porterStem(w), prefix: false });
  }

  const text = [...terms.map((t) => t.text), ...parsed.phrases.flat()].join(" ");
  const original = parsed.terms.map((t) => t.text).join(" ");
  const { expansions: curated, matched } = curatedExpansions(`${original} ${text}`);
  const expansions: Expansion[] = [];
  const seen = new Set(terms.map((t) => t.stem));
  const add = (e: Expansion) => {
    if (expansions.length >= MAX_EXPANSIONS) return;
    const stems = e.words.map(porterStem);
    const key = stems.join(" ");
    if (seen.has(key) || !stems.every((stem) => STOP_WORDS.has(stem) || known(stem))) return;
    seen.add(key);
    expansions.push(e);
  };
  for (const e of curated) {
    // A rule rewrites an idiom into the knowledge base's words, which take its place.
    if (e.source === "rule") {
      const replaced = new Set(e.replaces ?? []);
      for (let i = terms.length - 1; i >= 0; i--) {
        if (replaced.has((terms[i] as QueryTerm).stem)) terms.splice(i, 1);
      }
      for (const w of e.words) {
        const stem = porterStem(w);
        if (STOP_WORDS.has(w) || seen.has(stem) || !known(stem)) continue;
        seen.add(stem);
        terms.push({ text: w, stem, prefix: false });
      }
    } else add(e);
  }
  if (lexicon) {
    for (const t of terms) {
      if (t.prefix || matched.has(t.stem)) continue;
      for (const words of lexicon.synonyms(t.text).slice(0, 3)) add({ words, source: "wordnet" });
    }
  }
  // A word the knowledge base lacks but says in other words ("valid" → expires) is not unknown.
  const bridged = unknown.filter((w) => !matched.has(porterStem(w)));
  return { terms, corrections, unknown: bridged, expansions };
}

/** Pronouns and auxiliaries of a question: they ask, they are not what is asked about. */
const QUESTION_FILLER: ReadonlySet<string> = new Set([
  ...["i", "me", "my", "we", "us", "our", "you", "your", "can", "could", "would", "should"],
  ...["do", "does", "did", "get", "got", "have", "has", "had", "am", "please", "just", "any"],
  ...["need", "want", "im", "ive", "cant", "dont", "doesnt"],
]);

/**
 * The expansions the expansion run takes: rarest first (by their rarest word's
 * estimated part count) within the word run's budget, like `chooseTerms`.
 */
function chooseExpansions(expansions: Expansion[], stats: TermStats): Expansion[] {
  return rarestWithin(
    expansions,
    (e) => Math.min(...e.words.map((w) => stats.wordDf(porterStem(w)))),
    wordBudget(stats.parts),
  );
}

/**
 * The words the section and page runs take: every word, except that when together
 * they would match more than `COARSE_BUDGET` allows, the most common are left out (rarest kept first, from the exact counts
 * of `sections_fts_vocab` / `docs_fts_vocab`). FTS5 scores every row a query's words
 * match, so this bounds the run's cost; a question's topic words are rarely that common.
 */
export function chooseCoarseTerms(
  s: Session,
  level: "sections" | "documents",
  terms: QueryTerm[],
  parts: number,
): QueryTerm[] {
  if (terms.length <= 1) return terms;
  const floor = parts <= COARSE_BUDGET.smallIndex ? COARSE_BUDGET.small : COARSE_BUDGET.large;
  const cache = coarseCache(s);
  const budget = Math.max(floor, COARSE_BUDGET.share * coarseRows(s, cache, level));
  return rarestWithin(terms, (t) => (t.prefix ? 0 : coarseCount(s, cache, level, t.stem)), budget);
}

/**
 * Rows of the section or document index and per-term row counts (exact, from
 * `fts5vocab`, which walks the term's doclist: ~0.06 ms a common word), kept in memory
 * until the database changes (this connection's `total_changes()` or, for another
 * connection's commits, `PRAGMA data_version`). Documents are counted by the corpora's
 * counters (migration 5) rather than a scan.
 */
interface CoarseCounts {
  version: string;
  rows: Map<string, number>;
  terms: Map<string, number>;
}
const MAX_CACHED_TERMS = 20_000;

function coarseCache(s: Session): CoarseCounts {
  const version = `${prepare(s, "PRAGMA data_version").pluck().get()}:${prepare(s, "SELECT total_changes()").pluck().get()}`;
  let cache = s.caches.coarse.counts;
  if (!cache || cache.version !== version) {
    cache = { version, rows: new Map(), terms: new Map() };
    s.caches.coarse.counts = cache;
  }
  return cache;
}

function coarseRows(s: Session, cache: CoarseCounts, level: "sections" | "documents"): number {
  let n = cache.rows.get(level);
  if (n === undefined) {
    n = prepare(
      s,
      level === "sections"
        ? "SELECT COUNT(*) FROM sections"
        : "SELECT COALESCE(SUM(document_count), 0) FROM corpora",
    )
      .pluck()
      .get() as number;
    cache.rows.set(level, n);
  }
  return n;
}

function coarseCount(
  s: Session,
  cache: CoarseCounts,
  level: "sections" | "documents",
  stem: string,
): number {
  const key = `${level}:${stem}`;
  let n = cache.terms.get(key);
  if (n === undefined) {
    const vocab = level === "sections" ? "sections_fts_vocab" : "docs_fts_vocab";
    n =
      (prepare(s, `SELECT doc FROM ${vocab} WHERE term = ?`).pluck().get(stem) as
        | number
        | undefined) ?? 0;
    if (cache.terms.size >= MAX_CACHED_TERMS) cache.terms.clear();
    cache.terms.set(key, n);
  }
  return n;
}

/**
 * Bounds on the section and page runs: matches of a quarter of the rows, or at least
 * 20,000 in an index of up to 50,000 parts (every word of a long question, on the
 * PostgreSQL manual), 5,000 above (the page run at 135k parts: 8 ms → 4 ms a query).
 */
export const COARSE_BUDGET = { share: 0.25, small: 20_000, large: 5000, smallIndex: 50_000 };

/** An OR of the expansions, phrases quoted (`"log in"`), for the word index. */
function buildExpansionMatch(expansions: Expansion[]): string | undefined {
  if (expansions.length === 0) return undefined;
  return expansions.map((e) => ftsString(e.words.join(" "))).join(" OR ");
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
  titles: Set<number>,
): Map<number, number> {
  const wordMax = Math.max(0, ...word.values());
  const triMax = Math.max(0, ...(trigram?.values() ?? []));
  const own = (id: number) =>
    (wordMax > 0 ? (word.get(id) ?? 0) / wordMax : 0) +
    WEIGHTS.trigram * (triMax > 0 ? (trigram?.get(id) ?? 0) / triMax : 0);
  const best = new Map<number, { part: number; score: number }>();
  for (const [part, sec] of sectionOf) {
    if (!bySection.has(sec)) continue;
    // The section's heading part stands for it only when no text part of it is a candidate.
    const score = own(part) - (titles.has(part) ? 2 : 0);
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
  return rarestWithin(terms, (t) => (t.prefix ? 0 : stats.wordDf(t.stem)), wordBudget(stats.parts));
}

/**
 * The items to query with: rarest first (by `df`, the rows each matches) while their
 * matches add up to at most `budget`, in their original order. The rarest is always
 * kept, and so is an item of unknown frequency (`df` 0).
 */
function rarestWithin<T>(items: T[], df: (item: T) => number, budget: number): T[] {
  const ranked = items.map((item, i) => ({ item, i, df: df(item) }));
  ranked.sort((a, b) => a.df - b.df || a.i - b.i);
  let used = 0;
  const kept = ranked.filter((r, k) => {
    if (k > 0 && r.df > 0 && used + r.df > budget) return false;
    used += r.df;
    return true;
  });
  return kept.sort((a, b) => a.i - b.i).map((r) => r.item);
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
function holdsWholeIndex(s: Session, corpusId: number): boolean {
  return (
    prepare(s, "SELECT NOT EXISTS (SELECT 1 FROM parts WHERE corpus_id < ? OR corpus_id > ?)")
      .pluck()
      .get(corpusId, corpusId) === 1
  );
}

interface Scope extends CorpusQuery {
  /** The corpus holds every indexed part. */
  whole: boolean;
  /**
   * The parts the runs may return (the corpus's, passing the filter), or undefined
   * when that is every indexed part (`store/allowed.ts`).
   */
  allowed: AllowedParts | undefined;
}

const passes = (q: Scope, id: number) => q.allowed === undefined || isAllowed(q.allowed, id);

/**
 * One BM25 run over a parts index, for one corpus and filter: the top `limit` parts.
 * With a corpus that is not the whole index, or a filter, the statement tests each
 * FTS5 match against the allowed set before ranking it (`parley_allowed`, a bitset
 * look-up), so BM25 is computed only for allowed parts and the ranking is exact
 * however selective the filter. Without them it ranks the index as it is.
 */
function runParts(
  s: Session,
  table: "parts_fts" | "parts_tri",
  match: string,
  q: Scope,
  limit: number,
): RunRow[] {
  const rank =
    table === "parts_fts" ? `bm25(parts_fts, ${WEIGHTS.columns.join(", ")})` : "bm25(parts_tri)";
  const allowed = q.allowed;
  if (!allowed) {
    return prepare(
      s,
      `SELECT rowid AS id, ${rank} AS s FROM ${table} WHERE ${table} MATCH ? ORDER BY s LIMIT ?`,
    ).all(match, limit) as RunRow[];
  }
  if (allowed.size === 0) return [];
  const sql = `SELECT rowid AS id, ${rank} AS s FROM ${table}
    WHERE ${table} MATCH ? AND parley_allowed(rowid) ORDER BY s LIMIT ?`;
  return withAllowed(s.db, allowed.bits, () => prepare(s, sql).all(match, limit) as RunRow[]);
}

/** Part → section (for those cut from one) and part → document, for the candidates (one query). */
function locate(
  s: Session,
  ids: number[],
): { section: Map<number, number>; document: Map<number, number>; titles: Set<number> } {
  const section = new Map<number, number>();
  const document = new Map<number, number>();
  const titles = new Set<number>();
  if (ids.length === 0) return { section, document, titles };
  // One JSON array back instead of a row object per candidate: for ~1,000 candidates
  // building the row objects cost three times the look-ups themselves.
  const json = prepare(
    s,
    `SELECT json_group_array(json_array(p.id, p.section_id, p.document_id, p.is_title))
     FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value`,
  )
    .pluck()
    .get(JSON.stringify([...new Set(ids)])) as string;
  for (const [id, sec, doc, title] of JSON.parse(json) as Array<
    [number, number | null, number, number | null]
  >) {
    if (sec !== null) section.set(id, sec);
    document.set(id, doc);
    if (title === 1) titles.add(id);
  }
  return { section, document, titles };
}

/**
 * The document-level run: BM25 over each document's title, description, headings and
 * whole text (`WEIGHTS.documentColumns`), for one corpus. FTS5 normalizes by the
 * document's length, so a long reference page gains nothing from its size alone.
 */
function runDocuments(s: Session, match: string, q: Scope, limit: number): Map<number, number> {
  const rank = `bm25(docs_fts, ${WEIGHTS.documentColumns.join(", ")})`;
  const allowed = q.allowed;
  // The corpus's documents, or those with a part that passes the filter: with an
  // allowed set, each match is tested before it is ranked (as in `runParts`).
  const rows = !allowed
    ? prepare(
        s,
        `SELECT rowid AS id, ${rank} AS s FROM docs_fts WHERE docs_fts MATCH ? ORDER BY s LIMIT ?`,
      ).all(match, limit)
    : allowed.size === 0
      ? []
      : withAllowed(s.db, allowed.documents, () =>
          prepare(
            s,
            `SELECT rowid AS id, ${rank} AS s FROM docs_fts
             WHERE docs_fts MATCH ? AND parley_allowed(rowid) ORDER BY s LIMIT ?`,
          ).all(match, limit),
        );
  const out = new Map<number, number>();
  for (const r of rows as RunRow[]) out.set(r.id, -r.s);
  return out;
}

/**
 * The part-id ranges of the best sections or documents: a section's or document's
 * parts are written together, so their ids are one range. Used to find the best parts
 * of the best sections and documents (`leadParts`).
 */
function topRanges(
  s: Session,
  kind: "section" | "document",
  scores: Map<number, number>,
  count: number,
): Array<{ key: string; lo: number; hi: number }> {
  const top = [...scores]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, count)
    .map(([id]) => id);
  if (top.length === 0) return [];
  const column = kind === "section" ? "section_id" : "document_id";
  const rows = prepare(
    s,
    `SELECT j.value AS id, (SELECT MIN(p.id) FROM parts p WHERE p.${column} = j.value) AS lo,
            (SELECT MAX(p.id) FROM parts p WHERE p.${column} = j.value) AS hi
     FROM json_each(?) j`,
  ).all(JSON.stringify(top)) as Array<{ id: number; lo: number | null; hi: number | null }>;
  return rows.flatMap((r) =>
    r.lo === null || r.hi === null ? [] : [{ key: `${kind}:${r.id}`, lo: r.lo, hi: r.hi }],
  );
}

/**
 * The best-matching part of each range that has no candidate part yet: its parts are
 * read (at most `LEAD_CANDIDATES.partsRead`, so a whole long document is never read) and scored in memory by the query stems
 * they hold, each weighted by its inverse document frequency (from the term sketch).
 * Scoring in memory keeps this cheap whatever the query: FTS5 with a rowid range still
 * merges every common word's full doclist (about 6 ms a look-up at 84k parts). Returns
 * the chosen parts that pass the corpus and filter check.
 */
function leadParts(
  s: Session,
  stems: string[],
  stats: TermStats,
  q: Scope,
  have: number[],
  ranges: Array<{ key: string; lo: number; hi: number }>,
): number[] {
  if (ranges.length === 0 || stems.length === 0) return [];
  const sorted = [...have].sort((a, b) => a - b);
  const covered = (lo: number, hi: number) => {
    let a = 0;
    let b = sorted.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if ((sorted[m] as number) < lo) a = m + 1;
      else b = m;
    }
    return a < sorted.length && (sorted[a] as number) <= hi;
  };
  const idf = new Map(
    stems.map((t) => [t, Math.log(1 + (stats.parts + 1) / (stats.wordDf(t) + 0.5))]),
  );
  const read = prepare(
    s,
    `SELECT p.id AS id, p.text AS text, COALESCE(s.title, '') AS heading FROM parts p
     LEFT JOIN sections s ON s.id = p.section_id
     WHERE p.id BETWEEN ? AND ? ORDER BY p.id LIMIT ${LEAD_CANDIDATES.partsRead}`,
  );
  const chosen: number[] = [];
  const seen = new Set<string>();
  for (const r of ranges) {
    if (seen.has(r.key) || covered(r.lo, r.hi)) continue;
    seen.add(r.key);
    let best: { id: number; score: number } | undefined;
    for (const row of read.all(r.lo, r.hi) as Array<{
      id: number;
      text: string;
      heading: string;
    }>) {
      const own = new Set(stemTokens(row.text));
      const heading = new Set(stemTokens(row.heading));
      let score = 0;
      for (const t of stems) {
        if (own.has(t)) score += idf.get(t) ?? 0;
        else if (heading.has(t)) score += 0.5 * (idf.get(t) ?? 0);
      }
      // Per word, so a long part is not preferred for its length alone.
      score /= Math.sqrt(Math.max(1, own.size));
      if (!best || score > best.score) best = { id: row.id, score };
    }
    if (best && best.score > 0) chosen.push(best.id);
  }
  return chosen.filter((id) => passes(q, id));
}

/**
 * When no word matches at all, the nearest results still come back, honestly scored:
 * the first part of each document, ranked by the character trigrams its document's
 * title shares with the query, with scores under 0.05.
 */
function nearestByLetters(
  s: Session,
  q: CorpusQuery,
  parsed: LexicalQuery,
  want: number,
): Map<number, number> {
  const filter = q.filter ? ` AND (${q.filter.sql})` : "";
  const rows = prepare(
    s,
    `SELECT MIN(p.id) AS id, d.metadata AS metadata FROM parts p
     CROSS JOIN documents d ON d.id = p.document_id
     WHERE p.corpus_id = ?${filter}
     GROUP BY p.document_id ORDER BY MIN(p.id) LIMIT ?`,
  ).all(q.corpus.id, ...(q.filter?.params ?? []), Math.min(want, MAX_CANDIDATES)) as Array<{
    id: number;
    metadata: string;
  }>;
  const grams = (text: string) => {
    const out = new Set<string>();
    for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
      for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
    }
    return out;
  };
  const query = grams(parsed.terms.map((t) => t.text).join(" "));
  const out = new Map<number, number>();
  for (const r of rows) {
    const meta = JSON.parse(r.metadata) as Record<string, unknown>;
    const title = grams(typeof meta.title === "string" ? meta.title : "");
    let shared = 0;
    for (const g of query) if (title.has(g)) shared++;
    const similarity = shared / Math.max(1, query.size + title.size - shared);
    out.set(r.id, 0.01 + 0.04 * similarity);
  }
  return out;
}

/**
 * The candidates the section run applies to (`Runs.sectioned`): those cut from a
 * section, plus the sectionless ones (title and description parts) of documents that
 * have sections. Only the sectionless candidates are looked up, in one query probing
 * `sections(document_id)`; a core-only corpus never gets here (no section run).
 */
function sectionedParts(s: Session, ids: number[], sectionOf: Map<number, number>): Set<number> {
  const out = new Set(sectionOf.keys());
  const sectionless = [...new Set(ids)].filter((id) => !sectionOf.has(id));
  if (sectionless.length === 0) return out;
  const rows = prepare(
    s,
    `SELECT p.id FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value
     WHERE EXISTS (SELECT 1 FROM sections s WHERE s.document_id = p.document_id)`,
  )
    .pluck()
    .all(JSON.stringify(sectionless)) as number[];
  for (const id of rows) out.add(id);
  return out;
}

function runSections(s: Session, match: string, q: Scope, limit: number): Map<number, number> {
  const rank = `bm25(sections_fts, ${WEIGHTS.columns.join(", ")})`;
  const rows = q.whole
    ? prepare(
        s,
        `SELECT rowid AS id, ${rank} AS s FROM sections_fts WHERE sections_fts MATCH ? ORDER BY s LIMIT ?`,
      ).all(match, limit)
    : prepare(
        s,
        `SELECT s.id AS id, ${rank} AS s
         FROM sections_fts CROSS JOIN sections s ON s.id = sections_fts.rowid
           CROSS JOIN documents d ON d.id = s.document_id
         WHERE sections_fts MATCH ? AND d.corpus_id = ?
         ORDER BY s LIMIT ?`,
      ).all(match, q.corpus.id, limit);
  const out = new Map<number, number>();
  for (const r of rows as RunRow[]) out.set(r.id, -r.s);
  return out;
}

/**
 * Cosine of the query with every vector of the corpus (brute force over an
 * in-memory matrix): the top `limit`, plus every lexical candidate's similarity.
 * With a filter, only parts passing it are eligible.
 */
function semanticRun(
  s: Session,
  q: Scope,
  limit: number,
  lexical: Set<number>,
): Map<number, number> {
  const matrix = corpusVectors(s.db, s.caches.vectors, q.corpus.id, q.embeddingModel as string);
  const sims = cosineAll(matrix, q.queryVector as ArrayLike<number>);
  const order = [...sims.keys()]
    .filter((i) => !q.filter || passes(q, matrix.ids[i] as number))
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
function applyDimensions(s: Session, q: CorpusQuery, fused: Map<number, number>): void {
  const rows = prepare(
    s,
    `SELECT p.id AS id, p.custom_dimensions AS dims
     FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value`,
  ).all(JSON.stringify([...fused.keys()])) as Array<{ id: number; dims: string | null }>;
  for (const r of rows) {
    const values = r.dims ? (JSON.parse(r.dims) as Record<string, number>) : undefined;
    const boost = dimensionBoost(q.dimensions, values, q.corpus.customDimensions);
    fused.set(r.id, (fused.get(r.id) ?? 0) + boost);
  }
}
