import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import {
  type CompiledFilter,
  compileFilter,
  formatFilter,
  parseFilter,
} from "@/lib/engine/core/filter";
import type { FilterAttribute } from "@/lib/engine/ports";
import { type DB, openDatabase } from "@/lib/engine/store/db";

const FIELD = "query.metadata_filter";
const RUNS = 400;

const ATTRIBUTES: FilterAttribute[] = [
  { name: "year", level: "document", type: "integer", indexed: true },
  { name: "rating", level: "document", type: "real_number", indexed: true },
  { name: "category", level: "document", type: "text", indexed: true },
  { name: "published", level: "document", type: "boolean", indexed: true },
  { name: "tags", level: "document", type: "list[text]", indexed: true },
  { name: "sizes", level: "document", type: "list[integer]", indexed: true },
  { name: "priority", level: "part", type: "integer", indexed: false },
  { name: "weight", level: "part", type: "real_number", indexed: false },
  { name: "section", level: "part", type: "text", indexed: false },
  { name: "public", level: "part", type: "boolean", indexed: false },
  { name: "labels", level: "part", type: "list[real_number]", indexed: false },
  { name: "content-type", level: "part", type: "text", indexed: false },
];

let db: DB;
beforeAll(() => {
  db = openDatabase(":memory:");
  const now = new Date().toISOString();
  // The corpus declares the attributes, so their values get typed rows (migration 5).
  db.prepare(
    "INSERT INTO corpora (id, key, name, filter_attributes, created_at) VALUES (1, 'kb', 'kb', ?, ?)",
  ).run(JSON.stringify(ATTRIBUTES), now);
  const doc = db.prepare(
    "INSERT INTO documents (id, corpus_id, doc_id, metadata, created_at) VALUES (?, 1, ?, ?, ?)",
  );
  doc.run(
    1,
    "a",
    // Integers past 2^53 survive in SQLite's JSON, so they are written by hand.
    '{"year": 2020, "rating": 1.5, "category": "x", "published": true, "tags": ["t"], "sizes": [1, 9007199254740993]}',
    now,
  );
  doc.run(2, "b", JSON.stringify({ year: "2020", rating: null, tags: "t", sizes: [] }), now);
  doc.run(3, "c", "{}", now);
  const part = db.prepare(
    "INSERT INTO parts (document_id, corpus_id, ordinal, text, metadata, is_title, lang) VALUES (?, 1, 0, 'p', ?, ?, 'eng')",
  );
  part.run(
    1,
    '{"priority": 9223372036854775807, "weight": -0.5, "section": "s", "public": false, "labels": [1, 2.5], "content-type": "md"}',
    1,
  );
  part.run(2, JSON.stringify({ priority: 4, weight: 1e308, labels: ["1"] }), 0);
  part.run(3, "{}", null);
});
afterAll(() => db.close());

/** Compiles, and when it compiles, runs the SQL the way the search path does. */
function compileAndRun(
  filter: string,
  scope: "parts" | "documents" = "parts",
): CompiledFilter | undefined {
  const compiled = compileFilter(filter, ATTRIBUTES, { field: FIELD, scope });
  if (compiled) {
    const sql =
      scope === "parts"
        ? `SELECT p.id FROM parts p JOIN documents d ON d.id = p.document_id WHERE ${compiled.sql}`
        : `SELECT d.id FROM documents d WHERE ${compiled.sql}`;
    db.prepare(sql).all(...compiled.params);
  }
  return compiled;
}

/** Anything but a compiled filter or a 400 EngineError keyed on FIELD fails the property. */
function compilesOrRejects(filter: string): void {
  try {
    compileAndRun(filter);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    expect(error.status).toBe(400);
    expect(error.details.fieldErrors?.[FIELD]).toMatch(
      /^(Syntax|Type|Attribute) error at \d+:\d+: /,
    );
  }
}

// ---- a generator of well-typed filters, straight from the grammar ----

const pad = fc.constantFrom(" ", "  ", "\n", "\t ");
const caseOf = (word: string) =>
  fc.constantFrom(
    word.toUpperCase(),
    word.toLowerCase(),
    word[0]?.toUpperCase() + word.slice(1).toLowerCase(),
  );
const join = (...parts: (string | fc.Arbitrary<string>)[]) =>
  fc
    .tuple(...parts.map((p) => (typeof p === "string" ? fc.constant(p) : p)))
    .map((xs) => xs.join(""));
