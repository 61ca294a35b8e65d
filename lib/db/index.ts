import "server-only";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getConfig } from "@/lib/config";
import type { SqlDriver } from "./driver";
import { runMigrations } from "./migrations";
import { openPostgresDriver } from "./postgres";
import { openSqliteDriver } from "./sqlite";

/**
 * The app database's queries, one module per table. Each takes one object argument with
 * the driver in it, speaks portable SQL and returns camelCase domain objects. Rows are
 * parsed with zod: the same code must accept Postgres, whose BIGINT comes back as a string.
 */
export * from "./answer-streams";
export * from "./audit-log";
export * from "./chat-reviews";
export * from "./chat-signals";
export * from "./chats";
export { InvalidCursorError } from "./cursor";
export type { SqlDriver, SqlParams, SqlValue } from "./driver";
export * from "./feedback";
export * from "./handoffs";
export * from "./insights";
export * from "./login-failures";
export * from "./notes";
export { hitRateLimitByKey, peekRateLimitByKey, type RateLimitResult } from "./rate-limits";
export * from "./turns";
export * from "./users";

/** Where the app database lives: a SQLite file (or ":memory:") or a PostgreSQL URL. */
export type AppDbLocation = { file: string } | { url: string };

/** Opens the app database with its schema up to date. */
export async function openAppDb(where: AppDbLocation): Promise<SqlDriver> {
  const db = "url" in where ? openPostgresDriver({ url: where.url }) : openSqliteDriver(where);
  try {
    await runMigrations({ db });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * Where the app database lives: PostgreSQL when `DATABASE_URL` is a postgres:// or
 * postgresql:// URL; the SQLite file it names (`file:`, `sqlite:` or a plain path);
 * `$DATA_DIR/app.db` without it.
 */
export function resolveAppDb({
  databaseUrl,
  dataDir,
}: {
  databaseUrl?: string;
  dataDir: string;
}): AppDbLocation {
  if (!databaseUrl) return { file: path.resolve(dataDir, "app.db") };
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return { url: databaseUrl };
  if (databaseUrl.startsWith("file://")) return { file: fileURLToPath(databaseUrl) };
  const file = databaseUrl.replace(/^(file|sqlite):/, "");
  return { file: file === ":memory:" ? file : path.resolve(file) };
}

// On globalThis because Next bundles this module more than once per process
// (instrumentation, route handlers): all bundles must share one connection (pool).
const shared = globalThis as typeof globalThis & { __parleyAppDb?: Promise<SqlDriver> };

/** The process-wide app database, opened and migrated on first use. */
export function getAppDb(): Promise<SqlDriver> {
  if (!shared.__parleyAppDb) {
    closeOnShutdown("the app database", closeAppDb);
    const opening = (async () => {
      const { databaseUrl, dataDir } = getConfig();
      return openAppDb(resolveAppDb({ databaseUrl, dataDir }));
    })();
    // A failed open is not cached, so the next request tries again.
    opening.catch(() => {
      if (shared.__parleyAppDb === opening) shared.__parleyAppDb = undefined;
    });
    shared.__parleyAppDb = opening;
  }
  return shared.__parleyAppDb;
}

/** Closes the process-wide app database, if open; the next getAppDb() opens it again. */
export async function closeAppDb(): Promise<void> {
  const opening = shared.__parleyAppDb;
  shared.__parleyAppDb = undefined;
  const db = await opening?.catch(() => undefined);
  await db?.close();
}

/**
 * Registers how to close a resource when the server shuts down gracefully: the server's
 * bundle reads this Map on globalThis (`registeredResources` in `lib/http/shutdown.ts`).
 */
function closeOnShutdown(name: string, close: () => Promise<void>): void {
  const shared = globalThis as { __parleyShutdown?: Map<string, () => Promise<void>> };
  shared.__parleyShutdown ??= new Map();
  shared.__parleyShutdown.set(name, close);
}
