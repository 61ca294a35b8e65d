import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
type SqlDriver = import("@/lib/db/driver").SqlDriver;

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

// What every driver promises the queries: see SqlDriver in lib/db/driver.ts.
describe.each(appDbs)("the $name driver", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
    await db.run("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
    await db.run("INSERT INTO counter (id, n) VALUES (1, 0)");
  });
  const readCounter = async () =>
    (await db.get<{ n: number }>("SELECT n FROM counter WHERE id = ?", [1]))?.n;

  it("does not let concurrent transactions interleave their read-modify-write", async () => {
    const increment = () =>
      db.transaction(async (tx) => {
        const n = (await tx.get<{ n: number }>("SELECT n FROM counter WHERE id = 1"))?.n ?? 0;
        await tick(); // another transaction would read the same n here
        await tx.run("UPDATE counter SET n = ? WHERE id = 1", [n + 1]);
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    expect(await readCounter()).toBe(10);
  });

  it("rolls back everything a throwing transaction wrote, then keeps working", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run("UPDATE counter SET n = 42 WHERE id = 1");
        await tx.run("INSERT INTO counter (id, n) VALUES (2, 1)");
        await tick();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await readCounter()).toBe(0);
    expect(await db.all("SELECT id FROM counter")).toEqual([{ id: 1 }]);
    await db.transaction((tx) => tx.run("UPDATE counter SET n = 1 WHERE id = 1"));
    expect(await readCounter()).toBe(1);
  });

  it("rolls back a transaction whose statement failed, then keeps working", async () => {
    for (let i = 0; i < 12; i++) {
      await expect(
        db.transaction(async (tx) => {
          await tx.run("UPDATE counter SET n = 42 WHERE id = 1");
          await tx.run("INSERT INTO counter (id, n) VALUES (1, 1)"); // duplicate key
        }),
      ).rejects.toThrow();
    }
    expect(await readCounter()).toBe(0);
  });

  it("rolls back a failing nested transaction alone", async () => {
    await db.transaction(async (tx) => {
      await tx.run("UPDATE counter SET n = 1 WHERE id = 1");
      await expect(
        tx.transaction(async (inner) => {
          await inner.run("UPDATE counter SET n = 99 WHERE id = 1");
          await inner.run("INSERT INTO counter (id, n) VALUES (1, 1)"); // duplicate key
        }),
      ).rejects.toThrow();
      // The outer transaction is still usable after the inner one failed.
      await tx.run("UPDATE counter SET n = n + 1 WHERE id = 1");
    });
    expect(await readCounter()).toBe(2);
  });

  it("commits a nested transaction with the outer one", async () => {
    await db.transaction(async (tx) => {
      await tx.transaction((inner) => inner.run("UPDATE counter SET n = 5 WHERE id = 1"));
      expect(await tx.get("SELECT n FROM counter WHERE id = 1")).toEqual({ n: 5 });
    });
    expect(await readCounter()).toBe(5);
  });

  it("refuses the outer driver inside a transaction instead of deadlocking", async () => {
    await expect(db.transaction(() => db.get("SELECT 1 AS one"))).rejects.toThrow(/use the `tx`/);
    expect(await db.get("SELECT 1 AS one")).toEqual({ one: 1 });
  });

  it("refuses a transaction's tx once it has committed", async () => {
    const leaked = await db.transaction(async (tx) => tx);
    await expect(leaked.run("UPDATE counter SET n = 3 WHERE id = 1")).rejects.toThrow(/ended/);
    expect(await readCounter()).toBe(0);
  });

  it("counts the rows a statement changed", async () => {
    await db.run("INSERT INTO counter (id, n) VALUES (2, 0), (3, 0)");
    expect(await db.run("UPDATE counter SET n = n + 1 WHERE id > ?", [1])).toEqual({ changes: 2 });
    expect(await db.run("DELETE FROM counter WHERE id = ?", [9])).toEqual({ changes: 0 });
  });

  it("binds a placeholder-like ? inside a string literal as text, not a parameter", async () => {
    expect(
      await db.get<{ q: string; n: number }>(
        "SELECT 'why?' AS q, n FROM counter WHERE id = ?",
        [1],
      ),
    ).toEqual({ q: "why?", n: 0 });
  });

  it("can be closed twice", async () => {
    await db.close();
    await db.close();
  });
});
