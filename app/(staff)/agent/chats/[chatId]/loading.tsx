import Link from "next/link";
import { focusRing } from "@/components/ui/button";
import { ChevronDownIcon } from "@/components/ui/icons";
import { PageLoading, Skeleton } from "@/components/ui/skeleton";

/** The transcript while it loads: the way back, the heading, turns on the left, details on the right. */
export default function TranscriptLoading() {
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Link
          href="/agent"
          className={`-ml-1.5 inline-flex items-center gap-1 rounded-md px-1.5 py-1 font-medium text-muted text-sm hover:text-foreground ${focusRing}`}
        >
          <ChevronDownIcon className="size-4 rotate-90" />
          Back to conversations
        </Link>
      </div>
      <PageLoading label="Loading the conversation…">
        {/* Each line as tall as the page's own: the label, the h1 (text-xl, snug), the count. */}
        <div className="mt-3 mb-5 border-border border-b pb-4">
          <p aria-hidden="true" className="font-medium text-muted text-xs uppercase tracking-wider">
            Conversation
          </p>
          <div className="mt-1 flex h-[1.71875rem] items-center">
            <Skeleton className="h-5 w-96 max-w-full" />
          </div>
          <div className="mt-1.5 flex h-5 items-center">
            <Skeleton className="h-3.5 w-14" />
          </div>
        </div>
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_21rem] lg:items-start">
          <div className="grid gap-4">
            {[0, 1].map((turn) => (
              <div key={turn} className="rounded-xl border border-border bg-surface">
                <div className="flex items-center gap-3 border-border border-b px-4 py-2.5">
                  <Skeleton className="h-4 w-14" />
                  <Skeleton className="h-3 w-12" />
                  <Skeleton className="ml-auto h-7.5 w-28" />
                </div>
                <div className="px-4 py-3">
                  <Skeleton className="my-0.5 h-3 w-14" />
                  <Skeleton className="mt-1 h-9.5 w-full rounded-lg" />
                  <Skeleton className="mt-3.5 h-3 w-14" />
                  <div className="mt-2 flex flex-col gap-3">
                    <Skeleton className="h-4 w-full" />
                    <Skeleton className="h-4 w-3/4" />
                  </div>
                  <Skeleton className="mt-3.5 h-6.5 w-48 rounded-full" />
                </div>
              </div>
            ))}
          </div>
          {/* Details, review, export, notes: each card as tall as it renders. */}
          <div className="grid gap-4">
            {["h-22.5", "h-31.5", "h-9", "h-28"].map((height) => (
              <div key={height} className="rounded-xl border border-border bg-surface p-4">
                <Skeleton className="h-3 w-20" />
                <Skeleton className={`mt-3 w-full ${height}`} />
              </div>
            ))}
          </div>
        </div>
      </PageLoading>
    </div>
  );
}
