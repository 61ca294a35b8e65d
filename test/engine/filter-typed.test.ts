import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFilter } from "@/lib/engine/core/filter";
import { jsonPath } from "@/lib/engine/core/filter/sql";
import type { FilterAttribute } from "@/lib/engine/ports";
import { type DB, migrate, openDatabase } from "@/lib/engine/store/db";
import { migrations } from "@/lib/engine/store/migrations";
import { makeEngine } from "../support/engine";

/**
 * Declared filter attributes are read from typed rows (`doc_attrs`, `part_attrs`,
 * migration 5) instead of the metadata JSON. These tests hold the typed reading to
 * the JSON reading it replaced (`json_type`/`json_extract`/`json_each` on the stored
 * metadata, the reference below), for any metadata, and check that every write keeps
 * the rows right: create, PATCH, PUT, delete, replace_filter_attributes.
 */

const attr = (
  level: FilterAttribute["level"],
  name: string,
  type: FilterAttribute["type"],
): FilterAttribute => ({ name, level, type, indexed: true });

const DOC_ATTRIBUTES: FilterAttribute[] = [
  attr("document", "n", "integer"),
  attr("document", "r", "real_number"),
  attr("document", "t", "text"),
  attr("document", "b", "boolean"),
  attr("document", "lt", "list[text]"),
  attr("document", "li", "list[integer]"),
  attr("document", 'q"\\k', "text"),
];
const PART_ATTRIBUTES: FilterAttribute[] = [
  attr("part", "n", "integer"),
  attr("part", "t", "text"),
  attr("part", "lr", "list[real_number]"),
];
const ATTRIBUTES = [...DOC_ATTRIBUTES, ...PART_ATTRIBUTES];
const KEYS = ["n", "r", "t", "b", "lt", "li", 'q"\\k', "lr", "other"];

/** How the filters read metadata before migration 5: the reference. */
const JSON_TYPES: Record<string, string> = {
  integer: "IN ('integer', 'real')",
  real_number: "IN ('integer', 'real')",
  text: "= 'text'",
  boolean: "IN ('true', 'false')",
};
const ELEMENT_TYPES: Record<string, string> = {
  "list[integer]": "IN ('integer', 'real')",
  "list[real_number]": "IN ('integer', 'real')",
  "list[text]": "= 'text'",
};
function referenceValue(m: string, a: FilterAttribute): string {
  const path = `'${jsonPath(a.name).replaceAll("'", "''")}'`;
  const types = a.type.startsWith("list[") ? "= 'array'" : JSON_TYPES[a.type];
  return `(CASE WHEN NOT json_valid(${m}) THEN NULL WHEN json_type(${m}, ${path}) ${types} THEN json_extract(${m}, ${path}) END)`;
}
function referenceContains(m: string, a: FilterAttribute): string {
  const path = `'${jsonPath(a.name).replaceAll("'", "''")}'`;
  return `(CASE WHEN NOT json_valid(${m}) THEN NULL WHEN json_type(${m}, ${path}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(${m}, ${path}) je WHERE je.type ${ELEMENT_TYPES[a.type]} AND je.value = ?) END)`;
}

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(2.5, -0.5, 1e308, 2 ** 53 + 2, 0.1),
  fc.constantFrom("a", "b", "", "3", "true"),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  { weight: 3, arbitrary: scalar },
  fc.array(fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom("n", "x"), scalar, { maxKeys: 2 }),
);
const metadata = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 });

/** Comparisons that only read a value, one per declared type, plus IS NULL for all. */
const literal = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((n) => ({ sql: BigInt(n), text: String(n) })),
  fc.constantFrom(2.5, -0.5).map((n) => ({ sql: n, text: String(n) })),
  fc.constantFrom("a", "b", "", "3").map((s) => ({ sql: s, text: `'${s}'` })),
);

