import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { appDbs, listTables } from "../support/app-db";

vi.mock("server-only", () => ({}));
const { openAppDb, resolveAppDb, upsertChatByChatId, getChatByChatId } = await import("@/lib/db");
const { migrations, runMigrations } = await import("@/lib/db/migrations");
type Migration = import("@/lib/db/migrations").Migration;

/** The versions every migrated database has, and the next free ones for test migrations. */
const current = migrations.map((m) => m.version);
const next = Math.max(...current) + 1;

const versions = (db: import("@/lib/db").SqlDriver) =>
  db
    .all<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")
    .then((rows) => rows.map((r) => r.version));

describe.each(appDbs)("app database migrations ($name)", (engine) => {
  it("applies once and keeps the data when the database is opened again", async () => {
    const where = await engine.location();
    const first = await openAppDb(where);
    await upsertChatByChatId({ db: first, chatId: "cht_1", ownerId: "vis_a", title: "Hi", now: 1 });
    await first.close();

    const second = await openAppDb(where);
    try {
      expect(await runMigrations({ db: second })).toEqual({ applied: [] });
      expect(await versions(second)).toEqual(current);
      expect(await getChatByChatId({ db: second, chatId: "cht_1" })).toMatchObject({ title: "Hi" });
    } finally {
      await second.close();
    }
  });

  it("creates every table of the schema", async () => {
    const db = await engine.open();
    expect(await listTables(db)).toEqual([
      "answer_stream_batches",
      "answer_streams",
      "audit_log",
      "chat_reviews",
      "chats",
      "feedback",
      "handoffs",
      "login_failures",
      "notes",
      "rate_limits",
      "schema_migrations",
      "staff_sessions",
      "turns",
      "users",
    ]);
  });

  it("leaves no trace of a migration that fails halfway", async () => {
    const db = await engine.open();
    const broken = [
      ...migrations,
      { version: next, name: "broken", statements: ["CREATE TABLE extra (id TEXT)", "NOT SQL"] },
    ];
    await expect(runMigrations({ db, list: broken })).rejects.toThrow();
    expect(await versions(db)).toEqual(current);
    expect(await listTables(db)).not.toContain("extra");
  });

  it("runs a migration meant for one engine only there, and records it on both", async () => {
    const db = await engine.open();
    const other = engine.dialect === "sqlite" ? "postgres" : "sqlite";
    const list: Migration[] = [
      ...migrations,
      {
        version: next,
        name: "mine",
        only: engine.dialect,
        statements: ["CREATE TABLE mine (id TEXT)"],
      },
      {
        version: next + 1,
        name: "other",
        only: other,
        statements: ["CREATE TABLE theirs (id TEXT)"],
      },
    ];
    expect(await runMigrations({ db, list })).toEqual({ applied: [next, next + 1] });
    expect(await versions(db)).toEqual([...current, next, next + 1]);
    const tables = await listTables(db);
    expect(tables).toContain("mine");
    expect(tables).not.toContain("theirs");
  });

  // SQLite instances are separate processes; in one thread better-sqlite3's busy wait
  // would block the very transaction it waits for, so only Postgres is raced here.
  if (engine.dialect === "postgres") {
    it("lets instances that start at once migrate one at a time", async () => {
      const where = await engine.location();
      const dbs = await Promise.all(Array.from({ length: 4 }, () => openAppDb(where)));
      try {
        expect(await versions(dbs[0] as import("@/lib/db").SqlDriver)).toEqual(current);
        const list = [
          ...migrations,
          { version: next, name: "once", statements: ["CREATE TABLE once_only (id TEXT)"] },
        ];
        const results = await Promise.all(dbs.map((db) => runMigrations({ db, list })));
        expect(results.map((r) => r.applied).sort()).toEqual([[], [], [], [next]]);
      } finally {
        for (const db of dbs) await db.close();
      }
    });
  }
});

describe("where the app database lives", () => {
  it("defaults to app.db in DATA_DIR", () => {
    expect(resolveAppDb({ dataDir: "/srv/parley" })).toEqual({ file: "/srv/parley/app.db" });
  });

  it("accepts SQLite file URLs and paths in DATABASE_URL", () => {
    const file = (databaseUrl: string) => resolveAppDb({ databaseUrl, dataDir: "x" });
    expect(file("file:/var/app.db")).toEqual({ file: "/var/app.db" });
    expect(file("file:///var/app.db")).toEqual({ file: "/var/app.db" });
    expect(file("sqlite:/var/app.db")).toEqual({ file: "/var/app.db" });
    expect(file("./app.db")).toEqual({ file: path.resolve("app.db") });
    expect(file(":memory:")).toEqual({ file: ":memory:" });
  });

  it("uses PostgreSQL for postgres:// and postgresql:// URLs", () => {
    for (const url of [
      "postgres://u:p@db/parley",
      "postgresql://u:p@db:5433/parley?sslmode=require",
    ]) {
      expect(resolveAppDb({ databaseUrl: url, dataDir: "x" })).toEqual({ url });
    }
  });
});
