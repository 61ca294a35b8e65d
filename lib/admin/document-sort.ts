import { z } from "zod";

/**
 * The orders of the admin's document list. Parley's engine sorts server-side (its
 * `sort` listing parameter, docs/engine.md); Vectara's listing takes no order, so in
 * remote mode the list is in Vectara's own order and offers no choice.
 */
export const documentSortSchema = z.enum(["newest", "title", "id"]);

export type DocumentSort = z.infer<typeof documentSortSchema>;

export const DEFAULT_DOCUMENT_SORT: DocumentSort = "newest";

export const DOCUMENT_SORT_LABELS: Record<DocumentSort, string> = {
  newest: "Last updated",
  title: "Title A–Z",
  id: "Document id A–Z",
};