describe("typed filter attribute rows", () => {
  let db: DB;
  beforeAll(() => {
    db = openDatabase(":memory:");
    db.prepare(
      "INSERT INTO corpora (id, key, name, filter_attributes, created_at) VALUES (1, 'kb', 'kb', ?, '')",
    ).run(JSON.stringify(ATTRIBUTES));
  });
  afterAll(() => db.close());

  function store(docs: Array<{ meta: string; parts: string[] }>) {
    db.prepare("DELETE FROM documents").run();
    const doc = db.prepare(
      "INSERT INTO documents (corpus_id, doc_id, metadata, created_at) VALUES (1, ?, ?, '')",
    );
    const part = db.prepare(
      "INSERT INTO parts (document_id, corpus_id, ordinal, text, metadata, lang) VALUES (?, 1, ?, 'x', ?, 'eng')",
    );
    docs.forEach((d, i) => {
      const id = Number(doc.run(`d${i}`, d.meta).lastInsertRowid);
      d.parts.forEach((m, j) => {
        part.run(id, j, m);
      });
    });
  }

  /** Part ids the filter keeps, through the compiled (typed) SQL and through the reference. */
  function both(filter: string, reference: string, params: unknown[]) {
    const compiled = compileFilter(filter, ATTRIBUTES, { field: "f", scope: "parts" });
    if (!compiled) throw new Error("no filter");
    const from = "FROM parts p JOIN documents d ON d.id = p.document_id";
    const typed = db
      .prepare(`SELECT p.id ${from} WHERE ${compiled.sql} ORDER BY p.id`)
      .pluck()
      .all(...compiled.params);
    const expected = db
      .prepare(`SELECT p.id ${from} WHERE ${reference} ORDER BY p.id`)
      .pluck()
      .all(...params);
    return { typed, expected };
  }

  it("reads every declared attribute exactly as json_type/json_extract/json_each did", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            doc: metadata,
            parts: fc.array(metadata, { minLength: 1, maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        literal,
        (docs, lit) => {
          store(
            docs.map((d) => ({
              meta: JSON.stringify(d.doc),
              parts: d.parts.map((p) => JSON.stringify(p)),
            })),
          );
          for (const a of ATTRIBUTES) {
            const ref = `${a.level === "document" ? "doc" : "part"}.${a.name.includes('"') ? `"${a.name.replaceAll('"', '""')}"` : a.name}`;
            const m = a.level === "document" ? "d.metadata" : "p.metadata";
            const value = referenceValue(m, a);
            const { typed, expected } = both(`${ref} IS NULL`, `${value} IS NULL`, []);
            expect(typed).toEqual(expected);
            const isList = a.type.startsWith("list[");
            const numeric = a.type === "integer" || a.type === "real_number";
            const litType = typeof lit.sql === "string" ? "text" : "number";
            if (isList) {
              const element = a.type === "list[text]" ? "text" : "number";
              if (element !== litType) continue;
              const r = both(`${lit.text} IN ${ref}`, referenceContains(m, a), [lit.sql]);
              expect(r.typed).toEqual(r.expected);
            } else if (
              (numeric && litType === "number") ||
              (a.type === "text" && litType === "text")
            ) {
              for (const op of ["=", "<", ">="]) {
                const r = both(`${ref} ${op} ${lit.text}`, `(${value} ${op} ?)`, [lit.sql]);
                expect(r.typed).toEqual(r.expected);
              }
            } else if (a.type === "boolean") {
              const r = both(`${ref} = true`, `(${value} = 1)`, []);
              expect(r.typed).toEqual(r.expected);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("leaves metadata SQLite cannot read without rows, and the filter reads it as absent", () => {
    store([{ meta: `{"n": ${"[".repeat(1100)}${"]".repeat(1100)}, "t": "a"}`, parts: ["{}"] }]);
    expect(db.prepare("SELECT COUNT(*) FROM doc_attrs").pluck().get()).toBe(0);
    const { typed, expected } = both(
      "doc.t IS NULL",
      `${referenceValue("d.metadata", DOC_ATTRIBUTES[2] as FilterAttribute)} IS NULL`,
      [],
    );
    expect(typed).toEqual(expected);
    expect(typed).toHaveLength(1);
  });
});

describe("typed rows follow every write", () => {
  const rows = (db: DB) =>
    db
      .prepare(
        `SELECT d.doc_id AS doc, a.name, a.seq, a.type, a.value FROM doc_attrs a
         JOIN documents d ON d.id = a.doc_rowid ORDER BY d.doc_id, a.name, a.seq`,
      )
      .all();
  const counts = (db: DB) =>
    db.prepare("SELECT document_count AS docs, part_count AS parts FROM corpora").get();

  it("on create, metadata updates, attribute changes and deletes", async () => {
    const { client, engine } = makeEngine();
    await client.corpora.create({
      key: "kb",
      filter_attributes: [
        { name: "year", level: "document", type: "integer" },
        { name: "tags", level: "document", type: "list[text]" },
      ],
    });
    await client.documents.create("kb", {
      type: "core",
      id: "a",
      metadata: { year: 2020, tags: ["x", 3, "y"], kind: "faq" },
      document_parts: [{ text: "one" }, { text: "two" }],
    });
    await client.documents.create("kb", {
      type: "core",
      id: "b",
      metadata: { year: "2021" },
      document_parts: [{ text: "three" }],
    });
    expect(rows(engine.db)).toEqual([
      { doc: "a", name: "tags", seq: 0, type: "array", value: null },
      { doc: "a", name: "tags", seq: 1, type: "text", value: "x" },
      // Stored with its type: a list[text] filter never matches it.
      { doc: "a", name: "tags", seq: 2, type: "integer", value: 3 },
      { doc: "a", name: "tags", seq: 3, type: "text", value: "y" },
      { doc: "a", name: "year", seq: 0, type: "integer", value: 2020 },
      // A text "2021" is stored with its type; an integer filter reads it as absent.
      { doc: "b", name: "year", seq: 0, type: "text", value: "2021" },
    ]);
    expect(counts(engine.db)).toEqual({ docs: 2, parts: 3 });

    await client.documents.mergeMetadata("kb", "b", { year: 2022 });
    await client.documents.replaceMetadata("kb", "a", { kind: "faq" });
    expect(rows(engine.db)).toEqual([
      { doc: "b", name: "year", seq: 0, type: "integer", value: 2022 },
    ]);

    await client.corpora.replaceFilterAttributes("kb", [
      { name: "kind", level: "document", type: "text" },
    ]);
    expect(rows(engine.db)).toEqual([
      { doc: "a", name: "kind", seq: 0, type: "text", value: "faq" },
    ]);
    const ids = async (filter: string) =>
      (
        await client.query.corpus("kb", {
          query: "one two three",
          search: { limit: 10, metadata_filter: filter },
        })
      ).searchResults.map((r) => r.documentId);
    expect(new Set(await ids("doc.kind = 'faq'"))).toEqual(new Set(["a"]));

    await client.documents.delete("kb", "a");
    expect(rows(engine.db)).toEqual([]);
    expect(counts(engine.db)).toEqual({ docs: 1, parts: 1 });
    expect(await ids("doc.kind = 'faq'")).toEqual([]);
  });

  it("backfills existing corpora when the migration runs", () => {
    const db = openDatabase(":memory:", []);
    // An engine database as it was before migration 5 (versions 1–4 only).
    migrate(
      db,
      migrations.filter((m) => m.version < 5),
    );
    db.prepare(
      "INSERT INTO corpora (id, key, name, filter_attributes, created_at) VALUES (1, 'kb', 'kb', ?, '')",
    ).run(JSON.stringify([attr("document", "year", "integer"), attr("part", "p", "text")]));
    db.prepare(
      "INSERT INTO documents (id, corpus_id, doc_id, metadata, created_at) VALUES (1, 1, 'a', '{\"year\": 7}', '')",
    ).run();
    db.prepare(
      "INSERT INTO parts (document_id, corpus_id, ordinal, text, metadata, lang) VALUES (1, 1, 0, 'x', '{\"p\": \"v\"}', 'eng')",
    ).run();
    migrate(db, migrations);
    expect(db.prepare("SELECT name, type, value FROM doc_attrs").all()).toEqual([
      { name: "year", type: "integer", value: 7 },
    ]);
    expect(db.prepare("SELECT name, type, value FROM part_attrs").all()).toEqual([
      { name: "p", type: "text", value: "v" },
    ]);
    expect(db.prepare("SELECT document_count, part_count FROM corpora").get()).toEqual({
      document_count: 1,
      part_count: 1,
    });
    db.close();
  });
});
