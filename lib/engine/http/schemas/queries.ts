import { z } from "zod";

/**
 * The query string of `GET /v2/queries` (`getQueryHistories`). Times are ISO 8601
 * date-times with a zone (`Z` or an offset); `limit` is 1..100, default 10.
 */
const dateTime = z.iso.datetime({
  offset: true,
  error: "must be an ISO 8601 date-time with a time zone, like 2025-06-01T12:00:00Z",
});

export const listQueryHistoriesSchema = z.object({
  corpus_key: z.string().min(1).max(50).optional(),
  started_after: dateTime.optional(),
  started_before: dateTime.optional(),
  chat_id: z.string().min(1).max(200).optional(),
  history_id: z.string().min(1).max(200).optional(),
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 100" })
    .int("must be a whole number from 1 to 100")
    .min(1, "must be a whole number from 1 to 100")
    .max(100, "must be a whole number from 1 to 100")
    .default(10),
  page_key: z.string().optional(),
});
