import { nextKey, Page } from "../pagination";
import {
  type JobState,
  jobIdSchema,
  jobSchema,
  type ListJobsParams,
  listJobsParamsSchema,
  listJobsResponseSchema,
  type WireJob,
} from "../schemas/jobs";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

/** A background job (`replace_filter_attributes`, …) and what became of it. */
export interface Job {
  id: string;
  /** `replace_filter_attributes`, `rebuild_vector_index` or `unknown` today. */
  type: string;
  corpusKeys: string[];
  /** One of `JobState`, or a state this client does not know yet. */
  state: JobState | (string & {});
  createdAt?: string;
  startedAt?: string;
  completedAt?: string;
  createdByUsername?: string;
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function toJob(j: WireJob): Job {
  return {
    id: j.id,
    type: j.type ?? "unknown",
    corpusKeys: j.corpus_keys ?? [],
    state: j.state ?? "unknown",
    createdAt: opt(j.created_at),
    startedAt: opt(j.started_at),
    completedAt: opt(j.completed_at),
    createdByUsername: opt(j.created_by_username),
  };
}

/** `GET /v2/jobs` and `GET /v2/jobs/{job_id}`. */
export class Jobs {
  constructor(private readonly transport: Transport) {}

  /** Jobs, newest first, a page at a time (`for await` walks every page). */
  async list(params: ListJobsParams = {}, options?: RequestOptions): Promise<Page<Job>> {
    const query = validate(listJobsParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/jobs", query, idempotent: true },
      listJobsResponseSchema,
      options,
    );
    return new Page((wire.jobs ?? []).map(toJob), nextKey(wire.metadata?.page_key), (page_key) =>
      this.list({ ...params, page_key }, options),
    );
  }

  async get(jobId: string, options?: RequestOptions): Promise<Job> {
    const id = segment(jobIdSchema, jobId, "job_id");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/jobs/${id}`, idempotent: true },
      jobSchema,
      options,
    );
    return toJob(wire);
  }
}
