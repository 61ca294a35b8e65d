import { PageLoading, Skeleton } from "@/components/ui/skeleton";

const card = "rounded-xl border border-border bg-surface p-4 sm:p-5";

/** Staff accounts while they load, below the admin layout's heading and tabs. */
export default function AdminUsersLoading() {
  return (
    <PageLoading label="Loading staff accounts…" className="flex flex-col gap-5">
      <div className={card}>
        <Skeleton className="h-5 w-36" />
        <div className="mt-3 flex gap-4 border-border border-b py-2.5">
          {["flex-[3]", "flex-[1.5]", "flex-[0.8]", "flex-1", "w-16"].map((width, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
            <Skeleton key={i} className={`h-3 ${width}`} />
          ))}
        </div>
        {[0, 1, 2].map((row) => (
          <div
            key={row}
            className="flex items-center gap-4 border-border border-b py-3 last:border-b-0"
          >
            <Skeleton className="h-4 flex-[3]" />
            <div className="flex-[1.5]">
              <Skeleton className="h-7 w-26" />
            </div>
            <div className="flex-[0.8]">
              <Skeleton className="h-5 w-12 rounded-full" />
            </div>
            <Skeleton className="h-4 flex-1" />
            <Skeleton className="h-4 w-16" />
          </div>
        ))}
      </div>
      <div className={card}>
        <Skeleton className="h-5 w-28" />
        <div className="mt-3.5 flex flex-wrap items-end gap-3">
          {["flex-[2]", "flex-[1.1]", "flex-[2]"].map((width, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
            <div key={i} className={`flex min-w-40 flex-col gap-2 ${width}`}>
              <Skeleton className="h-4 w-24" />
              <Skeleton className="h-8.5 w-full" />
            </div>
          ))}
          <Skeleton className="h-8.5 w-20" />
        </div>
      </div>
    </PageLoading>
  );
}
