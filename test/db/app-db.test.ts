import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appDbs, listTables } from "../support/app-db";
import { tempDir } from "../support/files";

vi.mock("server-only", () => ({}));

// getConfig() parses the environment once per module graph: each test loads a fresh one.
async function loadWithEnv(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import("@/lib/db");
}

afterEach(async () => {
  await (await import("@/lib/db")).closeAppDb();
  vi.unstubAllEnvs();
});

describe.each(appDbs)("getAppDb ($name)", (engine) => {
  it("opens one migrated database, shared by every caller", async () => {
    const dataDir = tempDir("parley-appdb-");
    const where = await engine.location();
    const { getAppDb } = await loadWithEnv({
      DATA_DIR: dataDir,
      DATABASE_URL: "url" in where ? where.url : "",
    });
    const [a, b] = await Promise.all([getAppDb(), getAppDb()]);
    expect(a).toBe(b);
    expect(a.dialect).toBe(engine.dialect);
    // Without DATABASE_URL, SQLite lives in DATA_DIR; with a Postgres URL nothing is written there.
    expect(existsSync(path.join(dataDir, "app.db"))).toBe(engine.dialect === "sqlite");
    const { migrations } = await import("@/lib/db/migrations");
    expect(await a.all("SELECT version FROM schema_migrations ORDER BY version")).toEqual(
      migrations.map(({ version }) => ({ version })),
    );
    expect(await listTables(a)).toEqual(expect.arrayContaining(["staff_sessions", "users"]));
  });
});
