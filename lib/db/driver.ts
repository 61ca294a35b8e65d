import "server-only";

/**
 * The app database seen through one small async interface, so the queries run
 * unchanged on SQLite and PostgreSQL. Queries use `?` placeholders (the Postgres
 * driver rewrites them to `$n`) and portable SQL only. Rows come back as the
 * engine gives them: Postgres returns BIGINT as a string, so parse rows with zod.
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
   * when it throws. Transactions run one at a time, so a read-then-write inside
   * one is never interleaved with another's. Inside `fn`, use only `tx`: the
   * outer driver throws there. Nested calls on `tx` are savepoints.
   */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
