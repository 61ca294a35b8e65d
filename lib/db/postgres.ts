import "server-only";
import pg from "pg";
import { errorFields, getLogger } from "@/lib/observability/log";
import { registerGauge } from "@/lib/observability/metrics";
import type { SqlDriver, SqlParams } from "./driver";
import {
  checkedQueries,
  type TxConnection,
  transactionDriver,
  transactionGuard,
} from "./transaction";

/**
 * node-postgres behind the async SqlDriver interface.
 *
 * Queries are written with `?` placeholders for SQLite; here they become `$1..$n`.
 * BIGINT columns come back as strings (pg's default, which keeps values past 2^53
 * exact): the row schemas coerce them.
 *
 * Transactions run on a dedicated pool client and take a transaction-scoped
 * advisory lock first, so they run one at a time per schema across every app
 * instance: the same guarantee SQLite's single writer gives, which the queries'
 * read-then-write transactions rely on. They are all a few short statements.
 */
export function openPostgresDriver({ url, max = 10 }: { url: string; max?: number }): SqlDriver {
  // A database that does not answer fails the request in bounded time, not after the
  // OS's TCP timeout; so does waiting that long for a free client.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle client whose connection drops emits "error" on the pool; unhandled, that
  // would crash the process. The pool discards the client and the next query reconnects.
  // Its use, read at each scrape of /api/metrics (the latest pool opened in the process).
  registerGauge({
    name: "parley_app_db_pool_connections",
    help: "The app database's PostgreSQL pool: connections by state (total, idle, waiting)",
    labelNames: ["state"],
    read: () => [
      { labels: { state: "total" }, value: pool.totalCount },
      { labels: { state: "idle" }, value: pool.idleCount },
      { labels: { state: "waiting" }, value: pool.waitingCount },
    ],
  });
  pool.on("error", (error) => {
    getLogger().error(errorFields(error), "an idle app-database connection failed");
  });

  const query = async (client: pg.Pool | pg.PoolClient, sql: string, params: SqlParams = []) => {
    const { text, count } = toPostgresPlaceholders(sql);
    if (count !== params.length) {
      throw new RangeError(
        `The statement has ${count} placeholders but got ${params.length} values`,
      );
    }
    return client.query(text, [...params]);
  };
  const on = (client: pg.Pool | pg.PoolClient) => ({
    all: async <T>(sql: string, params?: SqlParams) =>
      (await query(client, sql, params)).rows as T[],
    get: async <T>(sql: string, params?: SqlParams) =>
      (await query(client, sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: SqlParams) => ({
      changes: (await query(client, sql, params)).rowCount ?? 0,
    }),
  });

  // The outer driver used inside `fn` would run outside the transaction (on another
  // pool client) and could wait on the transaction's own locks: refused, as on SQLite.
  const { guard, within } = transactionGuard();
  const savepoints = { count: 0 };
  const connectionOf = (client: pg.PoolClient): TxConnection => ({
    ...on(client),
    exec: (sql) => client.query(sql),
  });

  const top = on(pool);
  let closing: Promise<void> | undefined;
  return {
    dialect: "postgres",
    ...checkedQueries(guard, top),
    transaction: async (fn) => {
      guard();
      const client = await pool.connect();
      // Set when the connection's state is unknown: the pool then drops it.
      let broken: Error | undefined;
      const { tx, end } = transactionDriver("postgres", connectionOf(client), savepoints);
      try {
        await client.query("BEGIN");
        await client.query(TRANSACTION_LOCK);
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await within(() => fn(tx));
        } finally {
          // Before COMMIT: a late call on `tx` must fail, not run after the transaction.
          end();
        }
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => {
      closing ??= pool.end();
      return closing;
    },
  };
}

/**
 * Serializes the app's transactions within one schema (two Parley deployments in
 * separate schemas of one database do not wait on each other). The two-key form
 * keeps clear of single-key locks other software might take.
 */
const TRANSACTION_LOCK =
  "SELECT pg_advisory_xact_lock(hashtext('parley:transaction'), hashtext(current_schema()))";

/**
 * Rewrites `?` placeholders to Postgres's `$1..$n`, leaving alone any `?` inside a
 * string literal ('…', E'…', $tag$…$tag$), a quoted identifier ("…") or a comment.
 * Returns the rewritten text and how many placeholders it had.
 */
export function toPostgresPlaceholders(sql: string): { text: string; count: number } {
  let text = "";
  let count = 0;
  let i = 0;
  const n = sql.length;
  // Copies sql[i..end) as is and moves past it.
  const copyTo = (end: number) => {
    text += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "?") {
      text += `$${++count}`;
      i++;
    } else if (c === "'") {
      // An E'…' string treats backslash as an escape; a standard one does not.
      const escapes = i > 0 && /[eE]/.test(sql[i - 1] ?? "") && !/[\w$]/.test(sql[i - 2] ?? "");
      copyTo(endOfQuoted(sql, i, "'", escapes));
    } else if (c === '"') {
      copyTo(endOfQuoted(sql, i, '"', false));
    } else if (c === "-" && next === "-") {
      const eol = sql.indexOf("\n", i);
      copyTo(eol === -1 ? n : eol + 1);
    } else if (c === "/" && next === "*") {
      copyTo(endOfBlockComment(sql, i));
    } else if (c === "$" && !/[\w$]/.test(sql[i - 1] ?? "")) {
      // A dollar quote's tag is empty or an identifier; `$1` is a parameter.
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        copyTo(close === -1 ? n : close + tag.length);
      } else {
        copyTo(i + 1);
      }
    } else {
      copyTo(i + 1);
    }
  }
  return { text, count };
}

/** The index just past the quoted run that opens at `start`; a doubled quote stays inside. */
function endOfQuoted(sql: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (escapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** The index just past the block comment that opens at `start`; Postgres nests them. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
