import { PageLoading, Skeleton } from "@/components/ui/skeleton";

const card = "rounded-xl border border-border bg-surface p-4 sm:p-5";

/**
 * The corpus page while it loads, below the admin layout's heading and tabs: the
 * overview's figures, the uploader, the document list.
 */
export default function AdminLoading() {
  return (
    <PageLoading label="Loading the corpus…" className="flex flex-col gap-5">
      <div className={card}>
        <div className="flex items-center justify-between gap-4">
          <Skeleton className="h-5 w-48" />
          <Skeleton className="h-3 w-20" />
        </div>
        <Skeleton className="mt-2.5 h-4 w-80 max-w-full" />
        <div className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {["documents", "parts", "characters", "metadata"].map((stat) => (
            <div
              key={stat}
              className="flex h-15.5 flex-col gap-2 rounded-lg bg-surface-muted px-3 py-2.5"
            >
              <Skeleton className="h-3 w-20" />
              <Skeleton className="h-5 w-14" />
            </div>
          ))}
        </div>
        <Skeleton className="mt-5 h-3 w-32" />
        <div className="mt-2.5 flex flex-wrap gap-2">
          {["w-32", "w-40", "w-32", "w-48", "w-44"].map((width, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
            <Skeleton key={i} className={`h-5.5 ${width}`} />
          ))}
        </div>
      </div>
      <div className={card}>
        <Skeleton className="h-5 w-40" />
        <div className="mt-3 h-26.5 rounded-xl border-2 border-border border-dashed bg-surface-muted" />
      </div>
      <div className={card}>
        <div className="flex items-center justify-between gap-4">
          <Skeleton className="h-5 w-28" />
          <Skeleton className="h-7 w-52" />
        </div>
        <Skeleton className="mt-3 h-8.5 w-full" />
        <div className="mt-6 flex flex-col gap-5">
          {[0, 1, 2, 3, 4].map((row) => (
            <div key={row} className="flex gap-4">
              <Skeleton className="h-4 flex-[3]" />
              <Skeleton className="h-4 flex-1" />
              <Skeleton className="h-4 flex-1" />
              <Skeleton className="h-4 flex-1" />
            </div>
          ))}
        </div>
      </div>
    </PageLoading>
  );
}
