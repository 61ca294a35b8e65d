import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/files";

vi.mock("server-only", () => ({}));

const dataDir = tempDir("parley-appdb-");
vi.stubEnv("DATA_DIR", dataDir);
vi.stubEnv("DATABASE_URL", "");
const { getAppDb } = await import("@/lib/db");

afterAll(async () => {
  await (await getAppDb()).close();
  vi.unstubAllEnvs();
});

describe("getAppDb", () => {
  it("opens one migrated database in DATA_DIR, shared by every caller", async () => {
    const [a, b] = await Promise.all([getAppDb(), getAppDb()]);
    expect(a).toBe(b);
    expect(existsSync(path.join(dataDir, "app.db"))).toBe(true);
    expect(await a.all("SELECT version FROM schema_migrations ORDER BY version")).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
    const tables = await a.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'staff_sessions') ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual(["staff_sessions", "users"]);
  });
});
