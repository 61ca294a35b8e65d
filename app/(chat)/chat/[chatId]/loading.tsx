import { PageLoading, Skeleton } from "@/components/ui/skeleton";

/** The conversation while it loads: a question, an answer with its sources, the composer. */
export default function ChatLoading() {
  return (
    <PageLoading label="Loading the conversation…" className="flex min-h-0 flex-1 flex-col">
      <div className="min-h-0 flex-1 overflow-hidden">
        <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6 sm:px-6">
          <div className="flex justify-end">
            <Skeleton className="h-11 w-80 max-w-[85%] rounded-2xl rounded-br-md" />
          </div>
          <div className="flex gap-3">
            <Skeleton className="mt-0.5 size-8 shrink-0 rounded-lg max-sm:hidden" />
            <div className="flex min-w-0 flex-1 flex-col gap-3 pt-1.5">
              <Skeleton className="h-4 w-full" />
              <Skeleton className="h-4 w-11/12" />
              <Skeleton className="h-4 w-2/5" />
              <Skeleton className="mt-2 h-6 w-48 rounded-full" />
              <Skeleton className="mt-5 h-3 w-16" />
              <Skeleton className="h-44 w-full rounded-xl" />
            </div>
          </div>
        </div>
      </div>
      <div className="shrink-0 border-border border-t bg-background/80 px-4 pt-3 pb-4 sm:px-6">
        <div className="mx-auto flex w-full max-w-3xl items-end gap-2 rounded-2xl border border-border bg-surface p-2 shadow-sm">
          <div className="h-10 flex-1" />
          <Skeleton className="size-10 shrink-0 rounded-xl" />
        </div>
        <div className="mx-auto mt-2 h-4 max-w-3xl" />
      </div>
    </PageLoading>
  );
}
