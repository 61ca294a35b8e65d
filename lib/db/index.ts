import "server-only";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getConfig } from "@/lib/config";
import type { SqlDriver } from "./driver";
import { runMigrations } from "./migrations";
import { openSqliteDriver } from "./sqlite";

export type { SqlDriver, SqlParams, SqlValue } from "./driver";
export * from "./queries";
export * from "./users";

/** Opens a SQLite app database (a file path or ":memory:") with its schema up to date. */
export async function openAppDb({ file }: { file: string }): Promise<SqlDriver> {
  const db = openSqliteDriver({ file });
  try {
    await runMigrations({ db });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * Where the app database lives: `DATABASE_URL` when it names a SQLite file
 * (`file:`, `sqlite:` or a plain path), `$DATA_DIR/app.db` otherwise.
 */
export function resolveAppDbFile({
  databaseUrl,
  dataDir,
}: {
  databaseUrl?: string;
  dataDir: string;
}): string {
  if (!databaseUrl) return path.resolve(dataDir, "app.db");
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error(
      "DATABASE_URL=postgres://… is not supported yet: unset it to use the SQLite file in DATA_DIR.",
    );
  }
  if (databaseUrl.startsWith("file://")) return fileURLToPath(databaseUrl);
  const file = databaseUrl.replace(/^(file|sqlite):/, "");
  return file === ":memory:" ? file : path.resolve(file);
}

// On globalThis because Next bundles this module more than once per process
// (instrumentation, route handlers): all bundles must share one connection.
const shared = globalThis as typeof globalThis & { __parleyAppDb?: Promise<SqlDriver> };

/** The process-wide app database, opened and migrated on first use. */
export function getAppDb(): Promise<SqlDriver> {
  if (!shared.__parleyAppDb) {
    const opening = (async () => {
      const { databaseUrl, dataDir } = getConfig();
      return openAppDb({ file: resolveAppDbFile({ databaseUrl, dataDir }) });
    })();
    // A failed open is not cached, so the next request tries again.
    opening.catch(() => {
      if (shared.__parleyAppDb === opening) shared.__parleyAppDb = undefined;
    });
    shared.__parleyAppDb = opening;
  }
  return shared.__parleyAppDb;
}
export * from "./staff";
