import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/files";

vi.mock("server-only", () => ({}));
const { openSqliteDriver } = await import("@/lib/db/sqlite");
type SqlDriver = import("@/lib/db/driver").SqlDriver;

const opened: SqlDriver[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function counterDb(file = ":memory:"): Promise<SqlDriver> {
  const db = openSqliteDriver({ file });
  opened.push(db);
  await db.run("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
  await db.run("INSERT INTO counter (id, n) VALUES (1, 0)");
  return db;
}

async function readCounter(db: SqlDriver): Promise<number | undefined> {
  return (await db.get<{ n: number }>("SELECT n FROM counter WHERE id = 1"))?.n;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

// The promises every driver makes are in driver.test.ts; these are SQLite's own.
describe("the SQLite driver", () => {
  it("makes a top-level statement wait for the open transaction to end", async () => {
    const db = await counterDb();
    const seen: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.run("UPDATE counter SET n = 5 WHERE id = 1");
      await tick();
      seen.push("tx body done");
      await t.run("UPDATE counter SET n = 7 WHERE id = 1");
    });
    const read = readCounter(db).then((n) => {
      seen.push(`read ${n}`);
    });
    await Promise.all([tx, read]);
    expect(seen).toEqual(["tx body done", "read 7"]);
  });

  it("persists to a file in WAL mode with foreign keys on", async () => {
    const file = path.join(tempDir("parley-db-"), "nested", "app.db");
    const db = await counterDb(file);
    expect(await db.get("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
    expect(await db.get("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
    await db.run("UPDATE counter SET n = 8 WHERE id = 1");
    await db.close();
    const again = openSqliteDriver({ file });
    opened.push(again);
    expect(await readCounter(again)).toBe(8);
  });
});
