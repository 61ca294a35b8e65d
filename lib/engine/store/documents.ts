import { parseStoredObject } from "../core/json-bounds";
import { descriptionOf, type Metadata, type PreparedDocument } from "../core/prepare";
import type { DB } from "./db";
import { addToIndex, type IndexRow, indexDocument, removeFromIndexWhere } from "./search-index";
import { cachedStatement } from "./statements";

/**
 * Documents, their sections and parts. Every write that touches more than one row
 * runs in one transaction, index included: a document is either fully indexed or
 * absent, even if the process dies mid-write.
 */
export interface DocumentRow {
  /** `documents.id`, the internal key parts point to. */
  rowId: number;
  corpusId: number;
  /** The caller's document id. */
  id: string;
  metadata: Metadata;
  tables: unknown[];
  createdAt: string;
}

export interface PartRow {
  text: string;
  metadata: Metadata;
  context?: string;
  customDimensions?: Record<string, number>;
  isTitle: boolean;
  lang: string;
  offset: number;
  len: number;
}

export interface StorageUsage {
  bytesUsed: number;
  metadataBytesUsed: number;
}

/** A compiled document-level metadata filter: SQL over alias `d` (= documents). */
export interface DocumentFilter {
  sql: string;
  params: unknown[];
}

interface RawDocument {
  id: number;
  corpus_id: number;
  doc_id: string;
  metadata: string;
  tables: string | null;
  created_at: string;
}

interface RawPart {
  text: string;
  metadata: string;
  context: string | null;
  custom_dimensions: string | null;
  is_title: number | null;
  lang: string;
  offset: number;
  len: number;
}

const toDocument = (r: RawDocument): DocumentRow => ({
  rowId: r.id,
  corpusId: r.corpus_id,
  id: r.doc_id,
  metadata: parseStoredObject(r.metadata) as Metadata,
  tables: r.tables ? (JSON.parse(r.tables) as unknown[]) : [],
  createdAt: r.created_at,
});

const toPart = (r: RawPart): PartRow => ({
  text: r.text,
  metadata: parseStoredObject(r.metadata) as Metadata,
  context: r.context ?? undefined,
  customDimensions: r.custom_dimensions
    ? (JSON.parse(r.custom_dimensions) as Record<string, number>)
    : undefined,
  isTitle: r.is_title === 1,
  lang: r.lang,
  offset: r.offset,
  len: r.len,
});

const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, "utf8") : 0);

export interface StoredDocument {
  row: DocumentRow;
  storage: StorageUsage;
}

/**
 * Writes a prepared document, its sections, parts and index rows in one
 * transaction. Returns undefined, writing nothing, when the id is taken.
 */
export function insertDocument(
  db: DB,
  { corpusId, document }: { corpusId: number; document: PreparedDocument },
): StoredDocument | undefined {
  return insertDocuments(db, corpusId, [document])[0];
}

/**
 * Writes many prepared documents in one transaction (the batch path: seeding, the
 * ingest CLI, benchmarks). One commit instead of one per document is most of the
 * saving: each commit flushes FTS5's pending terms as a new segment. Each result is
 * undefined when that document's id was taken (by an earlier document of the batch
 * too); the others are written all the same.
 */
export function insertDocuments(
  db: DB,
  corpusId: number,
  documents: PreparedDocument[],
): Array<StoredDocument | undefined> {
  return db.transaction(() => {
    // Rows first, index after. A statement that fires triggers (migration 5: counters,
    // typed filter values) runs in a statement savepoint, and FTS5 writes its pending
    // terms to disk as a new segment at every savepoint: interleaved, that would flush
    // the index once per document, as if each had its own transaction.
    const written = documents.map((d) => writeRows(db, corpusId, d));
    for (const w of written) if (w) writeIndex(db, w);
    return written.map((w) => w?.stored);
  })();
}

interface Written {
  stored: StoredDocument;
  document: PreparedDocument;
  index: IndexRow[];
}

