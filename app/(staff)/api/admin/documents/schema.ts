import { z } from "zod";
import { documentSortSchema } from "@/lib/admin/document-sort";

export const documentsQuerySchema = z.strictObject({
  /** A Vectara metadata filter, e.g. `doc.category = 'billing'`; empty means none. */
  filter: z.string().trim().max(8000).optional(),
  page_key: z.string().min(1).max(2000).optional(),
  /** The list's order; newest first when absent. Ignored in remote mode (Vectara takes none). */
  sort: documentSortSchema.optional(),
});

export type DocumentsQuery = z.infer<typeof documentsQuerySchema>;

/** A document id as the route receives it: the catch-all's segments, joined back with `/`. */
export const documentIdParamSchema = z
  .array(z.string())
  .min(1)
  .transform((segments) => segments.join("/"))
  .pipe(z.string().min(1).max(512));

/** The path of `DELETE /api/admin/documents/[...documentId]`. */
export const documentParamsSchema = z.object({ documentId: documentIdParamSchema });
