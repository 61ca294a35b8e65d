import {
  type ContextPlan,
  expandContextSegments,
  planContext,
  withSection,
  withSegments,
} from "../core/context";
import { compileFilter } from "../core/filter";
import { DEFAULT_LEXICAL_INTERPOLATION, queryDimensions } from "../core/fusion";
import { checkGeneration, DEFAULT_MAX_USED_SEARCH_RESULTS } from "../core/generation/params";
import { compileReranker, type RerankerSpec, type RerankItem } from "../core/rerank";
import type { Correction, SearchResult } from "../ports";
import type { CorpusRow } from "../store/corpora";
import { loadHits, loadNeighbours, loadSections } from "../store/results";
import { type CorpusQuery, type Hit, MAX_CANDIDATES, searchCorpus } from "../store/search";
import { corpusVectors, hasPartsWithoutVectors, scheduleEmbedding } from "../store/vectors";
import { callSignal, type EngineContext, requireCorpus } from "./context";
import { GenerationTimer, type QueryTrace, recordTrace, traceRewriting } from "./history";
import { type Rewriting, type RewrittenQuery, rewriteQueries } from "./rewrite";

/**
 * Search over one or more corpora, and the answer made from it (`/query`). A straight
 * line: resolve and check every corpus, compile filters and rerankers (every
 * 400/403/404 happens in `planSearch`, before a caller starts streaming), then
 * `retrieve`: per corpus, merge by score, take the `offset`/`limit` window, expand
 * context, rerank. `answerQuery` and `streamQuery` add the rewriting and the generation.
 * Nothing here knows of HTTP: inputs are the parsed request's values, errors are
 * `EngineError`s, streaming is an `emit` callback.
 */

/** `context_configuration`. */
export interface ContextConfiguration {
  characters_before?: number | null;
  characters_after?: number | null;
  sentences_before?: number | null;
  sentences_after?: number | null;
  start_tag?: string | null;
  end_tag?: string | null;
}

/** The search parameters shared by every corpus of a request. */
export interface SearchParameters {
  offset?: number | null;
  limit?: number | null;
  context_configuration?: ContextConfiguration | null;
  reranker?: RerankerSpec | null;
}

/** What a corpus is searched with (`SearchCorpus`). */
export interface CorpusSearch {
  metadata_filter?: string | null;
  lexical_interpolation?: number | null;
  custom_dimensions?: Record<string, number> | null;
}

/** `SearchCorporaParameters`: several corpora by key, each with its own query if it likes. */
export interface CorporaSearch extends SearchParameters {
  corpora: Array<CorpusSearch & { corpus_key: string; query?: string | null }>;
}

/** One resolved corpus to search. */
export interface CorpusSpec extends CorpusSearch {
  corpus: CorpusRow;
  query: string;
  /** Where this corpus's fields live in the request, for field errors. */
  field: string;
}

export interface Plan {
  query: string;
  corpora: CorpusQuery[];
  offset: number;
  limit: number;
  context: ContextPlan;
  reranker?: RerankerSpec;
  rerank: (items: RerankItem[]) => RerankItem[];
  generation?: Record<string, unknown>;
  /** `intelligent_query_rewriting` (see `services/rewrite.ts`). */
  rewrite?: boolean;
  /** Set by `retrieve`: query words no searched corpus has ever seen. */
  unknownWords?: string[];
  /** Set by `retrieve`: typos and the words they were read as (in the first corpus that read them). */
  corrections?: Correction[];
  /** Query history (`services/history.ts`): set when the query is to be recorded. */
  trace?: QueryTrace;
}

/** What a search streams, in order (the HTTP layer frames them as server-sent events). */
export type SearchEvent =
  | { type: "search_results"; search_results: SearchResult[]; rewritten_queries?: RewrittenQuery[] }
  | { type: "generation_chunk"; generation_chunk: string }
  | { type: "generation_info"; rendered_prompt?: string; rephrased_query?: string }
  | { type: "generation_end" }
  | { type: "factual_consistency_score"; factual_consistency_score: number };

