import { errors } from "../../core/errors";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { assertCorpusAccess } from "../../services/context";
import { getJob, type JobCursor, type JobRow, listJobs } from "../../store/jobs";
import { type Ctx, engineContext, type Route, readQuery } from "../context";
import { json } from "../respond";
import { listJobsQuerySchema } from "../schemas/jobs";

/** `Job` (OpenAPI v2): optional times and the username only when known. */
export const toWireJob = (j: JobRow) => ({
  id: j.id,
  type: j.type,
  corpus_keys: j.corpusKeys,
  state: j.state,
  created_at: j.createdAt,
  ...(j.startedAt ? { started_at: j.startedAt } : {}),
  ...(j.completedAt ? { completed_at: j.completedAt } : {}),
  ...(j.createdByUsername ? { created_by_username: j.createdByUsername } : {}),
});

const isCursor = (v: unknown): v is JobCursor =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as JobCursor).createdAt === "string" &&
  typeof (v as JobCursor).id === "string";

function list(ctx: Ctx) {
  const q = readQuery(ctx, listJobsQuerySchema, ["corpus_key", "state"]);
  const cursor = decodePageKey(q.page_key, isCursor);
  const rows = listJobs(ctx.db, {
    scope: ctx.key.corpusKeys,
    corpusKeys: q.corpus_key,
    after: q.after,
    states: q.state,
    cursor,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return json(200, {
    jobs: page.map(toWireJob),
    metadata:
      rows.length > q.limit && last
        ? { page_key: encodePageKey({ createdAt: last.createdAt, id: last.id }) }
        : {},
  });
}

function get(ctx: Ctx) {
  const id = ctx.params.job_id ?? "";
  const job = /^job_.+$/.test(id) ? getJob(ctx.db, id) : undefined;
  if (!job) throw errors.notFound("Job", id);
  // A scoped key reads a job only when it may read every corpus the job belongs to.
  const engine = engineContext(ctx);
  if (engine.scope && job.corpusKeys.length === 0) {
    throw errors.forbidden("This API key has no access to jobs outside its corpora");
  }
  for (const key of job.corpusKeys) assertCorpusAccess(engine, key);
  return json(200, toWireJob(job));
}

export const jobRoutes: Route[] = [
  { method: "GET", pattern: "/v2/jobs", role: "serving", handler: list },
  { method: "GET", pattern: "/v2/jobs/:job_id", role: "serving", handler: get },
];
