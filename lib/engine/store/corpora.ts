import type { CustomDimension, FilterAttribute } from "../ports";
import type { DB } from "./db";
import { removeFromIndexWhere } from "./search-index";

/** Corpus keys: 1 to 50 letters, digits, `_`, `=` or `-` (`http/schemas/corpora.ts` says so in 400s). */
export const MAX_CORPUS_KEY_LENGTH = 50;
export const CORPUS_KEY_PATTERN = /^[a-zA-Z0-9_=-]+$/;
export const isCorpusKey = (key: string) =>
  key.length <= MAX_CORPUS_KEY_LENGTH && CORPUS_KEY_PATTERN.test(key);

export interface CorpusRow {
  id: number;
  key: string;
  name: string;
  description: string;
  enabled: boolean;
  saveHistory: boolean;
  queriesAreAnswers: boolean;
  documentsAreQuestions: boolean;
  encoderName: string;
  filterAttributes: FilterAttribute[];
  customDimensions: CustomDimension[];
  createdAt: string;
  /** Documents and parts in the corpus, kept by triggers (migration 5). */
  documentCount: number;
  partCount: number;
}

interface RawCorpus {
  id: number;
  key: string;
  name: string;
  description: string;
  enabled: number;
  save_history: number;
  queries_are_answers: number;
  documents_are_questions: number;
  encoder_name: string;
  filter_attributes: string;
  custom_dimensions: string;
  created_at: string;
  document_count: number;
  part_count: number;
}

const toRow = (r: RawCorpus): CorpusRow => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  enabled: r.enabled === 1,
  saveHistory: r.save_history === 1,
  queriesAreAnswers: r.queries_are_answers === 1,
  documentsAreQuestions: r.documents_are_questions === 1,
  encoderName: r.encoder_name,
  filterAttributes: JSON.parse(r.filter_attributes) as FilterAttribute[],
  customDimensions: JSON.parse(r.custom_dimensions) as CustomDimension[],
  createdAt: r.created_at,
  documentCount: r.document_count,
  partCount: r.part_count,
});

export interface NewCorpus {
  key: string;
  name?: string;
  description?: string;
  saveHistory?: boolean;
  queriesAreAnswers?: boolean;
  documentsAreQuestions?: boolean;
  encoderName?: string;
  filterAttributes?: FilterAttribute[];
  customDimensions?: CustomDimension[];
}

export function createCorpus(db: DB, c: NewCorpus): CorpusRow | undefined {
  const result = db
    .prepare(
      `INSERT INTO corpora (key, name, description, save_history, queries_are_answers, documents_are_questions,
         encoder_name, filter_attributes, custom_dimensions, created_at)
       VALUES (@key, @name, @description, @save_history, @qa, @dq, @encoder, @fa, @cd, @created_at)
       ON CONFLICT (key) DO NOTHING`,
    )
    .run({
      key: c.key,
      name: c.name ?? c.key,
      description: c.description ?? "",
      save_history: c.saveHistory ? 1 : 0,
      qa: c.queriesAreAnswers ? 1 : 0,
      dq: c.documentsAreQuestions ? 1 : 0,
      encoder: c.encoderName ?? "parley-lexical",
      fa: JSON.stringify(c.filterAttributes ?? []),
      cd: JSON.stringify(c.customDimensions ?? []),
      created_at: new Date().toISOString(),
    });
  return result.changes === 1 ? getCorpusByKey(db, c.key) : undefined;
}

export function getCorpusByKey(db: DB, key: string): CorpusRow | undefined {
  const raw = db.prepare("SELECT * FROM corpora WHERE key = ?").get(key) as RawCorpus | undefined;
  return raw ? toRow(raw) : undefined;
}

/** Corpora ordered by key, after `afterKey` when paging. */
export function listCorpora(db: DB, afterKey: string | undefined): Iterable<CorpusRow> {
  const rows = db
    .prepare("SELECT * FROM corpora WHERE key > ? ORDER BY key")
    .iterate(afterKey ?? "") as Iterable<RawCorpus>;
  return (function* () {
    for (const r of rows) yield toRow(r);
  })();
}

export function updateCorpus(
  db: DB,
  key: string,
  patch: { enabled?: boolean; name?: string; description?: string; saveHistory?: boolean },
): CorpusRow | undefined {
  db.prepare(
    `UPDATE corpora SET
       enabled = COALESCE(@enabled, enabled),
       name = COALESCE(@name, name),
       description = COALESCE(@description, description),
       save_history = COALESCE(@save_history, save_history)
     WHERE key = @key`,
  ).run({
    key,
    enabled: patch.enabled === undefined ? null : patch.enabled ? 1 : 0,
    name: patch.name ?? null,
    description: patch.description ?? null,
    save_history: patch.saveHistory === undefined ? null : patch.saveHistory ? 1 : 0,
  });
  return getCorpusByKey(db, key);
}

/**
 * Replaces the corpus's filter attributes. A trigger (migration 5) rebuilds the typed
 * rows filters read (`doc_attrs`, `part_attrs`) in the same statement, so the new
 * attributes can be filtered on at once.
 */
export function replaceFilterAttributes(db: DB, key: string, attributes: FilterAttribute[]): void {
  db.prepare("UPDATE corpora SET filter_attributes = ? WHERE key = ?").run(
    JSON.stringify(attributes),
    key,
  );
}

/**
 * Deletes every document of a corpus, with their parts and index entries, in one
 * transaction. Contentless FTS rows are removed by rowid, since they hold no content.
 */
export function deleteCorpusDocuments(db: DB, corpusId: number): void {
  db.transaction(() => {
    removeFromIndexWhere(db, "corpus_id = ?", corpusId);
    db.prepare("DELETE FROM documents WHERE corpus_id = ?").run(corpusId);
  })();
}

export function deleteCorpus(db: DB, corpusId: number): void {
  db.transaction(() => {
    deleteCorpusDocuments(db, corpusId);
    db.prepare("DELETE FROM corpora WHERE id = ?").run(corpusId);
  })();
}

export interface CorpusSize {
  usedDocs: number;
  usedParts: number;
  usedCharacters: number;
  usedMetadataCharacters: number;
}

export function computeCorpusSize(db: DB, corpusId: number): CorpusSize {
  const docs = db
    .prepare(
      "SELECT COUNT(*) n, COALESCE(SUM(LENGTH(metadata)), 0) meta FROM documents WHERE corpus_id = ?",
    )
    .get(corpusId) as { n: number; meta: number };
  const parts = db
    .prepare(
      "SELECT COUNT(*) n, COALESCE(SUM(LENGTH(text)), 0) chars, COALESCE(SUM(LENGTH(metadata)), 0) meta FROM parts WHERE corpus_id = ?",
    )
    .get(corpusId) as { n: number; chars: number; meta: number };
  return {
    usedDocs: docs.n,
    usedParts: parts.n,
    usedCharacters: parts.chars,
    usedMetadataCharacters: docs.meta + parts.meta,
  };
}
