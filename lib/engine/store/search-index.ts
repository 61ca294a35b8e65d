import { capTokens, indexedTitle } from "../core/lexical";
import type { DB } from "./db";
import { cachedStatement } from "./statements";

/**
 * The lexical index: FTS5 word index and trigram index over parts (rowid =
 * `parts.id`), a word index over whole sections (rowid = `sections.id`), and one over
 * whole documents (rowid = `documents.id`; see `indexDocument`). Callers
 * run these inside the transaction that writes or deletes the parts, so a part is
 * never in the table without being indexed. Semantic vectors are written
 * separately (`store/vectors.ts`), after the transaction, because embedding is a
 * network call.
 *
 * What is written is bounded per part: words are cut to MAX_TOKEN_CHARS and the
 * title and heading repeated with every part to MAX_INDEXED_TITLE_CHARS
 * (`core/lexical.ts`), so indexing costs time linear in the document whatever it
 * holds. The tables are contentless: what they hold only decides what matches.
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
  const words = cachedStatement(
    db,
    "INSERT INTO parts_fts (rowid, title, heading, text) VALUES (?, ?, ?, ?)",
  );
  const trigrams = cachedStatement(db, "INSERT INTO parts_tri (rowid, text) VALUES (?, ?)");
  const title = indexedTitle(rows[0]?.title ?? "");
  for (const r of rows) {
    const t = r.title === rows[0]?.title ? title : indexedTitle(r.title);
    const heading = indexedTitle(r.heading);
    const text = capTokens(r.text);
    words.run(r.partId, t, heading, text);
    trigrams.run(r.partId, `${t}\n${heading}\n${text}`);
  }
  indexSections(db, rows);
}

/**
 * Indexes the sections the rows' parts were cut from, each once, replacing any
 * earlier entry (a re-index after a title change, or a reused section id).
 */
function indexSections(db: DB, rows: IndexRow[]): void {
  const titles = new Map(rows.map((r) => [r.partId, r.title]));
  // Section ids first, texts one by one: grouping rows that carry the section's text
  // would copy that text once per part (parts × section length).
  const sections = cachedStatement(
    db,
    `SELECT p.section_id AS id, MIN(p.id) AS partId
     FROM json_each(?) j
     CROSS JOIN parts p ON p.id = j.value
     WHERE p.section_id IS NOT NULL
     GROUP BY p.section_id`,
  ).all(JSON.stringify([...titles.keys()])) as Array<{ id: number; partId: number }>;
  if (sections.length === 0) return;
  const read = cachedStatement(
    db,
    "SELECT COALESCE(title, '') AS heading, text FROM sections WHERE id = ?",
  );
  const remove = cachedStatement(db, "DELETE FROM sections_fts WHERE rowid = ?");
  const insert = cachedStatement(
    db,
    "INSERT INTO sections_fts (rowid, title, heading, text) VALUES (?, ?, ?, ?)",
  );
  for (const s of sections) {
    const { heading, text } = read.get(s.id) as { heading: string; text: string };
    remove.run(s.id);
    insert.run(
      s.id,
      indexedTitle(titles.get(s.partId) ?? ""),
      indexedTitle(heading),
      capTokens(text),
    );
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
  cachedStatement(db, "DELETE FROM docs_fts WHERE rowid = ?").run(row.documentId);
  cachedStatement(
    db,
    "INSERT INTO docs_fts (rowid, title, description, headings, body) VALUES (?, ?, ?, ?, ?)",
  ).run(
    row.documentId,
    indexedTitle(row.title),
    capTokens(row.description),
    row.headings.split("\n").map(indexedTitle).join("\n"),
    capTokens(row.body),
  );
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
