import type { Metadata } from "next";
import { AuditFilters, AuditLogTable, AuditOlderLink } from "@/components/agent/audit-log";
import { Alert } from "@/components/ui/alert";
import { requireStaffPage } from "@/lib/auth/staff";
import { getVectaraClient } from "@/lib/server/vectara";
import { auditSearchSchema, readAuditPage } from "@/lib/staff/audit";

export const metadata: Metadata = { title: "Audit log" };

/** `/agent/audit`: every moderation, newest first, filterable (agents and up may read it). */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireStaffPage("agent");
  const raw = await searchParams;
  const search = auditSearchSchema.parse(
    Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
  );
  const { page, problem } = await readAuditPage({ client: getVectaraClient(), search });

  return (
    <div>
      <h1 className="font-semibold text-2xl tracking-tight">Audit log</h1>
      <p className="mt-1 text-muted text-sm">
        Every turn a moderator disabled: who, when, why, which turns, and what changed for the
        visitor.
      </p>
      <AuditFilters values={search} />
      {problem && (
        <Alert tone="warning" size="md" className="mt-4">
          {problem}
        </Alert>
      )}
      <AuditLogTable entries={page.entries} />
      <AuditOlderLink filters={search} nextCursor={page.nextCursor} />
    </div>
  );
}