/** The answer to a search, as `/query` returns it. */
export interface QueryAnswer extends Rewriting {
  search_results: SearchResult[];
  rendered_prompt?: string;
  factual_consistency_score?: number;
  summary?: string;
  /** The language the summary was asked in (with generation only). */
  response_language?: string;
}

/**
 * Checks and compiles a search over resolved corpora. `searchField` is where the
 * search parameters live in the request, for field errors; `generation` is checked
 * here too when given and not `enabled: false`.
 */
export function planSearch(
  ctx: EngineContext,
  query: string,
  specs: CorpusSpec[],
  search: SearchParameters,
  searchField: string,
  generation: Record<string, unknown> | null | undefined,
): Plan {
  const embedder = ctx.services.embedder;
  const corpora = specs.map(
    (s, i): CorpusQuery => ({
      corpus: s.corpus,
      corpusIndex: i,
      query: s.query,
      filter: compileFilter(s.metadata_filter ?? undefined, s.corpus.filterAttributes, {
        field: `${s.field}.metadata_filter`,
        scope: "parts",
      }),
      lexicalInterpolation: embedder
        ? (s.lexical_interpolation ?? DEFAULT_LEXICAL_INTERPOLATION)
        : 1,
      dimensions: queryDimensions(
        s.custom_dimensions ?? undefined,
        s.corpus.customDimensions,
        `${s.field}.custom_dimensions`,
      ),
      embeddingModel: embedder?.model,
      lexicon: ctx.services.wordnetSynonyms ? ctx.services.lexicon : undefined,
    }),
  );
  const context = search.context_configuration ?? undefined;
  const reranker = search.reranker ?? undefined;
  const rerank = compileReranker(reranker, { now: Date.now() }, `${searchField}.reranker`);
  return {
    query,
    corpora,
    offset: search.offset ?? 0,
    limit: search.limit ?? 10,
    context: planContext(
      context && {
        sentences_before: context.sentences_before ?? undefined,
        sentences_after: context.sentences_after ?? undefined,
        characters_before: context.characters_before ?? undefined,
        characters_after: context.characters_after ?? undefined,
        start_tag: context.start_tag ?? undefined,
        end_tag: context.end_tag ?? undefined,
      },
    ),
    reranker,
    rerank,
    // Parameters and template are checked here, so their 400s come before any streaming.
    generation:
      generation && generation.enabled !== false
        ? checkGeneration(
            generation,
            ctx.services.llms?.map((l) => l.name),
          )
        : undefined,
  };
}

/**
 * Resolves and checks a multi-corpus search (404/403 per corpus, 400 for bad filters,
 * dimensions or rerankers) into a plan that `retrieve` runs. A corpus without its own
 * query searches `query`. `field` is where `search` lives in the request.
 */
export function planCorporaSearch(
  ctx: EngineContext,
  query: string,
  search: CorporaSearch,
  field = "body.search",
  generation?: Record<string, unknown> | null,
): Plan {
  const specs = search.corpora.map(
    (c, i): CorpusSpec => ({
      ...c,
      corpus: requireCorpus(ctx, c.corpus_key),
      query: c.query || query,
      field: `${field}.corpora.${i}`,
    }),
  );
  return planSearch(ctx, query, specs, search, field, generation);
}

/** Embeds each distinct query text once; failures fall back to lexical-only retrieval. */
async function embedQueries(ctx: EngineContext, p: Plan): Promise<void> {
  const embedder = ctx.services.embedder;
  if (!embedder) return;
  const vectors = ctx.state.search.vectors;
  if (hasPartsWithoutVectors(ctx.db, vectors, embedder.model)) {
    void scheduleEmbedding(ctx.db, vectors, embedder, ctx.log);
  }
  const wanted = p.corpora.filter((c) => c.lexicalInterpolation < 1);
  const texts = [...new Set(wanted.map((c) => c.query))];
  if (texts.length === 0) return;
  try {
    const vectors = await embedder.embed(texts, ctx.deadline.signal());
    for (const c of wanted) c.queryVector = vectors[texts.indexOf(c.query)];
  } catch (error) {
    ctx.deadline.check();
    ctx.log(`engine: embedding the query failed, searching lexically: ${String(error)}`);
  }
}

