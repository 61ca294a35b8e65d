import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import {
  compileFilter,
  type Expr,
  type FilterScope,
  formatFilter,
  MAX_DEPTH,
  parseFilter,
} from "@/lib/engine/core/filter";
import type { FilterAttribute } from "@/lib/engine/ports";
import { type DB, openDatabase } from "@/lib/engine/store/db";

const FIELD = "body.search.corpora.0.metadata_filter";

const attr = (
  level: FilterAttribute["level"],
  name: string,
  type: FilterAttribute["type"],
): FilterAttribute => ({ name, level, type, indexed: true });

const ATTRIBUTES: FilterAttribute[] = [
  attr("document", "category", "text"),
  attr("document", "year", "integer"),
  attr("document", "rating", "real_number"),
  attr("document", "published", "boolean"),
  attr("document", "tags", "list[text]"),
  attr("document", "scores", "list[real_number]"),
  attr("document", "sizes", "list[integer]"),
  attr("document", "updated", "text"),
  attr("document", 'say "hi"\\there', "integer"),
  attr("document", "x'); DROP TABLE parts; --", "text"),
  attr("part", "priority", "integer"),
  attr("part", "section", "text"),
  attr("part", "a", "boolean"),
  attr("part", "b", "boolean"),
  attr("part", "c", "boolean"),
];

/** Parses and prints fully parenthesized, so the tree's shape is visible. */
const shape = (filter: string) => formatFilter(parseFilter(filter) as Expr);

const compile = (filter: string | undefined, scope: FilterScope = "parts") =>
  compileFilter(filter, ATTRIBUTES, { field: FIELD, scope });

