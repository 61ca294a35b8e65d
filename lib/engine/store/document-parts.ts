import type { DB } from "./db";

/** One part of a document, as a summary reads it. */
export interface LeadingPart {
  text: string;
  isTitle: boolean;
}

/**
 * The document's first `limit` parts in document order (title and heading parts
 * included), read with a LIMIT so a huge document costs no more than a small one.
 */
export function listLeadingParts(db: DB, documentRowId: number, limit: number): LeadingPart[] {
  const rows = db
    .prepare("SELECT text, is_title FROM parts WHERE document_id = ? ORDER BY ordinal LIMIT ?")
    .all(documentRowId, limit) as Array<{ text: string; is_title: number | null }>;
  return rows.map((r) => ({ text: r.text, isTitle: r.is_title === 1 }));
}
