import "server-only";

/**
 * The app database seen through one small async interface, so the queries run
 * unchanged on SQLite today and on PostgreSQL later. Queries use `?`
 * placeholders (a Postgres driver rewrites them to `$n`) and portable SQL only.
 */

/** A value that binds the same way in SQLite and PostgreSQL. */
export type SqlValue = string | number | bigint | null | Uint8Array;

export type SqlParams = readonly SqlValue[];

export interface SqlDriver {
  readonly dialect: "sqlite" | "postgres";
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one transaction: it commits when `fn` resolves and rolls back
   * when it throws. Inside `fn`, use only `tx`; the outer driver waits for the
   * transaction to end, so calling it from inside would never resolve.
   */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