const kw = (word: string) => join(pad, caseOf(word), pad);
const paren = (a: fc.Arbitrary<string>) => a.map((s) => `(${s})`);

const intLit = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.integer({ min: -5, max: 5 }).map(String),
);
const realLit = fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => {
  const s = String(d);
  return /[.e]/.test(s) ? s : `${s}.0`;
});
const textLit = fc
  .string({ unit: "binary", maxLength: 12 })
  .map((s) => `'${s.replaceAll("'", "''")}'`);
const boolLit = fc.oneof(caseOf("true"), caseOf("false"));

const numAttr = fc.constantFrom("doc.year", "doc.rating", "part.priority", "part.weight");
const textAttr = fc.constantFrom(
  "doc.category",
  "doc.id",
  "part.lang",
  "part.section",
  'part."content-type"',
);
const boolAttr = fc.constantFrom("doc.published", "part.public", "part.is_title");
const anyAttr = fc.oneof(
  numAttr,
  textAttr,
  boolAttr,
  fc.constantFrom("doc.tags", "doc.sizes", "part.labels"),
);

const { bool } = fc.letrec<{
  num: string;
  text: string;
  bool: string;
}>((tie) => ({
  num: fc.oneof(
    { depthSize: "large", withCrossShrink: true },
    intLit,
    realLit,
    numAttr,
    join(fc.constantFrom("-", "+", "- "), paren(tie("num"))),
    join(paren(tie("num")), pad, fc.constantFrom("+", "-", "*", "/", "%"), pad, paren(tie("num"))),
  ),
  text: fc.oneof(textLit, textAttr),
  bool: fc.oneof(
    { depthSize: "large", withCrossShrink: true },
    boolLit,
    boolAttr,
    join(
      paren(tie("num")),
      pad,
      fc.constantFrom("=", "==", "!=", "<>", "<", "<=", ">", ">="),
      pad,
      paren(tie("num")),
    ),
    join(tie("text"), pad, fc.constantFrom("=", "!=", "<", ">="), pad, tie("text")),
    join(paren(tie("bool")), pad, fc.constantFrom("=", "<>"), pad, paren(tie("bool"))),
    join(kw("not"), paren(tie("bool"))),
    join(paren(tie("bool")), kw("and"), paren(tie("bool"))),
    join(paren(tie("bool")), kw("or"), paren(tie("bool"))),
    fc
      .array(paren(tie("bool")), { minLength: 2, maxLength: 6 })
      .chain((xs) => fc.constantFrom(" AND ", " or ").map((op) => xs.join(op))),
    join(
      fc.oneof(anyAttr, paren(tie("num"))),
      kw("is"),
      fc.constantFrom("", "NOT "),
      caseOf("null"),
    ),
    join(
      numAttr,
      kw("in"),
      "(",
      fc
        .array(fc.oneof(intLit, realLit, fc.constant("null")), { minLength: 1, maxLength: 4 })
        .map((xs) => xs.join(", ")),
      ")",
    ),
    join(
      textAttr,
      kw("in"),
      "(",
      fc.array(textLit, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(",")),
      ")",
    ),
    join(textLit, kw("in"), "doc.tags"),
    join(fc.oneof(intLit, realLit), kw("in"), fc.constantFrom("doc.sizes", "part.labels")),
  ),
}));

// ---- junk: random text, token soup, and mutations of valid filters ----

const token = fc.oneof(
  fc.constantFrom(
    "AND",
    "or",
    "Not",
    "IN",
    "is",
    "NULL",
    "true",
    "FALSE",
    "(",
    ")",
    ",",
    ".",
    "'",
    "''",
    '"',
    "=",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "!",
    "#",
    ";",
    "--",
    "doc.",
    "part.",
    "doc",
    "doc.year",
    "doc.tags",
    "part.is_title",
    "doc.nope",
    "x",
    "1e",
    ".5",
    "9223372036854775808",
    "-9223372036854775808",
    "1e999",
    "'x'",
    'doc."content-type"',
    "\n",
  ),
  intLit,
  textLit,
  anyAttr,
);
const soup = fc
  .array(fc.tuple(token, fc.constantFrom("", " ")), { maxLength: 25 })
  .map((xs) => xs.map(([t, s]) => t + s).join(""));

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    what: fc.oneof(token, fc.string({ unit: "binary", maxLength: 3 })),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 20 }),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;
function mutate(s: string, m: Mutation): string {
  const at = s.length === 0 ? 0 : m.at % (s.length + 1);
  switch (m.kind) {
    case "delete":
      return s.slice(0, at) + s.slice(at + m.len);
    case "insert":
      return s.slice(0, at) + m.what + s.slice(at);
    case "duplicate":
      return s.slice(0, at) + s.slice(at, at + m.len) + s.slice(at);
  }
}

