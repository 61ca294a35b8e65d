import type { DB } from "./db";

/**
 * The lexical index: FTS5 word index and trigram index over parts (rowid =
 * `parts.id`), a word index over whole sections (rowid = `sections.id`), and one over
 * whole documents (rowid = `documents.id`; see `indexDocument`). Callers
 * run these inside the transaction that writes or deletes the parts, so a part is
 * never in the table without being indexed. Semantic vectors are written
 * separately (`store/vectors.ts`), after the transaction, because embedding is a
 * network call.
 */
export interface IndexRow {
  partId: number;
  /** The document's title, weighted above the text. */
  title: string;
  /** The heading of the section the part was cut from. */
  heading: string;
  text: string;
}

export function addToIndex(db: DB, rows: IndexRow[]): void {
  if (rows.length === 0) return;
  const words = db.prepare(
    "INSERT INTO parts_fts (rowid, title, heading, text) VALUES (?, ?, ?, ?)",
  );
  const trigrams = db.prepare("INSERT INTO parts_tri (rowid, text) VALUES (?, ?)");
  for (const r of rows) {
    words.run(r.partId, r.title, r.heading, r.text);
    trigrams.run(r.partId, `${r.title}\n${r.heading}\n${r.text}`);
  }
  indexSections(db, rows);
}

/**
 * Indexes the sections the rows' parts were cut from, each once, replacing any
 * earlier entry (a re-index after a title change, or a reused section id).
 */
function indexSections(db: DB, rows: IndexRow[]): void {
  const titles = new Map(rows.map((r) => [r.partId, r.title]));
  const sections = db
    .prepare(
      `SELECT s.id AS id, MIN(p.id) AS partId, COALESCE(s.title, '') AS heading, s.text AS text
       FROM json_each(?) j
       CROSS JOIN parts p ON p.id = j.value
       CROSS JOIN sections s ON s.id = p.section_id
       GROUP BY s.id`,
    )
    .all(JSON.stringify([...titles.keys()])) as Array<{
    id: number;
    partId: number;
    heading: string;
    text: string;
  }>;
  if (sections.length === 0) return;
  const remove = db.prepare("DELETE FROM sections_fts WHERE rowid = ?");
  const insert = db.prepare(
    "INSERT INTO sections_fts (rowid, title, heading, text) VALUES (?, ?, ?, ?)",
  );
  for (const s of sections) {
    remove.run(s.id);
    insert.run(s.id, titles.get(s.partId) ?? "", s.heading, s.text);
  }
}

/** A document's row in the document-level index (`docs_fts`). */
export interface DocumentIndexRow {
  documentId: number;
  title: string;
  description: string;
  /** Section headings, one per line. */
  headings: string;
  /** The text of every part that is not a title. */
  body: string;
}

/** Writes (or replaces) a document's row in the document-level index. */
export function indexDocument(db: DB, row: DocumentIndexRow): void {
  db.prepare("DELETE FROM docs_fts WHERE rowid = ?").run(row.documentId);
  db.prepare(
    "INSERT INTO docs_fts (rowid, title, description, headings, body) VALUES (?, ?, ?, ?, ?)",
  ).run(row.documentId, row.title, row.description, row.headings, row.body);
}

/**
 * Removes the index rows of every part matching `where` (a fixed SQL condition on
 * `parts`), and of the documents they belong to.
 */
export function removeFromIndexWhere(
  db: DB,
  where: "document_id = ?" | "corpus_id = ?",
  id: number,
): void {
  const documents =
    where === "document_id = ?" ? "?" : "SELECT id FROM documents WHERE corpus_id = ?";
  db.prepare(`DELETE FROM docs_fts WHERE rowid IN (${documents})`).run(id);
  db.prepare(`DELETE FROM parts_fts WHERE rowid IN (SELECT id FROM parts WHERE ${where})`).run(id);
  db.prepare(`DELETE FROM parts_tri WHERE rowid IN (SELECT id FROM parts WHERE ${where})`).run(id);
  db.prepare(
    `DELETE FROM sections_fts WHERE rowid IN
       (SELECT DISTINCT section_id FROM parts WHERE ${where} AND section_id IS NOT NULL)`,
  ).run(id);
}
