import { PageLoading, Skeleton } from "@/components/ui/skeleton";

const PARAGRAPHS = [
  ["w-full", "w-full", "w-11/12", "w-3/5"],
  ["w-full", "w-10/12", "w-full", "w-2/3"],
];

/** An article while it loads: the reader's header, a heading and paragraphs. */
export default function ArticleLoading() {
  return (
    <div className="relative min-h-0 flex-1 overflow-hidden">
      <div className="mx-auto w-full max-w-3xl px-4 py-6 sm:px-8 sm:py-10">
        <p className="font-medium text-muted text-xs uppercase tracking-wider">Knowledge base</p>
        <PageLoading label="Loading the article…">
          <div className="border-border border-b pb-5">
            <Skeleton className="mt-2 h-8 w-2/3 sm:h-9" />
            <div className="mt-3 flex items-center gap-3">
              <Skeleton className="h-5 w-16 rounded-full" />
              <Skeleton className="h-4 w-44" />
            </div>
          </div>
          <div className="mt-6 flex flex-col gap-8">
            {PARAGRAPHS.map((lines, p) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
              <div key={p} className="flex flex-col gap-3">
                {p > 0 && <Skeleton className="mb-2 h-6 w-1/3" />}
                {lines.map((width, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
                  <Skeleton key={i} className={`h-4 ${width}`} />
                ))}
              </div>
            ))}
          </div>
        </PageLoading>
      </div>
    </div>
  );
}
