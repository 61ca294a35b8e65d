import "server-only";
import type { SqlDriver } from "./driver";

/**
 * Versioned schema changes, applied in order, each recorded in
 * `schema_migrations`. Statements are plain portable SQL, one per string, so a
 * Postgres driver can run the same list: timestamps are epoch milliseconds in
 * BIGINT columns (INTEGER affinity in SQLite; 32-bit INTEGER in Postgres would
 * overflow), JSON is TEXT.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "chats, turns, feedback, rate limits",
    statements: [
      `CREATE TABLE chats (
        chat_id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      "CREATE INDEX chats_owner_updated ON chats (owner_id, updated_at DESC, chat_id DESC)",
      `CREATE TABLE turns (
        turn_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        query TEXT NOT NULL,
        answer TEXT NOT NULL,
        rephrased_query TEXT,
        citations TEXT NOT NULL,
        fcs REAL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'stopped', 'error')),
        created_at BIGINT NOT NULL
      )`,
      "CREATE INDEX turns_chat ON turns (chat_id)",
      `CREATE TABLE feedback (
        turn_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        owner_id TEXT NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        reason TEXT,
        updated_at BIGINT NOT NULL
      )`,
      "CREATE INDEX feedback_chat ON feedback (chat_id)",
      `CREATE TABLE rate_limits (
        key TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (key, window_start)
      )`,
    ],
  },
];

/**
 * Applies the pending migrations in one transaction: either the schema moves to
 * the latest version or it stays where it was. Safe to call on every open.
 */
export async function runMigrations({
  db,
  list = migrations,
  now = Date.now(),
}: {
  db: SqlDriver;
  list?: readonly Migration[];
  now?: number;
}): Promise<{ applied: number[] }> {
  return db.transaction(async (tx) => {
    await tx.run(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const rows = await tx.all<{ version: number | string }>(
      "SELECT version FROM schema_migrations",
    );
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const sql of m.statements) await tx.run(sql);
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        m.version,
        m.name,
        now,
      ]);
      applied.push(m.version);
    }
    return { applied };
  });
}
