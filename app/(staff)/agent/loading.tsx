import { PageLoading, Skeleton, TableSkeleton } from "@/components/ui/skeleton";

/** The console while it loads: its heading as the page has it, the views, the table. */
export default function ConversationsLoading() {
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="font-semibold text-2xl tracking-tight">Conversations</h1>
          <p className="mt-1 text-muted text-sm">
            Every visitor conversation, with the answers&rsquo; scores, sources and feedback.
          </p>
        </div>
        <Skeleton className="h-10 w-64 rounded-lg" />
      </div>
      <PageLoading label="Loading conversations…" className="mt-6">
        {/* The queue's explanation: two lines of text-sm (40px) on a wide screen. */}
        <div className="mb-3 flex flex-col gap-2 py-0.5">
          <Skeleton className="h-3.5 w-full" />
          <Skeleton className="h-3.5 w-1/6" />
        </div>
        <TableSkeleton
          columns={["flex-[3]", "flex-[2]", "w-10", "flex-1", "flex-[2]", "flex-1", "flex-1"]}
        />
      </PageLoading>
    </div>
  );
}