/** One document's index rows: its parts, their sections, and the document row. */
function writeIndex(db: DB, { stored, document, index }: Written): void {
  addToIndex(db, index);
  indexDocument(db, {
    documentId: stored.row.rowId,
    title: document.title,
    description: document.description,
    headings: document.sections.flatMap((s) => (s.title ? [s.title] : [])).join("\n"),
    body: document.parts
      .filter((p) => p.isTitle !== true)
      .map((p) => p.text)
      .join("\n"),
  });
}

/** One document's rows (not its index rows), inside the caller's transaction. */
function writeRows(db: DB, corpusId: number, document: PreparedDocument): Written | undefined {
  const taken = cachedStatement(
    db,
    "SELECT 1 FROM documents WHERE corpus_id = ? AND doc_id = ?",
  ).get(corpusId, document.id);
  if (taken) return undefined;
  const metadataJson = JSON.stringify(document.metadata);
  const createdAt = new Date().toISOString();
  const rowId = Number(
    cachedStatement(
      db,
      "INSERT INTO documents (corpus_id, doc_id, metadata, description, tables, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(
      corpusId,
      document.id,
      metadataJson,
      document.statedDescription,
      document.tables.length ? JSON.stringify(document.tables) : null,
      createdAt,
    ).lastInsertRowid,
  );
  const insertSection = cachedStatement(
    db,
    "INSERT INTO sections (document_id, ordinal, section_key, title, text) VALUES (?, ?, ?, ?, ?)",
  );
  const sectionIds = document.sections.map((s, i) =>
    Number(insertSection.run(rowId, i, s.key ?? null, s.title ?? null, s.text).lastInsertRowid),
  );
  const insertPart = cachedStatement(
    db,
    `INSERT INTO parts (document_id, corpus_id, section_id, ordinal, text, metadata, context,
       custom_dimensions, is_title, lang, offset, len)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const storage: StorageUsage = { bytesUsed: 0, metadataBytesUsed: bytes(metadataJson) };
  const index: IndexRow[] = document.parts.map((p, i) => {
    const partMetadata = JSON.stringify(p.metadata);
    storage.bytesUsed += bytes(p.text) + bytes(p.context);
    storage.metadataBytesUsed += bytes(partMetadata);
    const partId = Number(
      insertPart.run(
        rowId,
        corpusId,
        p.section === undefined ? null : (sectionIds[p.section] ?? null),
        i,
        p.text,
        partMetadata,
        p.context ?? null,
        p.customDimensions ? JSON.stringify(p.customDimensions) : null,
        p.isTitle === undefined ? null : p.isTitle ? 1 : 0,
        p.lang,
        p.offset,
        p.len,
      ).lastInsertRowid,
    );
    return { partId, title: document.title, heading: p.heading, text: p.text };
  });
  return {
    stored: {
      row: {
        rowId,
        corpusId,
        id: document.id,
        metadata: document.metadata,
        tables: document.tables,
        createdAt,
      },
      storage,
    },
    document,
    index,
  };
}

export function getDocumentByDocId(
  db: DB,
  { corpusId, docId }: { corpusId: number; docId: string },
): DocumentRow | undefined {
  const raw = db
    .prepare("SELECT * FROM documents WHERE corpus_id = ? AND doc_id = ?")
    .get(corpusId, docId) as RawDocument | undefined;
  return raw ? toDocument(raw) : undefined;
}

/** The document's parts in document order. */
export function listPartsByDocumentRowId(db: DB, { rowId }: { rowId: number }): PartRow[] {
  return (
    db
      .prepare(
        `SELECT text, metadata, context, custom_dimensions, is_title, lang, offset, len
         FROM parts WHERE document_id = ? ORDER BY ordinal`,
      )
      .all(rowId) as RawPart[]
  ).map(toPart);
}

/**
 * The orders a document list can take. `id`: by document id (Vectara's listing names no
 * order; this is the engine's default). `newest`: the most recently indexed first, by
 * row id, which grows with every insert (a re-upload is a new row). `title`: by title,
 * case-insensitively, documents without one by their id, ties by id.
 */
export type DocumentOrder = "id" | "newest" | "title";

/** Where the previous page of a listing ended, in the listing's own order. */
export type DocumentListCursor =
  | { order: "id"; afterDocId: string }
  | { order: "newest"; beforeRowId: number }
  | { order: "title"; afterKey: string; afterDocId: string };

// json_valid first: metadata stored before the nesting limits may be past SQLite's JSON
// depth, and json_extract would throw on it (such a document sorts by its id).
const TITLE_KEY =
  "LOWER(COALESCE(CASE WHEN json_valid(d.metadata) THEN json_extract(d.metadata, '$.title') END, d.doc_id))";

/** Up to `limit` documents in `order`, after `cursor` (which must be of that order) when paging. */
export function listDocumentsByCorpusId(
  db: DB,
  {
    corpusId,
    order = "id",
    cursor,
    limit,
    filter,
  }: {
    corpusId: number;
    order?: DocumentOrder;
    cursor?: DocumentListCursor;
    limit: number;
    filter?: DocumentFilter;
  },
): (DocumentRow & { titleKey: string })[] {
  const where = ["d.corpus_id = ?"];
  const params: unknown[] = [corpusId];
  if (cursor?.order === "id") {
    where.push("d.doc_id > ?");
    params.push(cursor.afterDocId);
  } else if (cursor?.order === "newest") {
    where.push("d.id < ?");
    params.push(cursor.beforeRowId);
  } else if (cursor?.order === "title") {
    where.push(`(${TITLE_KEY} > ? OR (${TITLE_KEY} = ? AND d.doc_id > ?))`);
    params.push(cursor.afterKey, cursor.afterKey, cursor.afterDocId);
  }
  if (filter) {
    where.push(`(${filter.sql})`);
    params.push(...filter.params);
  }
  const orderBy = {
    id: "d.doc_id",
    newest: "d.id DESC",
    title: `${TITLE_KEY}, d.doc_id`,
  }[order];
  const rows = db
    .prepare(
      `SELECT d.*, ${TITLE_KEY} AS title_key FROM documents d
       WHERE ${where.join(" AND ")} ORDER BY ${orderBy} LIMIT ?`,
    )
    .all(...params, limit) as (RawDocument & { title_key: unknown })[];
  return rows.map((r) => ({ ...toDocument(r), titleKey: String(r.title_key) }));
}

/**
 * What each document occupies, as the create response counts it (`writeRows`): the
 * UTF-8 bytes of its parts' text and context, and of its own and its parts' metadata
 * as stored. Computed from the stored rows, so it holds after a metadata update too.
 */
export function getStorageUsageByRowIds(db: DB, rowIds: number[]): Map<number, StorageUsage> {
  if (rowIds.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT d.id AS row_id,
         LENGTH(CAST(d.metadata AS BLOB)) AS doc_meta,
         COALESCE(SUM(LENGTH(CAST(p.text AS BLOB)) + COALESCE(LENGTH(CAST(p.context AS BLOB)), 0)), 0) AS bytes,
         COALESCE(SUM(LENGTH(CAST(p.metadata AS BLOB))), 0) AS part_meta
       FROM documents d LEFT JOIN parts p ON p.document_id = d.id
       WHERE d.id IN (SELECT value FROM json_each(?))
       GROUP BY d.id`,
    )
    .all(JSON.stringify(rowIds)) as {
    row_id: number;
    doc_meta: number;
    bytes: number;
    part_meta: number;
  }[];
  return new Map(
    rows.map((r) => [
      r.row_id,
      { bytesUsed: r.bytes, metadataBytesUsed: r.doc_meta + r.part_meta },
    ]),
  );
}

