import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  type ChunkingStrategy,
  type CreateDocumentRequest,
  type FilterAttributeInput,
  NotFoundError,
  type VectaraClient,
} from "@/lib/vectara";
import { describeFsError, type SourceFile, sha256, walkPaths } from "./files";
import { parseFile } from "./parse";

export type Chunking = "sentence" | { maxChars: number };

export interface CreateCorpusOptions {
  name?: string;
  description?: string;
  filterAttributes?: FilterAttributeInput[];
}

export type IngestOutcome = "added" | "updated" | "unchanged" | "pruned" | "failed";

export interface IngestProgress {
  /** Files handled so far (prunes are counted after every file). */
  done: number;
  total: number;
  id: string;
  outcome: IngestOutcome;
  reason?: string;
}

/**
 * An in-process batch indexer: the local engine's `indexDocuments` (`lib/engine`), which
 * writes many documents to a transaction and answers per document as `POST
 * …/documents` would (201, or a status and Vectara's error body).
 */
export interface BatchIndexer {
  indexDocuments(
    corpusKey: string,
    documents: readonly unknown[],
  ): Promise<Array<{ status: number; error?: { messages: string[] } }>>;
}

export interface IngestOptions {
  client: VectaraClient;
  /**
   * Local mode: index the documents built from Markdown many at a time through the
   * engine in this process (far faster than a request per document). Uploads (PDF,
   * HTML, DOCX, text) still go through `client`, and so do listing and deleting.
   */
  indexer?: BatchIndexer;
  /** Documents per `indexer` call (default 200). */
  batchSize?: number;
  corpus: string;
  /** Files and folders; each folder is the root its files' ids are relative to. */
  paths: readonly string[];
  /** Added to every document's metadata. */
  metadata?: Record<string, string>;
  chunking?: Chunking;
  /** Create the corpus when it does not exist. */
  create?: boolean | CreateCorpusOptions;
  /**
   * Delete documents with a `source_path` whose file is no longer among `paths`. Skipped
   * when one of `paths` cannot be read. Documents added by other means (no
   * `source_path`) are never pruned.
   */
  prune?: boolean;
  /** Report what would happen; change nothing. */
  dryRun?: boolean;
  /** Only files with these extensions are considered (others are not even counted). */
  extensions?: string[];
  /** Files indexed at once; the remote API is the bottleneck there. Default 4. */
  concurrency?: number;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestSummary {
  added: number;
  updated: number;
  unchanged: number;
  pruned: number;
  failed: Array<{ path: string; reason: string }>;
  /** Parts in the corpus after the run, when the server could say. */
  parts?: number;
  /** Files considered. */
  files: number;
  dryRun: boolean;
  ms: number;
}

/** Thrown for problems that stop the whole run (no corpus, no access). */
export class IngestError extends Error {
  override name = "IngestError";
}

/** Metadata keys ingest owns; they win over front matter and caller metadata. */
export const SOURCE_PATH = "source_path";
export const CONTENT_HASH = "content_hash";
/** How the document was cut into parts ("max_chars:600", "sentence"): a change re-indexes it. */
export const CHUNKING = "chunking";

/**
 * Section-aware parts by default: whole sentences packed up to 600 characters, never
 * across a heading, so a search result is a passage (a paragraph, a few steps) that
 * holds its answer, while answers still quote and cite sentence by sentence. On the
 * PostgreSQL manual's evaluation questions (`npm run bench:answers`), one sentence per
 * part put a gold answer sentence in the five passages an answer is made from for 21%
 * of the dev questions; 600-character parts, for 38% (400: 29%, 800: 43%, 1000: 40%,
 * with a better first hit at 600).
 */
export const DEFAULT_CHUNKING: Chunking = { maxChars: 600 };

const describeChunking = (c: Chunking) =>
  c === "sentence" ? "sentence" : `max_chars:${c.maxChars}`;

interface Existing {
  hash: unknown;
  sourcePath: unknown;
  metadata: Record<string, unknown>;
}

/**
 * Indexes files into a corpus, idempotently. Existing documents are listed once;
 * a file whose SHA-256 (and caller metadata) matches its document is skipped, a
 * changed one is deleted and re-created, and with `prune` documents whose files are
 * gone are deleted. One file's failure is recorded and the batch goes on.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { client, corpus } = options;
  const dryRun = options.dryRun ?? false;
  const summary: IngestSummary = {
    added: 0,
    updated: 0,
    unchanged: 0,
    pruned: 0,
    failed: [],
    files: 0,
    dryRun,
    ms: 0,
  };

  const { files, missing } = await walkPaths(options.paths, { extensions: options.extensions });
  summary.failed.push(...missing);
  summary.files = files.length;
  const existing = await listExisting(options);
  const total = files.length;
  let done = 0;
  const report = (id: string, outcome: IngestOutcome, reason?: string) => {
    if (outcome === "failed") summary.failed.push({ path: id, reason: reason ?? "failed" });
    else summary[outcome]++;
    if (outcome !== "pruned") done++;
    options.onProgress?.({ done, total, id, outcome, reason });
  };

  const batch = options.indexer && !dryRun ? new DocumentBatch(options, report) : undefined;
  const seen = new Set<string>();
  const queue = files.filter((f) => {
    if (!seen.has(f.id)) {
      seen.add(f.id);
      return true;
    }
    report(f.id, "failed", `another file already has the document id '${f.id}' (${f.absPath})`);
    return false;
  });

  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      try {
        const outcome = await ingestFile(options, file, existing.get(file.id), dryRun, batch);
        // A batched document is reported when its batch is indexed.
        if (outcome !== "batched") report(file.id, outcome);
      } catch (error) {
        report(file.id, "failed", describeError(error));
      }
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  await Promise.all(Array.from({ length: concurrency }, worker));
  await batch?.flush();

  // A path that could not be read would look like "every file is gone": never prune then.
  if (options.prune && missing.length === 0) {
    for (const [id, doc] of existing) {
      if (seen.has(id) || doc.sourcePath === undefined) continue;
      try {
        if (!dryRun) await client.documents.delete(corpus, id);
        report(id, "pruned");
      } catch (error) {
        report(id, "failed", `could not prune: ${describeError(error)}`);
      }
    }
  }

  if (!dryRun) {
    summary.parts = await client.corpora.computeSize(corpus).then(
      (size) => size.usedParts,
      () => undefined,
    );
  }
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

/**
 * Documents waiting for the batch indexer. `add` queues one (and indexes the queue
 * once it holds `batchSize`); each document's outcome is reported when its batch is
 * indexed, a refused one as failed with the engine's message.
 */
class DocumentBatch {
  private pending: Array<{ id: string; outcome: IngestOutcome; body: CreateDocumentRequest }> = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: IngestOptions,
    private readonly report: (id: string, outcome: IngestOutcome, reason?: string) => void,
  ) {}