/** Runs a plan: the ranked, context-expanded, reranked results of its window. */
export async function retrieve(ctx: EngineContext, p: Plan): Promise<SearchResult[]> {
  const searchStarted = Date.now();
  ctx.deadline.check();
  await embedQueries(ctx, p);
  ctx.deadline.check();

  const want = Math.min(p.offset + p.limit, MAX_CANDIDATES);
  const merged: Hit[] = [];
  for (const c of p.corpora) {
    merged.push(...searchCorpus(ctx.db, ctx.state.search, c, want, ctx.deadline));
    ctx.deadline.check();
  }
  // A word counts as unknown only if every corpus lacks it, and only if it can name a
  // thing: an unknown verb ("take" in a tiny corpus) says nothing about the topic.
  const lexicon = ctx.services.lexicon;
  p.unknownWords = p.corpora
    .map((c) => c.unknownWords ?? [])
    .reduce((a, b) => a.filter((w) => b.includes(w)))
    .filter((w) => !lexicon?.isVerb(w));
  const corrections = new Map<string, string[]>();
  for (const c of p.corpora) {
    for (const k of c.corrections ?? [])
      if (!corrections.has(k.word)) corrections.set(k.word, k.readAs);
  }
  p.corrections = [...corrections].map(([word, readAs]) => ({ word, readAs }));
  // Stable: equal scores keep corpus order, then rank order.
  merged.sort((a, b) => b.score - a.score);
  const page = loadHits(ctx.db, merged.slice(p.offset, p.offset + p.limit));
  const neighbours = loadNeighbours(ctx.db, page, p.context);
  // An answer is made from the first results; the generator may quote their sections.
  const sections = p.generation
    ? loadSections(ctx.db, page.slice(0, usedResults(p.generation)))
    : [];
  ctx.deadline.check();

  const embedder = ctx.services.embedder;
  const items = page.map((h, i): RerankItem & { corpusId: number } => {
    const { text, segments } = expandContextSegments(
      h.text,
      p.context,
      neighbours[i]?.before,
      neighbours[i]?.after,
    );
    // The parts behind `text` travel with the result (never serialized) for the generator.
    const section = sections[i];
    const segmented: SearchResult = withSegments(
      {
        text,
        score: h.score,
        part_metadata: h.partMetadata,
        document_metadata: h.documentMetadata,
        document_id: h.documentId,
        request_corpora_index: h.corpusIndex,
        corpus_key: h.corpusKey,
      },
      segments,
    );
    const result = section ? withSection(segmented, section) : segmented;
    const corpusId = p.corpora[h.corpusIndex]?.corpus.id ?? 0;
    let vector: Float32Array | undefined;
    if (embedder && p.reranker) {
      const m = corpusVectors(ctx.db, ctx.state.search.vectors, corpusId, embedder.model);
      const row = m.row.get(h.partId);
      if (row !== undefined) vector = m.data.subarray(row * m.dim, (row + 1) * m.dim);
    }
    return {
      score: h.score,
      partText: h.text,
      view: result as unknown as Record<string, unknown>,
      vector,
      corpusId,
    };
  });
  p.trace?.search(
    searchStarted,
    items.map((item) => item.view as unknown as SearchResult),
  );
  const rerankStarted = Date.now();
  const reranked = p.rerank(items);
  if (p.trace && p.reranker && p.reranker.type !== "none") {
    p.trace.span("rerank", rerankStarted, {
      reranked_search_results: reranked.slice(0, 100).map((item) => ({
        text: (item.view as unknown as SearchResult).text,
        score: item.score,
        original_score: (item.view as unknown as SearchResult).score,
      })),
    });
  }
  ctx.deadline.check();
  return reranked.map((item) => ({ ...(item.view as unknown as SearchResult), score: item.score }));
}

/** How many results an answer is made from (`max_used_search_results`, checked in `planSearch`). */
function usedResults(generation: Record<string, unknown>): number {
  const n = generation.max_used_search_results;
  return typeof n === "number" && Number.isInteger(n) && n >= 0
    ? Math.min(n, 100)
    : DEFAULT_MAX_USED_SEARCH_RESULTS;
}