/** Deletes one document with its parts and index rows. False when there was none. */
export function deleteDocumentByDocId(
  db: DB,
  { corpusId, docId }: { corpusId: number; docId: string },
): boolean {
  return db.transaction(() => {
    const doc = getDocumentByDocId(db, { corpusId, docId });
    if (!doc) return false;
    deleteRow(db, doc.rowId);
    return true;
  })();
}

/**
 * Deletes the documents of a corpus that are named in `docIds` (when given) and
 * match `filter` (when given), in one transaction. Unknown ids are skipped.
 * Returns how many were deleted.
 */
export function deleteDocumentsByCorpusId(
  db: DB,
  { corpusId, docIds, filter }: { corpusId: number; docIds?: string[]; filter?: DocumentFilter },
): number {
  return db.transaction(() => {
    const conditions = ["d.corpus_id = ?"];
    const params: unknown[] = [corpusId];
    if (docIds) {
      conditions.push("d.doc_id IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(docIds));
    }
    if (filter) {
      conditions.push(`(${filter.sql})`);
      params.push(...filter.params);
    }
    const rowIds = db
      .prepare(`SELECT d.id FROM documents d WHERE ${conditions.join(" AND ")}`)
      .pluck()
      .all(...params) as number[];
    for (const rowId of rowIds) deleteRow(db, rowId);
    return rowIds.length;
  })();
}

function deleteRow(db: DB, rowId: number): void {
  removeFromIndexWhere(db, "document_id = ?", rowId);
  // Sections, parts and vectors go with the document (ON DELETE CASCADE).
  db.prepare("DELETE FROM documents WHERE id = ?").run(rowId);
}

/**
 * Merges (`merge`, PATCH) or replaces (`replace`, PUT) a document's metadata. The
 * index holds the document title, so a changed `title` re-indexes the parts, in
 * the same transaction.
 */
export function updateDocumentMetadataByDocId(
  db: DB,
  {
    corpusId,
    docId,
    metadata,
    mode,
  }: { corpusId: number; docId: string; metadata: Metadata; mode: "merge" | "replace" },
): DocumentRow | undefined {
  return db.transaction(() => {
    const doc = getDocumentByDocId(db, { corpusId, docId });
    if (!doc) return undefined;
    const next = mode === "merge" ? { ...doc.metadata, ...metadata } : { ...metadata };
    db.prepare("UPDATE documents SET metadata = ? WHERE id = ?").run(
      JSON.stringify(next),
      doc.rowId,
    );
    const title = (m: Metadata) => (typeof m.title === "string" ? m.title : "");
    const description = (m: Metadata) => descriptionOf(undefined, m);
    if (title(next) !== title(doc.metadata) || description(next) !== description(doc.metadata)) {
      reindexDocument(db, doc.rowId, next);
    }
    return { ...doc, metadata: next };
  })();
}

function reindexDocument(db: DB, rowId: number, metadata: Metadata): void {
  const title = typeof metadata.title === "string" ? metadata.title : "";
  const rows = db
    .prepare(
      `SELECT p.id AS partId, COALESCE(s.title, '') AS heading, p.text AS text,
              p.is_title AS isTitle
       FROM parts p LEFT JOIN sections s ON s.id = p.section_id
       WHERE p.document_id = ? ORDER BY p.ordinal`,
    )
    .all(rowId) as Array<Omit<IndexRow, "title"> & { isTitle: number | null }>;
  const stated = db.prepare("SELECT description FROM documents WHERE id = ?").pluck().get(rowId) as
    | string
    | undefined;
  const headings = db
    .prepare(
      "SELECT title FROM sections WHERE document_id = ? AND title IS NOT NULL ORDER BY ordinal",
    )
    .pluck()
    .all(rowId) as string[];
  removeFromIndexWhere(db, "document_id = ?", rowId);
  addToIndex(
    db,
    rows.map(({ partId, heading, text }) => ({ partId, heading, text, title })),
  );
  indexDocument(db, {
    documentId: rowId,
    title,
    description: descriptionOf(stated, metadata),
    headings: headings.join("\n"),
    body: rows
      .filter((r) => r.isTitle !== 1)
      .map((r) => r.text)
      .join("\n"),
  });
}
