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

describe("the SQLite driver", () => {
  it("does not let concurrent transactions interleave their read-modify-write", async () => {
    const db = await counterDb();
    const increment = () =>
      db.transaction(async (tx) => {
        const n = (await tx.get<{ n: number }>("SELECT n FROM counter WHERE id = 1"))?.n ?? 0;
        await tick(); // another request would run here without the mutex
        await tx.run("UPDATE counter SET n = ? WHERE id = 1", [n + 1]);
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    expect(await readCounter(db)).toBe(10);
  });

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

  it("rolls back everything a throwing transaction wrote, then keeps working", async () => {
    const db = await counterDb();
    await expect(
      db.transaction(async (tx) => {
        await tx.run("UPDATE counter SET n = 42 WHERE id = 1");
        await tx.run("INSERT INTO counter (id, n) VALUES (2, 1)");
        await tick();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await readCounter(db)).toBe(0);
    expect(await db.all("SELECT id FROM counter")).toEqual([{ id: 1 }]);
    await db.transaction((tx) => tx.run("UPDATE counter SET n = 1 WHERE id = 1"));
    expect(await readCounter(db)).toBe(1);
  });

  it("rolls back a failing nested transaction alone", async () => {
    const db = await counterDb();
    await db.transaction(async (tx) => {
      await tx.run("UPDATE counter SET n = 1 WHERE id = 1");
      await expect(
        tx.transaction(async (inner) => {
          await inner.run("UPDATE counter SET n = 99 WHERE id = 1");
          throw new Error("inner");
        }),
      ).rejects.toThrow("inner");
    });
    expect(await readCounter(db)).toBe(1);
  });

  it("refuses the outer driver inside a transaction instead of deadlocking", async () => {
    const db = await counterDb();
    await expect(db.transaction(() => db.get("SELECT 1 AS one"))).rejects.toThrow(/use the `tx`/);
    expect(await db.get("SELECT 1 AS one")).toEqual({ one: 1 });
  });

  it("refuses a transaction's tx once it has committed", async () => {
    const db = await counterDb();
    const leaked = await db.transaction(async (tx) => tx);
    await expect(leaked.run("UPDATE counter SET n = 3 WHERE id = 1")).rejects.toThrow(/ended/);
    expect(await readCounter(db)).toBe(0);
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
