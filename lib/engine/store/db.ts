import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { migrations as defaultMigrations, type Migration } from "./migrations";

export type DB = Database.Database;

/**
 * Opens (creating when needed) the engine database with WAL, a busy timeout and
 * foreign keys, then applies pending migrations. `:memory:` works for tests.
 */
export function openDatabase(file: string, migrations: Migration[] = defaultMigrations): DB {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  writeTransactionsFirst(db);
  migrate(db, migrations);
  return db;
}

/**
 * Closes the database after checkpointing its WAL into the main file and truncating it
 * (`PRAGMA wal_checkpoint(TRUNCATE)`), so a stopped engine leaves no -wal content behind
 * (the last connection to close also deletes the -wal and -shm files). A checkpoint that
 * cannot run (another connection is reading) is no reason not to close. Closing twice is
 * harmless.
 */
export function closeDatabase(db: DB): void {
  if (!db.open) return;
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

/**
 * Every `db.transaction(fn)()` begins IMMEDIATE: it takes the write lock up front,
 * waiting under the busy timeout. The engine's worker threads each hold a connection to
 * one file, and a deferred transaction that reads, then writes after another connection
 * committed, fails at once with SQLITE_BUSY (its snapshot is stale) whatever the timeout.
 */
function writeTransactionsFirst(db: DB): void {
  const deferred = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const t = deferred(fn);
    return Object.assign((...args: never[]) => t.immediate(...args), t);
  }) as DB["transaction"];
}

export function migrate(db: DB, migrations: Migration[]): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    db
      .prepare("SELECT version FROM schema_migrations")
      .all()
      .map((r) => (r as { version: number }).version),
  );
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
}

/** Runs `fn` in one transaction: all of its writes land, or none do. */
export function inTransaction<T>(db: DB, fn: () => T): T {
  return db.transaction(fn)();
}
