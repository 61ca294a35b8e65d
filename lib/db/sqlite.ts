import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { SqlDriver, SqlParams } from "./driver";

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

  // Marks the async context of a running transaction, to turn a deadlock (the
  // outer driver used inside `fn`) into an immediate, explained error.
  const insideTransaction = new AsyncLocalStorage<true>();
  const guard = () => {
    if (insideTransaction.getStore()) {
      throw new Error(
        "The app database was used directly inside a transaction: use the `tx` passed to transaction(fn).",
      );
    }
  };

  let savepoints = 0;
  const txDriver = (): { tx: SqlDriver; end: () => void } => {
    let open = true;
    const check = () => {
      if (!open) throw new Error("This transaction has ended; its `tx` can no longer be used.");
    };
    const tx: SqlDriver = {
      dialect: "sqlite",
      all: async (sql, params) => {
        check();
        return exec.all(sql, params);
      },
      get: async (sql, params) => {
        check();
        return exec.get(sql, params);
      },
      run: async (sql, params) => {
        check();
        return exec.run(sql, params);
      },
      // Nested transactions are savepoints: they roll back alone, inside the outer one.
      transaction: async (fn) => {
        check();
        const name = `sp_${++savepoints}`;
        db.exec(`SAVEPOINT ${name}`);
        const inner = txDriver();
        try {
          const result = await fn(inner.tx);
          db.exec(`RELEASE ${name}`);
          return result;
        } catch (error) {
          db.exec(`ROLLBACK TO ${name}`);
          db.exec(`RELEASE ${name}`);
          throw error;
        } finally {
          inner.end();
        }
      },
      close: async () => {
        throw new Error("Close the driver, not a transaction.");
      },
    };
    return {
      tx,
      end: () => {
        open = false;
      },
    };
  };

  return {
    dialect: "sqlite",
    all: async (sql, params) => {
      guard();
      return exclusive(() => exec.all(sql, params));
    },
    get: async (sql, params) => {
      guard();
      return exclusive(() => exec.get(sql, params));
    },
    run: async (sql, params) => {
      guard();
      return exclusive(() => exec.run(sql, params));
    },
    transaction: async (fn) => {
      guard();
      return exclusive(() =>
        insideTransaction.run(true, async () => {
          // IMMEDIATE takes the write lock now, so another process on the same
          // file cannot make this transaction fail halfway with SQLITE_BUSY.
          db.exec("BEGIN IMMEDIATE");
          const { tx, end } = txDriver();
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
    close: () =>
      exclusive(() => {
        if (db.open) db.close();
      }),
  };
}
