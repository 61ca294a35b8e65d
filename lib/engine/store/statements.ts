import type { Statement } from "better-sqlite3";
import type { DB } from "./db";

/**
 * Prepared statements kept per database connection and SQL text, for write paths that
 * run the same few statements once per document or part: preparing one costs about as
 * much as running it.
 */
const caches = new WeakMap<DB, Map<string, Statement>>();

export function cachedStatement(db: DB, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
