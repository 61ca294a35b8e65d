import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriver, SqlParams } from "./driver";

/**
 * What both app-DB drivers share about transactions, written once: the `tx` handed to
 * `transaction(fn)` (usable only while its transaction is open; nested calls are
 * savepoints that roll back alone), and the guard that refuses the outer driver inside
 * `fn`, where it would deadlock on SQLite's mutex or run outside the transaction on
 * another Postgres client. Each driver keeps only how it begins, commits and rolls back.
 */

/** Statements on the transaction's own connection. */
export interface TxConnection {
  all<T>(sql: string, params?: SqlParams): T[] | Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): T | undefined | Promise<T | undefined>;
  run(sql: string, params?: SqlParams): { changes: number } | Promise<{ changes: number }>;
  /** A statement without parameters or rows (SAVEPOINT, RELEASE, ROLLBACK TO). */
  exec(sql: string): unknown;
}

/**
 * A driver's `all`, `get` and `run` on `target`, each after `check()` (the guard against
 * the outer driver, or the check that a `tx` is still open), run `through` a wrapper
 * (SQLite's mutex) when there is one.
 */
export function checkedQueries(
  check: () => void,
  target: Pick<TxConnection, "all" | "get" | "run">,
  through: <T>(work: () => T | Promise<T>) => Promise<T> = async (work) => work(),
): Pick<SqlDriver, "all" | "get" | "run"> {
  return {
    all: async (sql, params) => {
      check();
      return through(() => target.all(sql, params));
    },
    get: async (sql, params) => {
      check();
      return through(() => target.get(sql, params));
    },
    run: async (sql, params) => {
      check();
      return through(() => target.run(sql, params));
    },
  };
}

/** The guard of one driver: `guard()` throws inside one of its transactions. */
export function transactionGuard() {
  const inside = new AsyncLocalStorage<true>();
  return {
    guard(): void {
      if (inside.getStore()) {
        throw new Error(
          "The app database was used directly inside a transaction: use the `tx` passed to transaction(fn).",
        );
      }
    },
    /** Runs `fn` as the inside of a transaction. */
    within<T>(fn: () => Promise<T>): Promise<T> {
      return inside.run(true, fn);
    },
  };
}

/**
 * The `tx` of a transaction on `connection`, and `end()`, after which it refuses every
 * call (a late call must fail, not run outside its transaction). `savepoints` numbers
 * the driver's savepoints.
 */
export function transactionDriver(
  dialect: SqlDriver["dialect"],
  connection: TxConnection,
  savepoints: { count: number },
): { tx: SqlDriver; end: () => void } {
  let open = true;
  const check = () => {
    if (!open) throw new Error("This transaction has ended; its `tx` can no longer be used.");
  };
  const tx: SqlDriver = {
    dialect,
    ...checkedQueries(check, connection),
    transaction: async (fn) => {
      check();
      const name = `sp_${++savepoints.count}`;
      await connection.exec(`SAVEPOINT ${name}`);
      const inner = transactionDriver(dialect, connection, savepoints);
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(inner.tx);
      } catch (error) {
        inner.end();
        await connection.exec(`ROLLBACK TO SAVEPOINT ${name}`);
        await connection.exec(`RELEASE SAVEPOINT ${name}`);
        throw error;
      }
      inner.end();
      await connection.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
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
}
