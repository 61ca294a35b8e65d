import { describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import { makeEngine } from "../support/engine";

/**
 * `engine.indexDocuments`: many documents, each in the `POST …/documents` body shape,
 * written many to a transaction. Each gets the answer its own request would have had,
 * and what it writes is what the request would have written.
 */
const core = (id: string, text: string, metadata: Record<string, unknown> = {}) => ({
  type: "core" as const,
  id,
  metadata,
  document_parts: [{ text }],
});
const structured = (id: string, title: string, text: string) => ({
  type: "structured" as const,
  id,
  title,
  metadata: { year: 2021 },
  sections: [
    { title: "Setup", text },
    { title: "Limits", text: "Each plan allows ten projects. Larger plans allow more." },
  ],
});

async function setup() {
  const fixture = makeEngine();
  await fixture.client.corpora.create({
    key: "kb",
    filter_attributes: [{ name: "year", level: "document", type: "integer" }],
  });
  return fixture;
}

describe("engine.indexDocuments", () => {
  it("answers each document as its own request would, and one failure stops nothing", async () => {
    const { engine, client } = await setup();
    await client.documents.create("kb", core("old", "Already here."));
    const results = await engine.indexDocuments("kb", [
      core("a", "Refunds take five business days.", { year: 2020 }),
      { type: "core", id: "bad", document_parts: [{ text: "   " }] },
      core("old", "A second document with a taken id."),
      { type: "nope" },
      core("a", "The same id twice in one batch."),
      structured("s", "Getting started", "Install the app. Sign in with your work e-mail."),
    ]);
    expect(results.map((r) => [r.index, r.id, r.status])).toEqual([
      [0, "a", 201],
      [1, "bad", 400],
      [2, "old", 409],
      [3, undefined, 400],
      [4, "a", 409],
      [5, "s", 201],
    ]);
    expect(results[1]?.error?.field_errors).toEqual({
      "body.document_parts.0.text": "must contain some text",
    });
    expect(results[2]?.error?.messages[0]).toMatch(/already exists in corpus 'kb'/);
    expect(results[0]?.document).toMatchObject({
      id: "a",
      metadata: { year: 2020 },
      storage_usage: { bytes_used: 32 },
    });

    const ids = [];
    for await (const d of await client.documents.list("kb")) ids.push(d.id);
    expect(ids.sort()).toEqual(["a", "old", "s"]);
    const found = await client.query.corpus("kb", {
      query: "refunds business days",
      search: { limit: 5, metadata_filter: "doc.year = 2020" },
    });
    expect(found.searchResults.map((r) => r.documentId)).toEqual(["a"]);
    expect((await client.corpora.computeSize("kb")).usedDocs).toBe(3);
  });

  it("writes exactly what POST …/documents writes, index rows included", async () => {
    const docs = [
      core("c1", "Passwords expire after ninety days.", { year: 2019, title: "Passwords" }),
      structured("s1", "Billing", "Invoices are emailed on the first day of the month."),
      structured("s2", "Teams", "Invite teammates from the Members page. Owners approve them."),
    ];
    const one = await setup();
    for (const d of docs) await one.client.documents.create("kb", d);
    const many = await setup();
    await many.engine.indexDocuments("kb", docs);

    const dump = (db: typeof one.engine.db) => ({
      documents: db.prepare("SELECT id, doc_id, metadata, description FROM documents").all(),
      sections: db.prepare("SELECT * FROM sections ORDER BY id").all(),
      parts: db
        .prepare(
          "SELECT id, document_id, section_id, ordinal, text, metadata, is_title, lang, offset, len FROM parts ORDER BY id",
        )
        .all(),
      attrs: db.prepare("SELECT * FROM doc_attrs ORDER BY doc_rowid, name, seq").all(),
      counts: db.prepare("SELECT document_count, part_count FROM corpora").all(),
      words: db.prepare("SELECT term, doc, cnt FROM parts_fts_vocab ORDER BY term").all(),
      pages: db.prepare("SELECT term, doc, cnt FROM docs_fts_vocab ORDER BY term").all(),
      sectionIndex: db.prepare("SELECT term, doc, cnt FROM sections_fts_vocab ORDER BY term").all(),
      trigrams: db.prepare("SELECT COUNT(*) AS n, SUM(cnt) AS c FROM parts_tri_vocab").get(),
    });
    expect(dump(many.engine.db)).toEqual(dump(one.engine.db));
  });

  it("cuts a large batch into several transactions and still indexes every document", async () => {
    const { engine, client } = await setup();
    const docs = Array.from({ length: 300 }, (_, i) =>
      structured(`d${i}`, `Article ${i}`, `Sentence one of ${i}. `.repeat(30)),
    );
    const results = await engine.indexDocuments("kb", docs);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect((await client.corpora.computeSize("kb")).usedDocs).toBe(300);
  });

  it("rejects a batch for a corpus that does not exist", async () => {
    const { engine } = await setup();
    await expect(engine.indexDocuments("missing", [core("a", "x")])).rejects.toBeInstanceOf(
      EngineError,
    );
  });
});
