import { z } from "zod";
import { MAX_METADATA_CANDIDATES } from "../../services/metadata-query";

/** `MetadataQueryRequest` (OpenAPI v2): field queries with weights, a filter, a page. */
export const metadataQuerySchema = z.object({
  level: z.enum(["document", "part"]).default("document"),
  queries: z
    .array(
      z.object({
        /** A top-level metadata key, without `doc.`/`part.` (a dot is part of the name). */
        field: z.string().min(1).max(200),
        query: z.string().min(1).max(1000),
        weight: z.number().min(0).max(1000).default(1),
      }),
    )
    .min(1)
    .max(10)
    .refine((qs) => qs.some((q) => q.weight > 0), "needs at least one query with a weight above 0"),
  metadata_filter: z.string().optional(),
  limit: z.number().int().min(1).max(100).default(10),
  offset: z.number().int().min(0).max(MAX_METADATA_CANDIDATES).default(0),
});
