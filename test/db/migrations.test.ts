import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/files";

vi.mock("server-only", () => ({}));
const { openAppDb, resolveAppDbFile, upsertChatByChatId, getChatByChatId } = await import(
  "@/lib/db"
);
const { migrations, runMigrations } = await import("@/lib/db/migrations");

describe("app database migrations", () => {
  it("applies once and keeps the data when the database is opened again", async () => {
    const file = path.join(tempDir("parley-db-"), "app.db");
    const first = await openAppDb({ file });
    await upsertChatByChatId({ db: first, chatId: "cht_1", ownerId: "vis_a", title: "Hi", now: 1 });
    await first.close();

    const second = await openAppDb({ file });
    expect(await runMigrations({ db: second })).toEqual({ applied: [] });
    expect(await second.all("SELECT version FROM schema_migrations ORDER BY version")).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
    expect(await getChatByChatId({ db: second, chatId: "cht_1" })).toMatchObject({ title: "Hi" });
    await second.close();
  });

  it("creates every table of schemas v1 and v2", async () => {
    const db = await openAppDb({ file: ":memory:" });
    const tables = await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual([
      "audit_log",
      "chat_reviews",
      "chats",
      "feedback",
      "notes",
      "rate_limits",
      "schema_migrations",
      "staff_sessions",
      "turns",
      "users",
    ]);
    await db.close();
  });

  it("leaves no trace of a migration that fails halfway", async () => {
    const db = await openAppDb({ file: ":memory:" });
    const broken = [
      ...migrations,
      { version: 3, name: "broken", statements: ["CREATE TABLE extra (id TEXT)", "NOT SQL"] },
    ];
    await expect(runMigrations({ db, list: broken })).rejects.toThrow();
    expect(await db.all("SELECT version FROM schema_migrations ORDER BY version")).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
    expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'extra'")).toBeUndefined();
    await db.close();
  });
});

describe("where the app database lives", () => {
  it("defaults to app.db in DATA_DIR", () => {
    expect(resolveAppDbFile({ dataDir: "/srv/parley" })).toBe("/srv/parley/app.db");
  });

  it("accepts SQLite file URLs and paths in DATABASE_URL", () => {
    expect(resolveAppDbFile({ databaseUrl: "file:/var/app.db", dataDir: "x" })).toBe("/var/app.db");
    expect(resolveAppDbFile({ databaseUrl: "file:///var/app.db", dataDir: "x" })).toBe(
      "/var/app.db",
    );
    expect(resolveAppDbFile({ databaseUrl: "sqlite:/var/app.db", dataDir: "x" })).toBe(
      "/var/app.db",
    );
    expect(resolveAppDbFile({ databaseUrl: "./app.db", dataDir: "x" })).toBe(
      path.resolve("app.db"),
    );
  });

  it("says plainly that Postgres is not supported yet", () => {
    expect(() =>
      resolveAppDbFile({ databaseUrl: "postgres://u:p@db/parley", dataDir: "x" }),
    ).toThrow(/DATABASE_URL=postgres:\/\/… is not supported yet/);
  });
});
