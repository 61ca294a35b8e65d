import { z } from "zod";
import { JOB_STATES } from "../../store/jobs";
import { corpusKeySchema } from "./corpora";

/** `GET /v2/jobs` query (OpenAPI v2 `listJobs`); `corpus_key` and `state` may repeat or be comma-separated. */
export const listJobsQuerySchema = z.object({
  corpus_key: z.array(corpusKeySchema).max(100).optional(),
  after: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s).toISOString())
    .optional(),
  state: z
    .array(z.enum(JOB_STATES))
    .max(JOB_STATES.length * 2)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  page_key: z.string().optional(),
});