/** The 400 a filter fails with; fails the test if it compiles or throws anything else. */
function failure(filter: string, scope: FilterScope = "parts"): string {
  try {
    compile(filter, scope);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    const e = error as EngineError;
    expect(e.status).toBe(400);
    const message = e.details.fieldErrors?.[FIELD];
    expect(message).toBeDefined();
    return message as string;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe("filter parser: precedence and associativity", () => {
  it.each([
    // OR < AND
    ["part.a OR part.b AND part.c", "(part.a OR (part.b AND part.c))"],
    ["part.a AND part.b OR part.c", "((part.a AND part.b) OR part.c)"],
    ["(part.a OR part.b) AND part.c", "((part.a OR part.b) AND part.c)"],
    // AND < NOT < IN/IS NULL/comparisons
    ["NOT doc.year = 1 AND part.b", "((NOT (doc.year = 1)) AND part.b)"],
    ["NOT NOT part.a", "(NOT (NOT part.a))"],
    ["NOT doc.year IN (1, 2)", "(NOT (doc.year IN (1, 2)))"],
    ["NOT 'x' IN doc.tags OR part.a", "((NOT ('x' IN doc.tags)) OR part.a)"],
    // IN < IS NULL < equality
    ["doc.year IS NULL IN (TRUE)", "((doc.year IS NULL) IN (TRUE))"],
    ["doc.year = 1 IS NOT NULL", "((doc.year = 1) IS NOT NULL)"],
    // equality < comparison < additive < multiplicative < unary
    ["doc.year < 2 = TRUE", "((doc.year < 2) = TRUE)"],
    ["doc.year + 1 < doc.rating * 2", "((doc.year + 1) < (doc.rating * 2))"],
    ["1 + 2 * 3 = 7", "((1 + (2 * 3)) = 7)"],
    ["(1 + 2) * 3 = 9", "(((1 + 2) * 3) = 9)"],
    ["-doc.year * 2 > 0", "(((-doc.year) * 2) > 0)"],
    ["+doc.year % 2 = 1", "(((+doc.year) % 2) = 1)"],
    // left associativity
    ["10 - 4 - 3 = 3", "(((10 - 4) - 3) = 3)"],
    ["8 / 4 / 2 = 1", "(((8 / 4) / 2) = 1)"],
    ["7 % 4 * 2 = 6", "(((7 % 4) * 2) = 6)"],
    ["1 < 2 < 3", "((1 < 2) < 3)"],
    ["part.a = part.b = part.c", "((part.a = part.b) = part.c)"],
    ["part.a OR part.b OR part.c", "(part.a OR part.b OR part.c)"],
  ])("%s", (filter, expected) => {
    expect(shape(filter)).toBe(expected);
  });

  it("normalizes every spelling of equality and inequality", () => {
    expect(shape("doc.year == 1")).toBe("(doc.year = 1)");
    expect(shape("doc.year = 1")).toBe("(doc.year = 1)");
    expect(shape("doc.year != 1")).toBe("(doc.year != 1)");
    expect(shape("doc.year <> 1")).toBe("(doc.year != 1)");
    for (const op of ["<", "<=", ">", ">="])
      expect(shape(`doc.year ${op} 1`)).toBe(`(doc.year ${op} 1)`);
  });

  it("builds the expected tree, with spans", () => {
    expect(parseFilter("doc.year >= 2020 and 'linux' in doc.tags")).toEqual({
      kind: "and",
      start: 0,
      end: 40,
      operands: [
        {
          kind: "binary",
          op: ">=",
          opStart: 9,
          start: 0,
          end: 16,
          left: { kind: "attribute", scope: "doc", name: "year", start: 0, end: 8 },
          right: { kind: "literal", type: "integer", value: 2020n, start: 12, end: 16 },
        },
        {
          kind: "contains",
          opStart: 29,
          start: 21,
          end: 40,
          value: { kind: "literal", type: "text", value: "linux", start: 21, end: 28 },
          attribute: { kind: "attribute", scope: "doc", name: "tags", start: 32, end: 40 },
        },
      ],
    });
  });

  it("folds signs into numeric literals but keeps them on expressions", () => {
    expect(parseFilter("-5 = doc.year")).toMatchObject({
      left: { kind: "literal", type: "integer", value: -5n, start: 0 },
    });
    expect(parseFilter("- -5 = doc.year")).toMatchObject({ left: { value: 5n } });
    expect(parseFilter("-(2.5) = doc.rating")).toMatchObject({
      left: { type: "real", value: -2.5 },
    });
    expect(parseFilter("-doc.year = 1")).toMatchObject({ left: { kind: "unary", op: "-" } });
    expect(shape("doc.year IN (-1, +2, -3.5)")).toBe("(doc.year IN (-1, 2, -3.5))");
  });
});

describe("filter parser: literals, keywords and names", () => {
  const literalOf = (text: string) => (parseFilter(`doc.x = ${text}`) as { right: Expr }).right;

  it.each([
    ["42", { type: "integer", value: 42n }],
    ["0", { type: "integer", value: 0n }],
    ["9223372036854775807", { type: "integer", value: 9223372036854775807n }],
    ["1.5", { type: "real", value: 1.5 }],
    [".5", { type: "real", value: 0.5 }],
    ["5.", { type: "real", value: 5 }],
    ["1e3", { type: "real", value: 1000 }],
    ["2.5E-1", { type: "real", value: 0.25 }],
    ["'tech'", { type: "text", value: "tech" }],
    ["''", { type: "text", value: "" }],
    ["'it''s'", { type: "text", value: "it's" }],
    ["''''''", { type: "text", value: "''" }],
    ["'two\nlines'", { type: "text", value: "two\nlines" }],
    ["'日本 ✓'", { type: "text", value: "日本 ✓" }],
    ["true", { type: "boolean", value: true }],
    ["TRUE", { type: "boolean", value: true }],
    ["False", { type: "boolean", value: false }],
    ["null", { type: "null" }],
    ["NuLL", { type: "null" }],
  ])("%s", (text, expected) => {
    expect(literalOf(text)).toMatchObject({ kind: "literal", ...expected });
  });

  it("reads keywords in any case", () => {
    expect(shape("part.a and part.b Or not doc.year is null")).toBe(
      "((part.a AND part.b) OR (NOT (doc.year IS NULL)))",
    );
    expect(shape("doc.year Is Not Null AND doc.year iN (1)")).toBe(
      "((doc.year IS NOT NULL) AND (doc.year IN (1)))",
    );
  });

  it("reads plain, dotted and quoted attribute names", () => {
    expect(parseFilter("doc.category_2 IS NULL")).toMatchObject({
      operand: { scope: "doc", name: "category_2" },
    });
    expect(parseFilter("part.author.name IS NULL")).toMatchObject({
      operand: { scope: "part", name: "author.name" },
    });
    expect(parseFilter('doc."content-type" IS NULL')).toMatchObject({
      operand: { scope: "doc", name: "content-type" },
    });
    expect(parseFilter('doc."say ""hi"""  IS NULL')).toMatchObject({
      operand: { name: 'say "hi"' },
    });
    // After the scope, keywords are names.
    expect(parseFilter("doc.and IS NULL")).toMatchObject({ operand: { name: "and" } });
    expect(parseFilter("DOC.x IS NULL")).toMatchObject({ operand: { scope: "doc", name: "x" } });
  });

  it("treats an empty or blank filter as no filter", () => {
    expect(compile(undefined)).toBeUndefined();
    expect(compile("")).toBeUndefined();
    expect(compile("  \n\t ")).toBeUndefined();
    expect(parseFilter(" ")).toBeUndefined();
  });
});

describe("filter errors say what and where", () => {
  it.each([
    [
      "category = 'tech'",
      "Syntax error at 1:1: `category` must be referenced as doc.category or part.category",
    ],
    [
      "doc.year = 1 AND author.name = 'x'",
      "Syntax error at 1:18: `author.name` must be referenced as doc.author.name or part.author.name",
    ],
    ["(doc.year = 1", "Syntax error at 1:14: expected ')' but found the end of the filter"],
    [
      "doc.year = 1)",
      "Syntax error at 1:13: expected AND, OR or the end of the filter but found ')'",
    ],
    [
      "doc.year = 1 doc.year = 2",
      "Syntax error at 1:14: expected AND, OR or the end of the filter but found 'doc'",
    ],
    [
      "doc.year = 1\nAND doc.year =",
      "Syntax error at 2:15: expected a value but found the end of the filter",
    ],
    ["doc.year = AND", "Syntax error at 1:12: expected a value but found 'AND'"],
    ["doc.category = 'abc", "Syntax error at 1:16: unterminated text literal"],
    ["doc.year = 1 # 2", "Syntax error at 1:14: unexpected character '#'"],
    ["!part.a", "Syntax error at 1:1: unexpected character '!' (use NOT, or != for inequality)"],
    ["doc.year = 12abc", "Syntax error at 1:12: invalid number '12a'"],
    ["doc.year = 1e", "Syntax error at 1:12: invalid number '1e'"],
    ["doc.year = 1e999", "Syntax error at 1:12: number 1e999 is out of range"],
    ["doc.year IS 5", "Syntax error at 1:13: expected NULL or NOT NULL after IS but found '5'"],
    ["doc.year IS NOT 5", "Syntax error at 1:17: expected NULL after IS but found '5'"],
    [
      'doc.category = "tech"',
      `Syntax error at 1:16: "tech" is not a value: text literals use single quotes ('tech'), and quoted names must follow doc. or part.`,
    ],
    [
      "doc.year IN doc.tags",
      "Syntax error at 1:1: the left side of 'IN doc.tags' must be a literal value, not 'doc.year'",
    ],
    ["'x' IN 'y'", "Syntax error at 1:8: expected '(' or an attribute after IN but found ''y''"],
    ["doc.year IN (doc.year)", "Syntax error at 1:14: expected a literal value but found 'doc'"],
    ["doc.year IN (-'x')", "Syntax error at 1:15: expected a number after '-' but found ''x''"],
    ["doc. = 1", "Syntax error at 1:5: expected an attribute name directly after 'doc.'"],
    ['doc."" = 1', "Syntax error at 1:5: an attribute name cannot be empty"],
    ['doc."abc = 1', "Syntax error at 1:5: unterminated quoted attribute name"],
  ])("%s", (filter, message) => {
    expect(failure(filter)).toBe(message);
  });

  it.each([
    [
      "doc.category = 5",
      "Type error at 1:14: '=' cannot compare doc.category (text) with 5 (integer)",
    ],
    [
      "doc.year = '2020'",
      "Type error at 1:10: '=' cannot compare doc.year (integer) with '2020' (text)",
    ],
    [
      "doc.published = 1",
      "Type error at 1:15: '=' cannot compare doc.published (boolean) with 1 (integer)",
    ],
    ["doc.category + 1 = 2", "Type error at 1:14: '+' needs numbers, but doc.category is text"],
    ["-doc.category = 'x'", "Type error at 1:1: '-' needs a number, but doc.category is text"],
    [
      "doc.published < true",
      "Type error at 1:15: '<' orders two numbers or two texts, not doc.published (boolean) and true (boolean)",
    ],
    [
      "doc.year + 1",
      "Type error at 1:1: a filter must be a boolean condition, but doc.year + 1 is integer",
    ],
    ["'x'", "Type error at 1:1: a filter must be a boolean condition, but 'x' is text"],
    [
      "doc.year AND part.a",
      "Type error at 1:1: AND needs a boolean condition, but doc.year is integer",
    ],
    [
      "NOT doc.category",
      "Type error at 1:5: NOT needs a boolean condition, but doc.category is text",
    ],
    [
      "'x' IN doc.category",
      "Type error at 1:5: 'value IN attribute' needs a list attribute, but doc.category is text; for a set of values write doc.category IN (…)",
    ],
    ["5 IN doc.tags", "Type error at 1:1: doc.tags holds text values, but 5 is integer"],
    ["null IN doc.tags", "Type error at 1:1: null is never an element of doc.tags"],
    [
      "doc.tags = 'x'",
      "Type error at 1:1: doc.tags is list[text]; a list attribute can only be used as 'value IN doc.tags' or with IS [NOT] NULL, not in '='",
    ],
    [
      "doc.tags IN ('x')",
      "Type error at 1:1: doc.tags is list[text]; a list attribute can only be used as 'value IN doc.tags' or with IS [NOT] NULL, not with IN (…)",
    ],
    [
      "doc.category IN ('a', 2)",
      "Type error at 1:23: IN list value 2 (integer) does not match doc.category (text)",
    ],
    [
      "doc.year = null",
      "Type error at 1:10: '=' with null is never true; use IS NULL or IS NOT NULL",
    ],
    [
      "doc.year <> NULL",
      "Type error at 1:10: '!=' with null is never true; use IS NULL or IS NOT NULL",
    ],
    [
      "doc.year > 9223372036854775808",
      "Type error at 1:12: integer 9223372036854775808 is outside the signed 64-bit range",
    ],
  ])("%s", (filter, message) => {
    expect(failure(filter)).toBe(message);
  });

  it.each([
    [
      "doc.nope = 1",
      "Attribute error at 1:1: doc.nope is not a declared document-level filter attribute of this corpus",
    ],
    [
      "doc.priority = 1",
      "Attribute error at 1:1: doc.priority is not a declared document-level filter attribute of this corpus (it is declared at part level: use part.priority)",
    ],
    [
      "part.category = 'x'",
      "Attribute error at 1:1: part.category is not a declared part-level filter attribute of this corpus (it is declared at document level: use doc.category)",
    ],
    [
      "part.id = 'x'",
      "Attribute error at 1:1: part.id is not a declared part-level filter attribute of this corpus",
    ],
    [
      "doc.lang = 'eng'",
      "Attribute error at 1:1: doc.lang is not a declared document-level filter attribute of this corpus",
    ],
  ])("%s", (filter, message) => {
    expect(failure(filter)).toBe(message);
  });

  it("allows only document attributes in a document filter", () => {
    expect(failure("doc.year = 1 AND part.lang = 'eng'", "documents")).toBe(
      "Attribute error at 1:18: part.lang is a part-level attribute; a document filter can only use doc.id and document-level attributes",
    );
    expect(failure("doc.year = 1 AND part.priority = 1", "documents")).toMatch(
      /^Attribute error at 1:18/,
    );
    expect(compile("doc.id = 'a' AND doc.year = 1", "documents")).toBeDefined();
  });

  it("keys the 400 on the caller's field", () => {
    const run = () =>
      compileFilter("x = 1", ATTRIBUTES, { field: "query.metadata_filter", scope: "documents" });
    expect(run).toThrow(EngineError);
    try {
      run();
    } catch (error) {
      expect((error as EngineError).details.fieldErrors).toEqual({
        "query.metadata_filter": "Syntax error at 1:1: `x` must be referenced as doc.x or part.x",
      });
      expect((error as EngineError).message).toMatch(/^query\.metadata_filter: Syntax error/);
    }
  });

  it("counts columns in characters, not UTF-16 units", () => {
    expect(failure("doc.category = '😀😀' AND ?")).toBe(
      "Syntax error at 1:25: unexpected character '?'",
    );
  });

  it("limits length to 8000 characters", () => {
    const longest = `doc.category = '${"x".repeat(8000 - 17)}'`;
    expect(longest).toHaveLength(8000);
    expect(compile(longest)).toBeDefined();
    expect(failure(`${longest} `)).toBe(
      "Syntax error at 1:8001: the filter is longer than 8000 characters",
    );
    // Characters, not UTF-16 units: 8000 with emoji is still within the limit.
    const emoji = `doc.category = '${"😀".repeat(8000 - 17)}'`;
    expect(emoji.length).toBeGreaterThan(15000);
    expect(compile(emoji)).toBeDefined();
    expect(failure(`${emoji}${"x".repeat(1_000_000)}`)).toMatch(
      /^Syntax error at 1:8001: the filter is longer/,
    );
  });

  it("limits nesting depth without overflowing the stack", () => {
    const deep = (n: number) => `${"(".repeat(n)}part.a${")".repeat(n)}`;
    expect(compile(deep(MAX_DEPTH - 1))).toBeDefined();
    expect(failure(deep(MAX_DEPTH + 1))).toMatch(
      /^Syntax error at 1:\d+: the filter is nested too deeply/,
    );
    expect(failure("(".repeat(7999))).toMatch(/nested too deeply/);
    expect(failure(`${"NOT ".repeat(1990)}part.a`)).toMatch(/nested too deeply/);
    expect(failure(`${"-".repeat(7000)}doc.year = 1`)).toMatch(/nested too deeply/);
    // A left-deep chain is as tall as it is long.
    expect(failure(`doc.year${" + 1".repeat(MAX_DEPTH)} = 1`)).toMatch(/nested too deeply/);
    expect(compile(`doc.year${" + 1".repeat(MAX_DEPTH - 3)} = 1`)).toBeDefined();
  });
});

describe("filter semantics against SQLite", () => {
  let db: DB;
  const docs: Array<[string, Record<string, unknown>]> = [
    [
      "guide",
      {
        category: "tech",
        year: 2021,
        rating: 4.5,
        published: true,
        tags: ["setup", "linux"],
        scores: [1, 2.5],
        sizes: [10, 20],
        updated: "2024-03-01",
        'say "hi"\\there': 7,
      },
    ],
    [
      "faq",
      {
        category: "billing",
        year: 2019,
        rating: 3,
        published: false,
        tags: ["billing"],
        updated: "2023-12-31",
      },
    ],
    ["draft", {}],
    // Values of the wrong JSON type read as absent.
    ["odd", { category: 5, year: "2020", published: "yes", tags: "setup", rating: null }],
  ];
  // [text, doc, is_title, lang, part metadata]
  const parts: Array<[string, string, number | null, string, Record<string, unknown>]> = [
    ["guide-title", "guide", 1, "eng", { section: "intro", priority: 3, a: true }],
    ["guide-body", "guide", 0, "eng", { priority: 1, a: false, b: true }],
    ["faq-body", "faq", null, "deu", {}],
    ["draft-body", "draft", null, "eng", { priority: 5 }],
    ["odd-body", "odd", null, "eng", { priority: "7", section: 3 }],
  ];
  const ALL = parts.map((p) => p[0]);

  beforeAll(() => {
    db = openDatabase(":memory:");
    const now = new Date().toISOString();
    // The corpus declares the attributes, so their values get typed rows (migration 5).
    db.prepare(
      "INSERT INTO corpora (id, key, name, filter_attributes, created_at) VALUES (1, 'kb', 'kb', ?, ?)",
    ).run(JSON.stringify(ATTRIBUTES), now);
    const insertDoc = db.prepare(
      "INSERT INTO documents (corpus_id, doc_id, metadata, created_at) VALUES (1, ?, ?, ?)",
    );
    const docIds = new Map<string, number>();
    for (const [id, metadata] of docs)
      docIds.set(id, Number(insertDoc.run(id, JSON.stringify(metadata), now).lastInsertRowid));
    const insertPart = db.prepare(
      `INSERT INTO parts (document_id, corpus_id, ordinal, text, metadata, is_title, lang)
       VALUES (?, 1, ?, ?, ?, ?, ?)`,
    );
    parts.forEach(([text, doc, isTitle, lang, metadata], i) => {
      insertPart.run(docIds.get(doc), i, text, JSON.stringify(metadata), isTitle, lang);
    });
  });
  afterAll(() => db.close());

  /** The texts of the parts the filter keeps, in insertion order. */
  function parts_(filter: string): string[] {
    const f = compile(filter);
    if (!f) return ALL;
    return db
      .prepare(
        `SELECT p.text FROM parts p JOIN documents d ON d.id = p.document_id
         WHERE p.corpus_id = 1 AND ${f.sql} ORDER BY p.id`,
      )
      .all(...f.params)
      .map((r) => (r as { text: string }).text);
  }

  function documents_(filter: string): string[] {
    const f = compile(filter, "documents");
    if (!f) return docs.map((d) => d[0]);
    return db
      .prepare(`SELECT d.doc_id FROM documents d WHERE d.corpus_id = 1 AND ${f.sql} ORDER BY d.id`)
      .all(...f.params)
      .map((r) => (r as { doc_id: string }).doc_id);
  }

  it.each([
    ["doc.category = 'tech'", ["guide-title", "guide-body"]],
    ["doc.category != 'tech'", ["faq-body"]],
    ["doc.category <> 'tech' OR doc.category IS NULL", ["faq-body", "draft-body", "odd-body"]],
    // IS NULL: absent, JSON null and wrong-typed values are all NULL
    ["doc.year IS NULL", ["draft-body", "odd-body"]],
    ["doc.year IS NOT NULL", ["guide-title", "guide-body", "faq-body"]],
    ["doc.rating IS NULL", ["draft-body", "odd-body"]],
    // comparisons with an absent field are unknown, and so is their negation
    ["doc.year > 2020", ["guide-title", "guide-body"]],
    ["NOT (doc.year > 2020)", ["faq-body"]],
    ["doc.year > 2020 OR doc.year <= 2020", ["guide-title", "guide-body", "faq-body"]],
    ["doc.year >= 2019 AND doc.year < 2021", ["faq-body"]],
    // integers and reals compare numerically
    ["doc.rating = 3", ["faq-body"]],
    ["doc.rating > 4", ["guide-title", "guide-body"]],
    ["doc.year = 2021.0", ["guide-title", "guide-body"]],
    ["doc.year < 9223372036854775807", ["guide-title", "guide-body", "faq-body"]],
    // arithmetic, with SQL's integer division and NULL for division by zero
    ["doc.year + 1 = 2022", ["guide-title", "guide-body"]],
    ["doc.year - 1 - 1 = 2017", ["faq-body"]],
    ["doc.year % 2 = 1", ["guide-title", "guide-body", "faq-body"]],
    ["doc.year / 2 = 1010", ["guide-title", "guide-body"]],
    ["doc.year / 2.0 = 1010.5", ["guide-title", "guide-body"]],
    ["doc.rating * 2 >= 9", ["guide-title", "guide-body"]],
    ["-doc.year < -2020", ["guide-title", "guide-body"]],
    ["doc.year / 0 IS NULL", ALL],
    ["1 + 2 * 3 = 7", ALL],
    ["10 - 4 - 3 = 3 AND 8 / 4 / 2 = 1", ALL],
    // text, including ISO dates compared as text
    ["doc.updated > '2024-01-01'", ["guide-title", "guide-body"]],
    ["doc.updated >= '2023-12-31' AND doc.updated < '2024'", ["faq-body"]],
    ["doc.category IN ('tech', 'billing')", ["guide-title", "guide-body", "faq-body"]],
    ["doc.category IN ('nope', NULL)", []],
    ["NOT (doc.category IN ('tech'))", ["faq-body"]],
    ["doc.year IN (2019, 2021.0)", ["guide-title", "guide-body", "faq-body"]],
    // booleans: JSON true/false are 1/0; a text "yes" is not a boolean
    ["doc.published", ["guide-title", "guide-body"]],
    ["doc.published = true", ["guide-title", "guide-body"]],
    ["doc.published = false", ["faq-body"]],
    ["NOT doc.published", ["faq-body"]],
    ["doc.published IN (TRUE, FALSE)", ["guide-title", "guide-body", "faq-body"]],
    ["part.a != part.b", ["guide-body"]],
    ["part.a OR part.b AND part.c", ["guide-title"]],
    ["NOT part.a = true AND part.b", ["guide-body"]],
    // lists
    ["'linux' IN doc.tags", ["guide-title", "guide-body"]],
    ["'setup' IN doc.tags", ["guide-title", "guide-body"]],
    ["NOT ('linux' IN doc.tags)", ["faq-body"]],
    ["2.5 IN doc.scores", ["guide-title", "guide-body"]],
    ["1 IN doc.scores", ["guide-title", "guide-body"]],
    ["20 IN doc.sizes", ["guide-title", "guide-body"]],
    ["-20 IN doc.sizes", []],
    ["doc.tags IS NULL", ["draft-body", "odd-body"]],
    // part attributes; a text "7" is not an integer
    ["part.priority >= 3", ["guide-title", "draft-body"]],
    ["part.priority IS NULL", ["faq-body", "odd-body"]],
    ["part.section = 'intro'", ["guide-title"]],
    // built-ins
    ["doc.id = 'faq'", ["faq-body"]],
    ["doc.id IN ('guide', 'draft')", ["guide-title", "guide-body", "draft-body"]],
    ["doc.id >= 'g'", ["guide-title", "guide-body", "odd-body"]],
    ["part.lang = 'deu'", ["faq-body"]],
    ["part.lang != 'deu'", ["guide-title", "guide-body", "draft-body", "odd-body"]],
    // part.is_title is three-valued: true, false, unset
    ["part.is_title", ["guide-title"]],
    ["part.is_title = true", ["guide-title"]],
    ["part.is_title = false", ["guide-body"]],
    ["part.is_title IS NULL", ["faq-body", "draft-body", "odd-body"]],
    // Vectara's advice "use <> true to include unset" holds
    ["part.is_title <> true", ["guide-body", "faq-body", "draft-body", "odd-body"]],
    ["part.is_title != TRUE", ["guide-body", "faq-body", "draft-body", "odd-body"]],
    ["true <> part.is_title", ["guide-body", "faq-body", "draft-body", "odd-body"]],
    ["part.is_title <> false", ["guide-title", "faq-body", "draft-body", "odd-body"]],
    ["NOT part.is_title", ["guide-body"]],
    // names that need escaping in the JSON path
    ['doc."say ""hi""\\there" = 7', ["guide-title", "guide-body"]],
    // literals alone
    ["true", ALL],
    ["false", []],
    ["null", []],
    ["null IS NULL", ALL],
  ])("%s", (filter, expected) => {
    expect(parts_(filter)).toEqual(expected);
  });

  it("filters documents by document attributes and id", () => {
    expect(documents_("doc.category = 'tech'")).toEqual(["guide"]);
    expect(documents_("doc.id <> 'guide' AND doc.year IS NULL")).toEqual(["draft", "odd"]);
    expect(documents_("'billing' IN doc.tags OR doc.id = 'draft'")).toEqual(["faq", "draft"]);
  });

  it("binds integers as SQLite integers", () => {
    const f = compile("doc.year = 2021") as { params: unknown[] };
    expect(f.params).toContain(2021n);
    // 7 / 2 is 3 only if both are INTEGER; a JS number would bind as REAL and give 3.5
    expect(parts_("7 / 2 = 3")).toEqual(ALL);
  });

  it("keeps user text out of the SQL string", () => {
    const evil = "'); DROP TABLE parts; --";
    const filter = `doc.category = '${evil.replaceAll("'", "''")}' OR doc."x'); DROP TABLE parts; --" = 'x' OR '${evil.replaceAll("'", "''")}' IN doc.tags`;
    const f = compile(filter);
    expect(f).toBeDefined();
    const { sql, params } = f as { sql: string; params: unknown[] };
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain(";");
    expect(sql).not.toContain("--");
    expect(params).toContain(evil);
    // The attribute's name is a parameter too (typed rows are looked up by name).
    expect(params).toContain("x'); DROP TABLE parts; --");
    expect(parts_(filter)).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM parts").get()).toEqual({ n: parts.length });
  });

  it("runs the largest filters the limits allow", () => {
    // The tallest tree, over the widest SQL leaves, stays under SQLite's expression depth limit.
    expect(parts_(`${"NOT ".repeat(MAX_DEPTH - 3)}'linux' IN doc.tags`)).toEqual(["faq-body"]);
    expect(parts_(`doc.year${" + 1".repeat(MAX_DEPTH - 3)} = 2118`)).toEqual([
      "guide-title",
      "guide-body",
    ]);
    // The most parameters 8000 characters can carry.
    const list = `doc.year IN (2019${",1".repeat(3990)})`;
    expect(list.length).toBeLessThanOrEqual(8000);
    expect(parts_(list)).toEqual(["faq-body"]);
  });

  it("compiles a long OR chain into SQL SQLite accepts", () => {
    const ids = Array.from({ length: 400 }, (_, i) => `doc.id = 'd${i}'`);
    const filter = [...ids, "doc.id = 'faq'"].join(" OR ");
    expect(filter.length).toBeLessThanOrEqual(8000);
    expect(parts_(filter)).toEqual(["faq-body"]);
  });
});