/**
 * Runs a plan and answers it in one piece: the results, the rewriting's outcome and,
 * when the plan has `generation` and a generator is wired, the summary.
 */
export async function answerQuery(ctx: EngineContext, p: Plan): Promise<QueryAnswer> {
  const generate = p.generation ? ctx.services.generate : undefined;
  const rewriteStarted = Date.now();
  const rewriting = await rewriteQueries(ctx, p);
  traceRewriting(p.trace, rewriteStarted, p.rewrite, rewriting, corpusKeysOf(p));
  const results = await retrieve(ctx, p);
  const answer: QueryAnswer = { search_results: results, ...rewriting };
  if (generate && p.generation) {
    const timer = new GenerationTimer();
    let summary = "";
    for await (const e of generate({
      query: p.query,
      results,
      generation: p.generation,
      signal: callSignal(ctx),
      unknownWords: p.unknownWords,
      corrections: p.corrections,
    })) {
      if (e.type !== "factual_consistency_score") timer.tick();
      if (e.type === "chunk") summary += e.text;
      else if (e.type === "info") {
        if (e.rendered_prompt !== undefined) answer.rendered_prompt = e.rendered_prompt;
        if (e.response_language !== undefined) answer.response_language = e.response_language;
      } else if (e.type === "factual_consistency_score") answer.factual_consistency_score = e.score;
      ctx.deadline.check();
    }
    answer.summary = summary;
    if (p.trace) {
      timer.finish(p.trace, summary, answer.rendered_prompt, answer.factual_consistency_score);
    }
  }
  if (p.trace) {
    recordTrace(ctx, p.trace, {
      query: p.query,
      corpusKeys: corpusKeysOf(p),
      generation: answer.summary,
      score: answer.factual_consistency_score,
    });
  }
  return answer;
}

const corpusKeysOf = (p: Plan) => p.corpora.map((c) => c.corpus.key);

/**
 * Runs a plan as events: the results first, then the generation's chunks, info, end and
 * score as they come. `signal` (a stream's own, when its reader goes away) stops the
 * generation along with the caller's.
 */
export async function streamQuery(
  ctx: EngineContext,
  p: Plan,
  emit: (event: SearchEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const generate = p.generation ? ctx.services.generate : undefined;
  const rewriteStarted = Date.now();
  const rewriting = await rewriteQueries(ctx, p);
  traceRewriting(p.trace, rewriteStarted, p.rewrite, rewriting, corpusKeysOf(p));
  const { rewritten_queries } = rewriting;
  const results = await retrieve(ctx, p);
  emit({ type: "search_results", search_results: results, rewritten_queries });
  // Recorded once the last event is out: a stream that fails midway records nothing.
  const record = (generation?: string, score?: number) => {
    if (p.trace)
      recordTrace(ctx, p.trace, { query: p.query, corpusKeys: corpusKeysOf(p), generation, score });
  };
  if (!generate || !p.generation) return record();
  const timer = new GenerationTimer();
  let text = "";
  let prompt: string | undefined;
  for await (const e of generate({
    query: p.query,
    results,
    generation: p.generation,
    signal: callSignal(ctx, signal),
    unknownWords: p.unknownWords,
    corrections: p.corrections,
  })) {
    if (e.type === "chunk") {
      timer.tick();
      text += e.text;
      emit({ type: "generation_chunk", generation_chunk: e.text });
    } else if (e.type === "info") {
      timer.tick();
      if (e.rendered_prompt !== undefined) prompt = e.rendered_prompt;
      // Vectara's `generation_info` has no `response_language` (only full responses do).
      const { type: _, response_language: __, ...info } = e;
      emit({ ...info, type: "generation_info" });
    } else {
      emit({ type: "generation_end" });
      emit({ type: "factual_consistency_score", factual_consistency_score: e.score });
      if (p.trace) timer.finish(p.trace, text, prompt, e.score);
      return record(text, e.score);
    }
    ctx.deadline.check();
  }
  emit({ type: "generation_end" });
  if (p.trace) timer.finish(p.trace, text, prompt);
  record(text);
}
