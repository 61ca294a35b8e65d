import { z } from "zod";

export const documentsQuerySchema = z.strictObject({
  /** A Vectara metadata filter, e.g. `doc.category = 'billing'`; empty means none. */
  filter: z.string().trim().max(8000).optional(),
  page_key: z.string().min(1).max(2000).optional(),
});

export type DocumentsQuery = z.infer<typeof documentsQuerySchema>;

/** A document id as the route receives it: the catch-all's segments, joined back with `/`. */
export const documentIdParamSchema = z
  .array(z.string())
  .min(1)
  .transform((segments) => segments.join("/"))
  .pipe(z.string().min(1).max(512));
