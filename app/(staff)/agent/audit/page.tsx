import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { AuditFilters, AuditLogTable } from "@/components/agent/audit-log";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { requireStaffPage } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { getVectaraClient } from "@/lib/server/vectara";
import { type AuditLogEntry, InvalidAuditCursorError, listAuditLog } from "@/lib/staff/audit";

export const metadata: Metadata = { title: "Audit log" };

const searchSchema = z.object({
  chat_id: z.string().trim().max(200).optional().catch(undefined),
  actor: z.string().trim().max(254).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  cursor: z.string().max(500).optional().catch(undefined),
});

type Page = { entries: AuditLogEntry[]; nextCursor: string | null };

/** `/agent/audit`: every moderation, newest first, filterable (agents and up may read it). */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireStaffPage("agent");
  const raw = await searchParams;
  const filters = searchSchema.parse(
    Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
  );
  const chatId = filters.chat_id ? chatIdSchema.safeParse(filters.chat_id) : undefined;
  let page: Page = { entries: [], nextCursor: null };
  let problem: string | null = null;
  if (chatId && !chatId.success) {
    problem = "That is not a chat id (they look like cht_…).";
  } else {
    try {
      page = await listAuditLog({
        client: getVectaraClient(),
        chatId: chatId?.data,
        actorEmail: filters.actor || undefined,
        reasonContains: filters.q || undefined,
        cursor: filters.cursor,
        limit: 50,
      });
    } catch (error) {
      if (!(error instanceof InvalidAuditCursorError)) throw error;
      problem = "That page link is no longer valid; showing the newest entries.";
      page = await listAuditLog({ client: getVectaraClient(), limit: 50 });
    }
  }
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, cursor: page.nextCursor ?? "" })) {
    if (v) next.set(k, v);
  }

  return (
    <div>
      <h1 className="font-semibold text-2xl tracking-tight">Audit log</h1>
      <p className="mt-1 text-muted text-sm">
        Every turn a moderator disabled: who, when, why, which turns, and what changed for the
        visitor.
      </p>
      <AuditFilters values={filters} />
      {problem && (
        <Alert tone="warning" size="md" className="mt-4">
          {problem}
        </Alert>
      )}
      <AuditLogTable entries={page.entries} />
      {page.nextCursor && (
        <div className="mt-4 flex justify-center">
          <Link
            href={`/agent/audit?${next}`}
            data-testid="load-more"
            className={`rounded-md border border-border bg-surface px-3 py-1.5 font-medium text-sm ${focusRing}`}
          >
            Older entries
          </Link>
        </div>
      )}
    </div>
  );
}
