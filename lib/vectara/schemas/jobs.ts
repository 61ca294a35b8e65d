import { z } from "zod";
import { corpusKeySchema, listMetadataSchema } from "./common";

export const JOB_STATES = [
  "unknown",
  "queued",
  "started",
  "completed",
  "failed",
  "failed_will_retry",
  "aborted",
] as const;

export const jobIdSchema = z.string().regex(/^job_.+$/, "job ids start with job_");

/** `GET /v2/jobs` parameters (OpenAPI v2 `listJobs`). */
export const listJobsParamsSchema = z.strictObject({
  corpus_key: z.array(corpusKeySchema).optional(),
  /** Only jobs created after this time (ISO 8601 date-time). */
  after: z.iso.datetime({ offset: true }).optional(),
  state: z.array(z.enum(JOB_STATES)).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  page_key: z.string().min(1).optional(),
});

export const jobSchema = z.looseObject({
  id: z.string(),
  type: z.string().nullish(),
  corpus_keys: z.array(z.string()).nullish(),
  state: z.string().nullish(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  created_by_username: z.string().nullish(),
});

export const listJobsResponseSchema = z.looseObject({
  jobs: z.array(jobSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export type ListJobsParams = z.input<typeof listJobsParamsSchema>;
export type JobState = (typeof JOB_STATES)[number];
export type WireJob = z.infer<typeof jobSchema>;
