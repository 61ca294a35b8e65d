import type { AdminDocumentPage } from "@/lib/admin/corpus";
import type { DocumentSort } from "@/lib/admin/document-sort";
import { AppError } from "@/lib/http/errors";

/** The admin's route handlers, from the browser. Failures rebuild the server's AppError. */

export async function fetchDocuments(
  filter: string,
  sort: DocumentSort,
  pageKey: string | null,
): Promise<AdminDocumentPage> {
  const params = new URLSearchParams();
  if (filter) params.set("filter", filter);
  params.set("sort", sort);
  if (pageKey) params.set("page_key", pageKey);
  const query = params.toString();
  const response = await fetch(`/api/admin/documents${query ? `?${query}` : ""}`, {
    cache: "no-store",
  });
  if (!response.ok) throw AppError.fromResponseText(await response.text());
  return (await response.json()) as AdminDocumentPage;
}

export async function deleteDocument(documentId: string): Promise<void> {
  // Ids hold `/`: encoded, the whole id stays one path segment.
  const response = await fetch(`/api/admin/documents/${encodeURIComponent(documentId)}`, {
    method: "DELETE",
  });
  if (!response.ok && response.status !== 404) {
    throw AppError.fromResponseText(await response.text());
  }
}