  add(id: string, outcome: IngestOutcome, body: CreateDocumentRequest): void {
    this.pending.push({ id, outcome, body });
    if (this.pending.length >= Math.max(1, this.options.batchSize ?? 200)) void this.flush();
  }

  /** Indexes what is queued (after any batch still running); resolves when all are done. */
  flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    this.running = this.running.then(() => this.index(items));
    return this.running;
  }

  private async index(items: DocumentBatch["pending"]): Promise<void> {
    if (items.length === 0) return;
    const indexer = this.options.indexer as BatchIndexer;
    let results: Awaited<ReturnType<BatchIndexer["indexDocuments"]>>;
    try {
      results = await indexer.indexDocuments(
        this.options.corpus,
        items.map((i) => i.body),
      );
    } catch (error) {
      for (const i of items) this.report(i.id, "failed", describeError(error));
      return;
    }
    items.forEach((item, n) => {
      const r = results[n];
      if (r?.status === 201) this.report(item.id, item.outcome);
      else this.report(item.id, "failed", r?.error?.messages.join("; ") ?? "not indexed");
    });
  }
}

async function ingestFile(
  options: IngestOptions,
  file: SourceFile,
  existing: Existing | undefined,
  dryRun: boolean,
  batch?: DocumentBatch,
): Promise<IngestOutcome | "batched"> {
  const { client, corpus } = options;
  const bytes = await readFile(file.absPath).catch((error: unknown) => {
    throw new Error(`cannot read the file: ${describeFsError(error)}`);
  });
  const hash = sha256(bytes);
  const extra = options.metadata ?? {};
  const chunkingChoice = options.chunking ?? DEFAULT_CHUNKING;
  const owned = {
    [SOURCE_PATH]: file.id,
    [CONTENT_HASH]: hash,
    [CHUNKING]: describeChunking(chunkingChoice),
  };
  if (
    existing &&
    existing.hash === hash &&
    sameValues(existing.metadata, { ...extra, [CHUNKING]: owned[CHUNKING] })
  ) {
    return "unchanged";
  }
  // Parsed even in a dry run, so the report names the files that would fail.
  const parsed = await parseFile(path.basename(file.absPath), bytes);
  const chunking = toChunkingStrategy(chunkingChoice);
  const outcome = existing ? "updated" : "added";
  if (dryRun) return outcome;
  if (existing) await client.documents.delete(corpus, file.id);
  if (parsed.kind === "structured") {
    const body: CreateDocumentRequest = {
      type: "structured",
      id: file.id,
      ...(parsed.title ? { title: parsed.title } : {}),
      ...(parsed.description ? { description: parsed.description } : {}),
      metadata: { ...parsed.metadata, ...extra, ...owned },
      sections: parsed.sections,
      ...(chunking ? { chunking_strategy: chunking } : {}),
    };
    if (batch) {
      batch.add(file.id, outcome, body);
      return "batched";
    }
    await client.documents.create(corpus, body);
  } else {
    await client.upload.file(
      corpus,
      { name: path.basename(file.absPath), data: bytes, type: parsed.mimeType },
      {
        filename: file.id,
        metadata: { ...extra, ...owned },
        ...(chunking ? { chunking_strategy: chunking } : {}),
      },
    );
  }
  return outcome;
}

