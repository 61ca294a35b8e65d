import { z } from "zod";

/** `MetadataQueryRequest` (OpenAPI v2): fuzzy field queries over a corpus's metadata. */
export const metadataQueryRequestSchema = z.strictObject({
  level: z.enum(["document", "part"]).optional(),
  queries: z
    .array(
      z.strictObject({
        /** A metadata field name, without `doc.`/`part.`. */
        field: z.string().min(1),
        query: z.string().min(1),
        /** Default 1; a higher weight makes this field count more. */
        weight: z.number().min(0).optional(),
      }),
    )
    .min(1),
  metadata_filter: z.string().optional(),
  limit: z.number().int().min(1).max(100).optional(),
  offset: z.number().int().min(0).optional(),
});

const scoredDocumentSchema = z.looseObject({
  doc_id: z.string(),
  score: z.number().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const metadataQueryResponseSchema = z.looseObject({
  documents: z.array(scoredDocumentSchema).nullish(),
  total_count: z.number().nullish(),
});

export type MetadataQueryRequest = z.input<typeof metadataQueryRequestSchema>;
export type WireMetadataQueryResponse = z.infer<typeof metadataQueryResponseSchema>;