describe("filter properties", () => {
  it("compiles and runs every well-typed filter the grammar generates", () => {
    fc.assert(
      fc.property(bool, (filter) => {
        expect(compileAndRun(filter)).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  it("prints a parsed filter as text that parses to the same tree", () => {
    fc.assert(
      fc.property(bool, (filter) => {
        const printed = formatFilter(
          parseFilter(filter, FIELD) as NonNullable<ReturnType<typeof parseFilter>>,
        );
        const reprinted = formatFilter(
          parseFilter(printed, FIELD) as NonNullable<ReturnType<typeof parseFilter>>,
        );
        expect(reprinted).toBe(printed);
      }),
      { numRuns: RUNS },
    );
  });

  it("never puts user text in the SQL: only fixed fragments and ? placeholders", () => {
    const FIXED = /'(integer|real|text|true|false|array)'/g;
    fc.assert(
      fc.property(bool, (filter) => {
        const { sql } = compileFilter(filter, ATTRIBUTES, {
          field: FIELD,
          scope: "parts",
        }) as CompiledFilter;
        const rest = sql.replace(FIXED, "");
        expect(rest).not.toMatch(/['";]|--|\/\*/);
        // Every word in the SQL is one the emitter writes.
        const words = new Set(rest.match(/[A-Za-z_][A-Za-z0-9_.]*/g));
        for (const w of words)
          expect([
            "AND",
            "OR",
            "NOT",
            "IS",
            "NULL",
            "IN",
            "CASE",
            "WHEN",
            "THEN",
            "END",
            "EXISTS",
            "SELECT",
            "FROM",
            "AS",
            "WHERE",
            "doc_attrs",
            "part_attrs",
            "a",
            "a.doc_rowid",
            "a.part_rowid",
            "a.name",
            "a.seq",
            "a.type",
            "a.value",
            "d.id",
            "p.id",
            "d.doc_id",
            "p.lang",
            "p.is_title",
          ]).toContain(w);
      }),
      { numRuns: RUNS },
    );
  });

  it("answers random text with a filter or a 400, never another error", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 60 }), compilesOrRejects), {
      numRuns: RUNS,
    });
  });

  it("answers token soup with a filter or a 400, and runs what compiles", () => {
    fc.assert(fc.property(soup, compilesOrRejects), { numRuns: RUNS * 2 });
  });

  it("answers mutated valid filters with a filter or a 400, and runs what compiles", () => {
    fc.assert(
      fc.property(bool, fc.array(mutation, { minLength: 1, maxLength: 3 }), (filter, ms) => {
        compilesOrRejects(ms.reduce(mutate, filter));
      }),
      { numRuns: RUNS },
    );
  });

  it("answers any nesting of brackets, NOTs and signs with a filter or a 400", () => {
    const opener = fc.constantFrom("(", "NOT ", "-", "+", "NOT (", "- (");
    fc.assert(
      fc.property(
        fc.array(opener, { maxLength: 2500 }),
        bool,
        fc.nat(3000),
        (openers, inner, closers) => {
          compilesOrRejects(`${openers.join("")}${inner}${")".repeat(closers)}`);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects any part attribute in a document filter", () => {
    fc.assert(
      fc.property(bool, (filter) => {
        let compiled: CompiledFilter | undefined;
        try {
          compiled = compileAndRun(filter, "documents");
        } catch (error) {
          expect(error).toBeInstanceOf(EngineError);
          expect((error as EngineError).details.fieldErrors?.[FIELD]).toMatch(
            /^Attribute error at \d+:\d+: part\.\S+ is a part-level attribute/,
          );
          return;
        }
        expect(compiled?.sql).not.toMatch(/\bp\./);
      }),
      { numRuns: RUNS },
    );
  });
});