async function listExisting(options: IngestOptions): Promise<Map<string, Existing>> {
  const { client, corpus } = options;
  const existing = new Map<string, Existing>();
  try {
    for await (const doc of await client.documents.list(corpus, { limit: 1000 })) {
      const metadata = doc.metadata ?? {};
      existing.set(doc.id, {
        hash: metadata[CONTENT_HASH],
        sourcePath: metadata[SOURCE_PATH],
        metadata,
      });
    }
  } catch (error) {
    if (!(error instanceof NotFoundError)) {
      throw new IngestError(`Cannot list corpus '${corpus}': ${describeError(error)}`);
    }
    if (!options.create) {
      throw new IngestError(
        `Corpus '${corpus}' does not exist. Create it first, or ask ingest to create it.`,
      );
    }
    if (!options.dryRun) await createCorpus(options);
  }
  return existing;
}

async function createCorpus(options: IngestOptions): Promise<void> {
  const create = typeof options.create === "object" ? options.create : {};
  await options.client.corpora.create({
    key: options.corpus,
    name: create.name ?? options.corpus,
    ...(create.description ? { description: create.description } : {}),
    ...(create.filterAttributes ? { filter_attributes: create.filterAttributes } : {}),
  });
}

export function toChunkingStrategy(chunking: Chunking | undefined): ChunkingStrategy | undefined {
  if (!chunking) return undefined;
  if (chunking === "sentence") return { type: "sentence_chunking_strategy" };
  return { type: "max_chars_chunking_strategy", max_chars_per_chunk: chunking.maxChars };
}

/** Caller metadata that differs from the stored document counts as a change. */
function sameValues(stored: Record<string, unknown>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => stored[k] === v);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
