import type { ReactNode } from "react";
import { VisuallyHidden } from "./visually-hidden";

/**
 * A placeholder bar or box while a page loads. It pulses, unless the user asked for less
 * motion. `className` gives it a size and, if it needs one, a shape (rounded-full, rounded-xl).
 */
export function Skeleton({ className = "" }: { className?: string }) {
  return (
    <div
      className={`animate-pulse rounded-md bg-border/60 motion-reduce:animate-none ${className}`}
    />
  );
}

/**
 * A route's `loading.tsx`: the page's shape in placeholders, announced once as a status
 * ("Loading the audit log…"). The placeholders are empty, so assistive technology reads
 * the label only. Static text the page will show anyway (its heading) belongs outside.
 */
export function PageLoading({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div role="status" data-testid="page-loading" className={className}>
      <VisuallyHidden>{label}</VisuallyHidden>
      {children}
    </div>
  );
}

/**
 * A table's placeholder in the console's style: the bordered box, the muted header row,
 * `rows` rows. `columns` are the cells' widths (Tailwind classes), one per column.
 */
export function TableSkeleton({
  columns,
  rows = 5,
  className = "",
}: {
  columns: readonly string[];
  rows?: number;
  className?: string;
}) {
  return (
    <div className={`overflow-hidden rounded-xl border border-border bg-surface ${className}`}>
      <div className="flex gap-4 bg-surface-muted px-4 py-2.5">
        {columns.map((width, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
          <Skeleton key={i} className={`h-3 ${width}`} />
        ))}
      </div>
      {Array.from({ length: rows }, (_, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
        <div key={row} className="flex gap-4 border-border border-t px-4 py-4">
          {columns.map((width, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of placeholders
            <Skeleton key={i} className={`h-4 ${width}`} />
          ))}
        </div>
      ))}
    </div>
  );
}
