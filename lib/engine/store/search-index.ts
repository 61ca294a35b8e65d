import type { DB } from "./db";

/**
 * The lexical index over parts (FTS5 word index plus trigram index). Rows are
 * keyed by `parts.id`. Callers run these inside the transaction that writes or
 * deletes the parts, so a part is never in the table without being indexed.
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
  const words = db.prepare(
    "INSERT INTO parts_fts (rowid, title, heading, text) VALUES (?, ?, ?, ?)",
  );
  const trigrams = db.prepare("INSERT INTO parts_tri (rowid, text) VALUES (?, ?)");
  for (const r of rows) {
    words.run(r.partId, r.title, r.heading, r.text);
    trigrams.run(r.partId, `${r.title}\n${r.heading}\n${r.text}`);
  }
}

/** Removes the index rows of every part matching `where` (a fixed SQL condition on `parts`). */
export function removeFromIndexWhere(
  db: DB,
  where: "document_id = ?" | "corpus_id = ?",
  id: number,
): void {
  db.prepare(`DELETE FROM parts_fts WHERE rowid IN (SELECT id FROM parts WHERE ${where})`).run(id);
  db.prepare(`DELETE FROM parts_tri WHERE rowid IN (SELECT id FROM parts WHERE ${where})`).run(id);
}
