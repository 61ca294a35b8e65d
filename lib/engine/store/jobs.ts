import { randomBytes } from "node:crypto";
import type { DB } from "./db";

/**
 * Jobs (`GET /v2/jobs`, migration 6): operations Vectara runs in the background. The
 * engine runs them inside the request, so a job is written once, finished, in the
 * same transaction as its work. At most `MAX_JOBS` are kept: each insert deletes the
 * oldest beyond that, so listing scans a bounded table.
 */

export const JOB_STATES = [
  "unknown",
  "queued",
  "started",
  "completed",
  "failed",
  "failed_will_retry",
  "aborted",
] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobType = "rebuild_vector_index" | "replace_filter_attributes" | "unknown";

/** Jobs kept; older ones are deleted as new ones are written. */
export const MAX_JOBS = 10_000;

export interface JobRow {
  id: string;
  type: JobType;
  corpusKeys: string[];
  state: JobState;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  createdByUsername?: string;
}

interface RawJob {
  id: string;
  type: string;
  corpus_keys: string;
  state: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  created_by_username: string | null;
}

const toJob = (r: RawJob): JobRow => ({
  id: r.id,
  type: r.type as JobType,
  corpusKeys: JSON.parse(r.corpus_keys) as string[],
  state: r.state as JobState,
  createdAt: r.created_at,
  startedAt: r.started_at ?? undefined,
  completedAt: r.completed_at ?? undefined,
  createdByUsername: r.created_by_username ?? undefined,
});

export const newJobId = () => `job_${randomBytes(12).toString("base64url")}`;

/** Writes a job (call it inside the transaction of the job's work), then trims the table. */
export function insertJob(db: DB, job: JobRow): void {
  db.prepare(
    `INSERT INTO jobs (id, type, corpus_keys, state, created_at, started_at, completed_at, created_by_username)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    job.id,
    job.type,
    JSON.stringify(job.corpusKeys),
    job.state,
    job.createdAt,
    job.startedAt ?? null,
    job.completedAt ?? null,
    job.createdByUsername ?? null,
  );
  db.prepare(
    `DELETE FROM jobs WHERE id IN (
       SELECT id FROM jobs ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ?)`,
  ).run(MAX_JOBS);
}

export function getJob(db: DB, id: string): JobRow | undefined {
  const row = db.prepare("SELECT * FROM jobs WHERE id = ?").get(id) as RawJob | undefined;
  return row ? toJob(row) : undefined;
}

/** Where the previous page ended: newest first, by creation time then id. */
export interface JobCursor {
  createdAt: string;
  id: string;
}

/**
 * Up to `limit` jobs, newest first, after `cursor`. `scope` (a key's corpora) keeps
 * jobs all of whose corpora are in it (a job of no corpus is for unscoped keys only);
 * `corpusKeys` keeps jobs of any of those corpora; `after` those created later than it
 * (ISO, as stored); `states` those in one of the states.
 */
export function listJobs(
  db: DB,
  {
    scope,
    corpusKeys,
    after,
    states,
    cursor,
    limit,
  }: {
    scope?: readonly string[] | null;
    corpusKeys?: readonly string[];
    after?: string;
    states?: readonly JobState[];
    cursor?: JobCursor;
    limit: number;
  },
): JobRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const list = (values: readonly string[]) => {
    params.push(...values);
    return values.map(() => "?").join(", ");
  };
  if (scope) {
    where.push(
      scope.length === 0
        ? "0"
        : `json_array_length(j.corpus_keys) > 0 AND NOT EXISTS (
             SELECT 1 FROM json_each(j.corpus_keys) e WHERE e.value NOT IN (${list(scope)}))`,
    );
  }
  if (corpusKeys && corpusKeys.length > 0) {
    where.push(
      `EXISTS (SELECT 1 FROM json_each(j.corpus_keys) e WHERE e.value IN (${list(corpusKeys)}))`,
    );
  }
  if (after !== undefined) {
    where.push("j.created_at > ?");
    params.push(after);
  }
  if (states && states.length > 0) where.push(`j.state IN (${list(states)})`);
  if (cursor) {
    where.push("(j.created_at < ? OR (j.created_at = ? AND j.id < ?))");
    params.push(cursor.createdAt, cursor.createdAt, cursor.id);
  }
  const rows = db
    .prepare(
      `SELECT j.* FROM jobs j ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY j.created_at DESC, j.id DESC LIMIT ?`,
    )
    .all(...params, limit) as RawJob[];
  return rows.map(toJob);
}
