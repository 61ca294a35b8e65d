import { afterEach, describe, expect, it, vi } from "vitest";
import { appDbs, POSTGRES_SKIPPED, TEST_DATABASE_URL } from "../support/app-db";

vi.mock("server-only", () => ({}));
const { openPostgresDriver, toPostgresPlaceholders } = await import("@/lib/db/postgres");
type SqlDriver = import("@/lib/db/driver").SqlDriver;

const rewrite = (sql: string) => toPostgresPlaceholders(sql).text;

describe("toPostgresPlaceholders", () => {
  it("numbers the placeholders in order", () => {
    expect(
      toPostgresPlaceholders("SELECT a FROM t WHERE b = ? AND (c < ? OR c = ?) LIMIT ?"),
    ).toEqual({
      text: "SELECT a FROM t WHERE b = $1 AND (c < $2 OR c = $3) LIMIT $4",
      count: 4,
    });
    expect(toPostgresPlaceholders("SELECT 1")).toEqual({ text: "SELECT 1", count: 0 });
    expect(rewrite("VALUES (?,?)")).toBe("VALUES ($1,$2)");
  });

  it("leaves a ? inside string literals alone, with doubled quotes and a lone backslash", () => {
    expect(rewrite("SELECT 'a?b', ? FROM t")).toBe("SELECT 'a?b', $1 FROM t");
    expect(rewrite("SELECT 'it''s ?', ?")).toBe("SELECT 'it''s ?', $1");
    // Standard strings: a backslash is an ordinary character, so the literal ends at the quote.
    expect(rewrite("WHERE LOWER(reason) LIKE ? ESCAPE '\\' AND x = ?")).toBe(
      "WHERE LOWER(reason) LIKE $1 ESCAPE '\\' AND x = $2",
    );
    expect(rewrite("SELECT '' , ?")).toBe("SELECT '' , $1");
  });

  it("reads backslash escapes in E'…' strings only", () => {
    expect(rewrite("SELECT E'\\'?', ?")).toBe("SELECT E'\\'?', $1");
    expect(rewrite("SELECT e'\\\\', ?")).toBe("SELECT e'\\\\', $1");
    // `name'…'` is not an E-string just because the identifier ends in e.
    expect(rewrite("SELECT some'\\', ?")).toBe("SELECT some'\\', $1");
  });

  it("leaves quoted identifiers, comments and dollar quotes alone", () => {
    expect(rewrite('SELECT "odd?col", "a""?" FROM t WHERE x = ?')).toBe(
      'SELECT "odd?col", "a""?" FROM t WHERE x = $1',
    );
    expect(rewrite("SELECT ? -- why?\n, ?")).toBe("SELECT $1 -- why?\n, $2");
    expect(rewrite("SELECT ? /* a? /* nested? */ still? */ , ?")).toBe(
      "SELECT $1 /* a? /* nested? */ still? */ , $2",
    );
    expect(rewrite("SELECT $$a?$$, $tag$b?$x$?$tag$, ?")).toBe(
      "SELECT $$a?$$, $tag$b?$x$?$tag$, $1",
    );
  });

  it("does not take positional parameters or identifiers with $ for dollar quotes", () => {
    expect(rewrite("SELECT a$b, ?")).toBe("SELECT a$b, $1");
    expect(toPostgresPlaceholders("SELECT $1::int")).toEqual({ text: "SELECT $1::int", count: 0 });
  });

  it("copies an unterminated literal to the end, for Postgres to reject", () => {
    expect(rewrite("SELECT 'open ?")).toBe("SELECT 'open ?");
    expect(rewrite("SELECT ? /* open ?")).toBe("SELECT $1 /* open ?");
  });
});

const postgres = appDbs.find((e) => e.dialect === "postgres");

if (!postgres || !TEST_DATABASE_URL) {
  // A run without Postgres says so, once, instead of passing in silence: a printed
  // line, and a skipped suite of that name in the counts and the JSON report.
  console.warn(POSTGRES_SKIPPED);
  describe.skip(POSTGRES_SKIPPED, () => {
    it("runs every app-database suite against PostgreSQL too", () => {});
  });
} else {
  const engine = postgres;
  describe("the PostgreSQL driver", () => {
    const mine: SqlDriver[] = [];
    afterEach(async () => {
      for (const db of mine.splice(0)) await db.close();
    });
    const open = async (max?: number) => {
      const where = await engine.location();
      if (!("url" in where)) throw new Error("expected a Postgres URL");
      const db = openPostgresDriver({ url: where.url, max });
      mine.push(db);
      return db;
    };

    it("says postgres", async () => {
      expect((await open()).dialect).toBe("postgres");
    });

    it("returns BIGINT as a string, exact past 2^53", async () => {
      const db = await open();
      await db.run("CREATE TABLE big (v BIGINT)");
      await db.run("INSERT INTO big (v) VALUES (?), (?)", [1_764_150_000_123, 9007199254740993n]);
      expect(await db.all("SELECT v FROM big ORDER BY v")).toEqual([
        { v: "1764150000123" },
        { v: "9007199254740993" },
      ]);
    });

    it("refuses a statement whose placeholders and values do not match", async () => {
      const db = await open();
      await expect(db.get("SELECT ? AS a, ? AS b", ["x"])).rejects.toThrow(
        /2 placeholders but got 1 values/,
      );
    });

    it("binds NULL, text with quotes and bytes", async () => {
      const db = await open();
      expect(
        await db.get("SELECT ?::text AS n, ?::text AS s, ?::bytea AS b", [
          null,
          "it's \\ fine",
          new Uint8Array([0, 1, 255]),
        ]),
      ).toEqual({ n: null, s: "it's \\ fine", b: Buffer.from([0, 1, 255]) });
    });

    it("gives every transaction its own client: a pool of one serves them in turn", async () => {
      const db = await open(1);
      await db.run("CREATE TABLE seen (i INTEGER)");
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.run("INSERT INTO seen (i) VALUES (?)", [i]);
          }),
        ),
      );
      expect(await db.get("SELECT COUNT(*) AS n FROM seen")).toEqual({ n: "5" });
    });

    it("serializes transactions across drivers on the same schema, as separate instances", async () => {
      const where = await engine.location();
      if (!("url" in where)) throw new Error("expected a Postgres URL");
      const a = openPostgresDriver({ url: where.url });
      const b = openPostgresDriver({ url: where.url });
      mine.push(a, b);
      await a.run("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
      await a.run("INSERT INTO counter (id, n) VALUES (1, 0)");
      const increment = (db: SqlDriver) =>
        db.transaction(async (tx) => {
          const row = await tx.get<{ n: number }>("SELECT n FROM counter WHERE id = 1");
          await new Promise((resolve) => setTimeout(resolve, 1));
          await tx.run("UPDATE counter SET n = ? WHERE id = 1", [(row?.n ?? 0) + 1]);
        });
      await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 ? a : b)));
      expect(await a.get("SELECT n FROM counter WHERE id = 1")).toEqual({ n: 10 });
    });
  });
}
