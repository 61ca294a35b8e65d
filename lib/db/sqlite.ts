import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { SqlDriver, SqlParams } from "./driver";
import {
  checkedQueries,
  type TxConnection,
  transactionDriver,
  transactionGuard,
} from "./transaction";

/**
 * better-sqlite3 behind the async SqlDriver interface.
 *
 * The connection is shared by every request in the process and better-sqlite3
 * is synchronous, but `transaction(fn)` takes an async `fn`: while it awaits,
 * another request could run statements on the same connection, inside our
 * BEGIN..COMMIT. So every top-level call goes through one async mutex: it waits
 * for any open transaction to end. Calls on the `tx` object run directly.
 */
export function openSqliteDriver({ file }: { file: string }): SqlDriver {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");

  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  const exec = {
    all: <T>(sql: string, params: SqlParams = []) => prepare(sql).all(...params) as T[],
    get: <T>(sql: string, params: SqlParams = []) => prepare(sql).get(...params) as T | undefined,
    run: (sql: string, params: SqlParams = []) => ({
      changes: prepare(sql).run(...params).changes,
    }),
  };

  // The mutex: each exclusive section starts when the previous one has settled.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => T | Promise<T>): Promise<T> => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };

  const { guard, within } = transactionGuard();
  const savepoints = { count: 0 };
  const connection: TxConnection = { ...exec, exec: (sql) => db.exec(sql) };

  return {
    dialect: "sqlite",
    ...checkedQueries(guard, exec, exclusive),
    transaction: async (fn) => {
      guard();
      return exclusive(() =>
        within(async () => {
          // IMMEDIATE takes the write lock now, so another process on the same
          // file cannot make this transaction fail halfway with SQLITE_BUSY.
          db.exec("BEGIN IMMEDIATE");
          const { tx, end } = transactionDriver("sqlite", connection, savepoints);
          try {
            const result = await fn(tx);
            db.exec("COMMIT");
            return result;
          } catch (error) {
            if (db.inTransaction) db.exec("ROLLBACK");
            throw error;
          } finally {
            end();
          }
        }),
      );
    },
    // After the last statement: the WAL checkpointed into the file and truncated, then
    // closed (which deletes the -wal and -shm files), so a stopped server leaves none.
    close: () =>
      exclusive(() => {
        if (!db.open) return;
        try {
          db.pragma("wal_checkpoint(TRUNCATE)");
        } finally {
          db.close();
        }
      }),
  };
}
