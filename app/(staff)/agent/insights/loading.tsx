import { PageLoading, Skeleton } from "@/components/ui/skeleton";

/** The insights while they load: the heading, the period switch, the totals and the charts. */
export default function InsightsLoading() {
  return (
    <div>
      <h1 className="font-semibold text-2xl tracking-tight">Insights</h1>
      <PageLoading label="Loading the insights…">
        <Skeleton className="mt-2 h-4 w-72" />
        <div className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {["questions", "answered", "not-found", "thumbs", "low", "first-token"].map((k) => (
            <Skeleton key={k} className="h-16 rounded-xl" />
          ))}
        </div>
        <div className="mt-6 grid gap-4 lg:grid-cols-2">
          {["questions", "answered", "feedback", "low", "moderated", "first-token"].map((k) => (
            <Skeleton key={k} className="h-52 rounded-xl" />
          ))}
        </div>
      </PageLoading>
    </div>
  );
}
