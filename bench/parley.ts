import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createEngine, type Engine } from "@/lib/engine";
import { WEIGHTS } from "@/lib/engine/core/fusion";
import { BUDGET } from "@/lib/engine/store/search";
import { type CreateDocumentRequest, createVectaraClient, type VectaraClient } from "@/lib/vectara";
import { aggregateParts } from "./metrics";
import { FILTER_EXPRESSION, type ScaledDoc, type SciDoc, type SciQuery, yearOf } from "./scifact";

/**
 * Parley's engine driven exactly as the app drives it: the typed client over the
 * engine's in-process `handle` (the same request → router → handler path as HTTP,
 * minus the socket). Every figure here goes through the public API.
 */

export interface Harness {
  client: VectaraClient;
  /** The engine itself, for its in-process batch path (`engine.indexDocuments`). */
  engine: Engine;
  /** Per-stage SQL time when started with `stages: true`, else undefined. */
  stages?: StageTimer;
  /** Time spent inside `engine.handle` since the last `resetEngineTime()` (ms). */
  engineMs(): number;
  resetEngineTime(): void;
  close(): void;
}

/**
 * For tuning: `PARLEY_BENCH_WEIGHTS=document:0.5,section:2` overrides fusion weights,
 * `PARLEY_BENCH_BUDGET=wordMax:12000` the search budgets (`store/search.ts#BUDGET`), and
 * `PARLEY_BENCH_WORDNET=on` adds WordNet's synonyms, in every child a benchmark starts.
 */
function tuning(): { wordnetSynonyms?: boolean } {
  for (const pair of (process.env.PARLEY_BENCH_BUDGET ?? "").split(",").filter(Boolean)) {
    const [name, value] = pair.split(":");
    const b = BUDGET as unknown as Record<string, unknown>;
    if (!name || typeof b[name] !== "number" || !Number.isFinite(Number(value))) {
      throw new Error(`PARLEY_BENCH_BUDGET: bad budget '${pair}'`);
    }
    b[name] = Number(value);
  }
  for (const pair of (process.env.PARLEY_BENCH_WEIGHTS ?? "").split(",").filter(Boolean)) {
    const [name, value] = pair.split(":");
    const w = WEIGHTS as unknown as Record<string, unknown>;
    if (!name || typeof w[name] !== "number" || !Number.isFinite(Number(value))) {
      throw new Error(`PARLEY_BENCH_WEIGHTS: bad weight '${pair}'`);
    }
    w[name] = Number(value);
  }
  return process.env.PARLEY_BENCH_WORDNET === "on" ? { wordnetSynonyms: true } : {};
}

