"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useMemo, useState } from "react";
import { adminKeys } from "@/components/query-keys";
import { deleteDocument, fetchDocuments } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { Button, focusRing } from "@/components/ui/button";
import { TrashIcon } from "@/components/ui/icons";
import type { AdminDocument } from "@/lib/admin/corpus";
import {
  DEFAULT_DOCUMENT_SORT,
  DOCUMENT_SORT_LABELS,
  type DocumentSort,
  documentSortSchema,
} from "@/lib/admin/document-sort";
import { AppError } from "@/lib/http/errors";
import { DeleteDocumentDialog } from "./delete-document-dialog";
import { formatBytes, formatDateTime } from "./format";

/**
 * The corpus's documents, a page at a time, narrowed by a Vectara metadata filter and,
 * when the server can sort (Parley's engine), in the order chosen: the most recently
 * updated first by default, so a file just uploaded heads the first page. A filter the
 * engine rejects shows its message under the input; the list stays usable.
 */
export function DocumentList({ sortable }: { sortable: boolean }) {
  const [draft, setDraft] = useState("");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<DocumentSort>(DEFAULT_DOCUMENT_SORT);
  const [pendingDelete, setPendingDelete] = useState<AdminDocument | null>(null);
  const queryClient = useQueryClient();
  const router = useRouter();

  const list = useInfiniteQuery({
    queryKey: adminKeys.documentList(filter, sort),
    queryFn: ({ pageParam }) => fetchDocuments(filter, sort, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPageKey,
    // A bad filter stays bad: retry only what a retry can fix.
    retry: (count, error) => error instanceof AppError && error.retryable && count < 2,
  });
  // Files uploaded since the page opened head the list until it lists them itself (newest
  // first it does at once; by title, or in Vectara's order, maybe pages later). Not under
  // a filter, which the admin chose to narrow the list.
  const recent = useQuery<AdminDocument[]>({
    queryKey: adminKeys.recentUploads(),
    queryFn: () => [],
    enabled: false,
    initialData: [],
  });
  const documents = useMemo(() => {
    const listed = list.data?.pages.flatMap((p) => p.documents) ?? [];
    if (filter || !list.isSuccess) return listed.map((doc) => ({ doc, pinned: false }));
    const ids = new Set(listed.map((d) => d.id));
    return [
      ...recent.data.filter((d) => !ids.has(d.id)).map((doc) => ({ doc, pinned: true })),
      ...listed.map((doc) => ({ doc, pinned: false })),
    ];
  }, [list.data, list.isSuccess, recent.data, filter]);

  const remove = useMutation({
    mutationFn: (doc: AdminDocument) => deleteDocument(doc.id),
    onSuccess: (_, doc) => {
      setPendingDelete(null);
      queryClient.setQueryData<AdminDocument[]>(adminKeys.recentUploads(), (recent = []) =>
        recent.filter((d) => d.id !== doc.id),
      );
      // The overview's counts are rendered on the server.
      router.refresh();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.documents() }),
  });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft.trim());
  };

  return (
    <section
      aria-labelledby="documents-heading"
      className="rounded-xl border border-border bg-surface p-4 sm:p-5"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="documents-heading" className="font-semibold text-base">
          Documents
        </h2>
        {sortable ? (
          <label className="flex items-center gap-2 text-muted text-sm">
            Sort by
            <select
              data-testid="document-sort"
              value={sort}
              onChange={(e) => setSort(documentSortSchema.parse(e.target.value))}
              className={`rounded-md border border-border bg-background px-2 py-1 text-foreground text-sm ${focusRing}`}
            >
              {documentSortSchema.options.map((option) => (
                <option key={option} value={option}>
                  {DOCUMENT_SORT_LABELS[option]}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p className="text-muted text-xs">
            In Vectara&apos;s order (Vectara&apos;s list takes none).
          </p>
        )}
      </div>

      <form onSubmit={apply} className="mt-3 flex flex-wrap items-start gap-2">
        <label htmlFor="document-filter" className="sr-only">
          Metadata filter
        </label>
        <input
          id="document-filter"
          data-testid="document-filter"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="doc.category = 'billing'"
          spellCheck={false}
          aria-invalid={list.isError || undefined}
          aria-describedby="document-filter-help document-list-error"
          className={`min-w-0 flex-1 rounded-md border border-border bg-background px-3 py-1.5 font-mono text-sm placeholder:text-muted aria-invalid:border-danger ${focusRing}`}
        />
        <Button type="submit" data-testid="apply-filter">
          Filter
        </Button>
        {filter && (
          <Button
            variant="ghost"
            onClick={() => {
              setDraft("");
              setFilter("");
            }}
          >
            Clear
          </Button>
        )}
      </form>
      <p id="document-filter-help" className="mt-1.5 text-muted text-xs">
        Vectara filter syntax on document metadata, e.g.{" "}
        <code className="font-mono">doc.category = &apos;billing&apos;</code> or{" "}
        <code className="font-mono">doc.updated &gt; &apos;2026-01-01&apos;</code>.
      </p>

      <div id="document-list-error" aria-live="polite">
        {list.isError && (
          <Alert id="document-list-error" data-testid="document-list-error" className="mt-3">
            {list.error.message}
          </Alert>
        )}
      </div>

      <div className="mt-4 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-border border-b text-muted text-xs uppercase tracking-wider">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                Document
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Category
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Last updated
              </th>
              <th
                scope="col"
                className="py-2 pr-3 text-right font-medium"
                title="The UTF-8 bytes of the document's indexed text; metadata not counted"
              >
                Text size
              </th>
              <th scope="col" className="py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {documents.map(({ doc, pinned }) => (
              <tr
                key={doc.id}
                data-testid="document-row"
                data-document-id={doc.id}
                data-indexed-at={doc.indexedAt}
                data-just-uploaded={pinned || undefined}
                className={pinned ? "bg-brand-soft/40" : undefined}
              >
                <td className="max-w-0 py-2 pr-3 sm:w-1/2">
                  <div className="truncate font-medium">{doc.title ?? doc.id}</div>
                  <div className="truncate font-mono text-muted text-xs">
                    {pinned && (
                      <span className="mr-1.5 rounded bg-brand-soft px-1 font-sans text-brand">
                        Just uploaded
                      </span>
                    )}
                    {doc.id}
                  </div>
                </td>
                <td className="py-2 pr-3">
                  {doc.category ? (
                    <span className="rounded-full bg-brand-soft px-2 py-0.5 text-brand text-xs">
                      {doc.category}
                    </span>
                  ) : (
                    <span className="text-muted">—</span>
                  )}
                </td>
                <td className="whitespace-nowrap py-2 pr-3 text-muted tabular-nums">
                  <Updated doc={doc} />
                </td>
                <td
                  data-testid="document-size"
                  title={
                    doc.bytes === undefined ? "Size unknown" : `${doc.bytes} bytes of indexed text`
                  }
                  className="whitespace-nowrap py-2 pr-3 text-right text-muted tabular-nums"
                >
                  {formatBytes(doc.bytes)}
                </td>
                <td className="py-2 text-right">
                  <Button
                    variant="icon"
                    data-testid="delete-document"
                    aria-label={`Delete ${doc.title ?? doc.id}`}
                    onClick={() => {
                      remove.reset();
                      setPendingDelete(doc);
                    }}
                    className="hover:text-danger"
                  >
                    <TrashIcon className="size-4" />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.isPending && (
          <p className="py-6 text-center text-muted text-sm">Loading documents…</p>
        )}
        {list.isSuccess && documents.length === 0 && (
          <p data-testid="document-list-empty" className="py-6 text-center text-muted text-sm">
            {filter ? "No document matches this filter." : "The corpus has no documents."}
          </p>
        )}
      </div>

      {list.hasNextPage && (
        <div className="mt-3 flex justify-center">
          <Button
            data-testid="load-more"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
          >
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}

      {pendingDelete && (
        <DeleteDocumentDialog
          document={pendingDelete}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(pendingDelete)}
          onCancel={() => setPendingDelete(null)}
        />
      )}
    </section>
  );
}

/**
 * When the corpus last changed the document (its indexing: an upload, a re-upload) and,
 * beneath, the date the article itself states (`updated` metadata), when it differs.
 */
function Updated({ doc }: { doc: AdminDocument }) {
  const indexed = formatDateTime(doc.indexedAt);
  // Vectara's list (and an upload's answer) says nothing of when it was indexed.
  if (!indexed) return <>{doc.updated ? `article dated ${doc.updated}` : "—"}</>;
  return (
    <>
      <div data-testid="document-indexed-at">{indexed}</div>
      {doc.updated && <div className="text-xs">article dated {doc.updated}</div>}
    </>
  );
}
