import Database from "better-sqlite3";
import { parseLexicalQuery } from "@/lib/engine/core/lexical";
import type { StructuredDocumentSection } from "@/lib/vectara/schemas/documents";

/**
 * The yardstick the answer benchmark compares retrieval with: plain SQLite FTS5 BM25
 * (porter stemmer, an OR of the query's words, stop words dropped) over paragraphs,
 * each paragraph its own row, a document ranked by its best paragraph. No title
 * weighting, no fusion, no synonyms: what anyone gets from FTS5 in an afternoon.
 */
export class ParagraphBm25 {
  private readonly db = new Database(":memory:");
  private readonly insert;
  private readonly docs: string[] = [];

  constructor() {
    this.db.exec(
      "CREATE VIRTUAL TABLE p USING fts5(doc UNINDEXED, text, tokenize = 'porter unicode61 remove_diacritics 2')",
    );
    this.insert = this.db.prepare("INSERT INTO p (doc, text) VALUES (?, ?)");
  }

  add(docId: string, sections: StructuredDocumentSection[]): void {
    const walk = (s: StructuredDocumentSection) => {
      for (const para of s.text.split(/\n{2,}/)) if (para.trim()) this.insert.run(docId, para);
      for (const c of s.sections ?? []) walk(c);
    };
    this.db.transaction(() => sections.forEach(walk))();
    this.docs.push(docId);
  }

  /** Distinct documents, best first. */
  search(query: string, limit = 10): string[] {
    const terms = parseLexicalQuery(query).terms.filter((t) => !t.prefix);
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.text.replaceAll('"', '""')}"`).join(" OR ");
    const rows = this.db
      .prepare("SELECT doc FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 500")
      .pluck()
      .all(match) as string[];
    return [...new Set(rows)].slice(0, limit);
  }

  close(): void {
    this.db.close();
  }
}