export function startEngine(options: { stages?: boolean } = {}): Harness {
  const dir = mkdtempSync(path.join(tmpdir(), "parley-bench-"));
  const engine = createEngine({ dataDir: dir, log: () => {}, ...tuning() });
  const stages = options.stages ? instrumentStatements(engine.db) : undefined;
  let inEngine = 0;
  const client = createVectaraClient({
    baseUrl: "http://parley.local",
    // Wrapped only to split client cost (validation, JSON, mapping) from engine cost.
    fetch: async (request) => {
      const start = performance.now();
      try {
        return await engine.handle(request);
      } finally {
        inEngine += performance.now() - start;
      }
    },
    auth: { type: "api_key", apiKey: engine.apiKey },
    maxRetries: 0,
  });
  return {
    client,
    engine,
    stages,
    engineMs: () => inEngine,
    resetEngineTime: () => {
      inEngine = 0;
    },
    close: () => {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SQL statement kinds of the query path, told apart by their text. */
const STAGES: Array<[string, RegExp]> = [
  ["word run (parts_fts)", /parts_fts MATCH/],
  ["trigram run (parts_tri)", /parts_tri MATCH/],
  ["section run (sections_fts)", /sections_fts MATCH/],
  ["corpus/filter check of candidates", /json_each\(\?\)[\s\S]*WHERE p\.corpus_id = \?/],
  ["part → section", /section_id IS NOT NULL/],
  ["load hits (parts + documents)", /json_each\(\?\)[\s\S]*p\.text/],
  ["term stats", /MAX\(id\)|total_changes\(\)/],
];

export interface StageTimer {
  /** Milliseconds per stage since the last reset. */
  totals(): Map<string, number>;
  reset(): void;
}

/**
 * Profiling aid for `--stages`: wraps better-sqlite3's statement methods (shared by
 * every statement through the prototype) to sum time by SQL kind. Only installed
 * when asked, so headline latencies are measured on the untouched path.
 */
function instrumentStatements(db: Engine["db"]): StageTimer {
  const proto = Object.getPrototypeOf(db.prepare("SELECT 1")) as Record<string, unknown>;
  const totals = new Map<string, number>();
  for (const method of ["all", "get", "run", "iterate"]) {
    const original = proto[method] as (this: { source: string }, ...a: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const kind = STAGES.find(([, re]) => re.test(this.source))?.[0] ?? "other SQL";
        totals.set(kind, (totals.get(kind) ?? 0) + performance.now() - start);
      }
    };
  }
  return { totals: () => new Map(totals), reset: () => totals.clear() };
}

export async function createBenchCorpus(client: VectaraClient, key: string) {
  await client.corpora.create({
    key,
    name: key,
    filter_attributes: [{ name: "year", level: "document", type: "integer" }],
  });
}

export type DocShape = "core" | "structured";

/**
 * One SciFact abstract as one document, in either shape. The engine indexes metadata
 * `title` in its own weighted column of every part (and a structured `title` also
 * becomes a title part), so the title is not repeated in the text.
 */
export function sciFactDocument(d: SciDoc, shape: DocShape): CreateDocumentRequest {
  const metadata = { title: d.title, year: yearOf(d.id) };
  if (shape === "core")
    return { type: "core", id: d.id, metadata, document_parts: [{ text: d.text || d.title }] };
  return {
    type: "structured",
    id: d.id,
    title: d.title,
    metadata,
    sections: [{ text: d.text || d.title }],
    chunking_strategy: { type: "sentence_chunking_strategy" },
  };
}

export function scaledDocument(d: ScaledDoc): CreateDocumentRequest {
  return {
    type: "core",
    id: d.id,
    metadata: { title: d.title, year: d.year },
    document_parts: d.parts.map((text) => ({ text })),
  };
}

export interface IndexStats {
  docs: number;
  parts: number;
  ms: number;
}

/** Indexes one document per request, in order (the engine writes each in one transaction). */
export async function indexDocuments(
  client: VectaraClient,
  corpus: string,
  docs: CreateDocumentRequest[],
  progress?: (done: number) => void,
): Promise<IndexStats> {
  const start = performance.now();
  let n = 0;
  for (const doc of docs) {
    await client.documents.create(corpus, doc);
    if (++n % 5000 === 0) progress?.(n);
  }
  const ms = performance.now() - start;
  const size = await client.corpora.computeSize(corpus);
  return { docs: size.usedDocs, parts: size.usedParts, ms };
}

/**
 * Indexes through the engine's batch path (`engine.indexDocuments`: many documents to a
 * transaction, in process), as seeding and the ingest CLI do; every document must be
 * accepted.
 */
export async function indexDocumentsBatch(
  h: Harness,
  corpus: string,
  docs: CreateDocumentRequest[],
): Promise<IndexStats> {
  const start = performance.now();
  const results = await h.engine.indexDocuments(corpus, docs);
  const ms = performance.now() - start;
  const failed = results.filter((r) => r.status !== 201);
  if (failed.length > 0) {
    throw new Error(
      `batch indexing refused ${failed.length} documents, e.g. ${JSON.stringify(failed[0])}`,
    );
  }
  const size = await h.client.corpora.computeSize(corpus);
  return { docs: size.usedDocs, parts: size.usedParts, ms };
}

export interface QueryPass {
  /** Wall time per query through the client (ms). */
  samples: number[];
  /** The part of it spent inside `engine.handle` (ms, summed over the pass). */
  engineMs: number;
  /** Query id → best-first document ids (parts aggregated). */
  runs: Map<string, string[]>;
  /** Mean parts returned per query, and the distinct documents they cover. */
  meanParts: number;
  meanDocs: number;
  /** Queries that answered with an error (counted, not thrown, so a run always finishes). */
  errors: number;
  firstError?: string;
  /** With `--stages`: mean SQL milliseconds per query, by stage. */
  stages?: Record<string, number>;
  /** Set when the pass ran out of its time budget: how many queries it got through. */
  stoppedAfter?: number;
}

/**
 * A pass stops after this long, so a regression (a query plan gone wrong can cost
 * seconds per query) yields a figure and a note instead of an hour-long run.
 */
export const PASS_BUDGET_MS = 90_000;

export async function queryPass(
  h: Harness,
  corpus: string,
  queries: SciQuery[],
  options: { limit: number; filtered: boolean },
): Promise<QueryPass> {
  const samples: number[] = [];
  const runs = new Map<string, string[]>();
  let parts = 0;
  let docs = 0;
  let errors = 0;
  let firstError: string | undefined;
  h.resetEngineTime();
  h.stages?.reset();
  const passStart = performance.now();
  let done = 0;
  for (const q of queries) {
    if (performance.now() - passStart > PASS_BUDGET_MS) break;
    done++;
    const start = performance.now();
    try {
      const answer = await h.client.query.corpus(corpus, {
        query: q.text,
        search: {
          limit: options.limit,
          ...(options.filtered ? { metadata_filter: FILTER_EXPRESSION } : {}),
        },
      });
      samples.push(performance.now() - start);
      parts += answer.searchResults.length;
      const ranked = aggregateParts(answer.searchResults);
      docs += ranked.length;
      runs.set(q.id, ranked);
    } catch (e) {
      errors++;
      firstError ??= e instanceof Error ? e.message : String(e);
    }
  }
  const stages = h.stages
    ? Object.fromEntries([...h.stages.totals()].map(([k, ms]) => [k, ms / Math.max(1, done)]))
    : undefined;
  return {
    samples,
    engineMs: h.engineMs(),
    stages,
    runs,
    meanParts: parts / Math.max(1, samples.length),
    meanDocs: docs / Math.max(1, samples.length),
    errors,
    firstError,
    stoppedAfter: done < queries.length ? done : undefined,
  };
}

/** Untimed queries first, so the timed passes see warm statements and page cache. */
export async function warmUp(h: Harness, corpus: string, queries: SciQuery[], n = 20) {
  for (const q of queries.slice(0, n)) {
    try {
      await h.client.query.corpus(corpus, { query: q.text, search: { limit: 100 } });
    } catch {
      // reported by the timed pass
    }
  }
}
