import { PageLoading, Skeleton, TableSkeleton } from "@/components/ui/skeleton";

/** The audit log while it loads: its heading as the page has it, the filters, the table. */
export default function AuditLoading() {
  return (
    <div>
      <h1 className="font-semibold text-2xl tracking-tight">Audit log</h1>
      <p className="mt-1 text-muted text-sm">
        Every turn a moderator disabled: who, when, why, which turns, and what changed for the
        visitor.
      </p>
      <PageLoading label="Loading the audit log…">
        <div className="mt-6 flex flex-wrap items-end gap-3">
          {["Chat id", "Moderator", "Reason"].map((field) => (
            <div key={field} className="flex w-50 flex-col gap-2">
              <Skeleton className="h-4 w-20" />
              <Skeleton className="h-9.5 w-full rounded-lg" />
            </div>
          ))}
          <Skeleton className="h-9 w-16 rounded-md" />
        </div>
        <TableSkeleton
          className="mt-4"
          columns={["flex-[2]", "flex-[2]", "flex-[3]", "flex-[1.5]", "flex-[1.5]"]}
        />
      </PageLoading>
    </div>
  );
}
