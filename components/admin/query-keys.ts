/** TanStack Query keys of the admin pages, so that every mutation knows what to invalidate. */
export const adminKeys = {
  all: ["admin"] as const,
  documents: () => [...adminKeys.all, "documents"] as const,
  /** Documents uploaded in this page's lifetime, newest first: set by the uploader, never fetched. */
  recentUploads: () => [...adminKeys.all, "recent-uploads"] as const,
  documentList: (filter: string, sort: string) =>
    [...adminKeys.documents(), { filter, sort }] as const,
};
