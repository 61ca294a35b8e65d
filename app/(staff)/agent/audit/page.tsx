import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { focusRing } from "@/components/ui/button";
import { requireStaffPage } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { type AuditEntry, getAppDb, InvalidAuditCursorError, listAuditEntries } from "@/lib/db";

export const metadata: Metadata = { title: "Audit log" };

const searchSchema = z.object({
  chat_id: z.string().trim().max(200).optional().catch(undefined),
  actor: z.string().trim().max(254).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  cursor: z.string().max(500).optional().catch(undefined),
});

const when = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

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
  let page: { entries: AuditEntry[]; nextCursor: string | null } = {
    entries: [],
    nextCursor: null,
  };
  let problem: string | null = null;
  if (chatId && !chatId.success) {
    problem = "That is not a chat id (they look like cht_…).";
  } else {
    try {
      page = await listAuditEntries({
        db: await getAppDb(),
        chatId: chatId?.data,
        actorEmail: filters.actor || undefined,
        reasonContains: filters.q || undefined,
        cursor: filters.cursor,
        limit: 50,
      });
    } catch (error) {
      if (!(error instanceof InvalidAuditCursorError)) throw error;
      problem = "That page link is no longer valid; showing the newest entries.";
      page = await listAuditEntries({ db: await getAppDb(), limit: 50 });
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
        Every turn a moderator disabled: who, when, why, and what the turns were before.
      </p>
      <form method="get" className="mt-6 flex flex-wrap items-end gap-3" data-testid="audit-filter">
        <Field name="chat_id" label="Chat id" placeholder="cht_…" value={filters.chat_id} />
        <Field
          name="actor"
          label="Moderator"
          placeholder="name@example.com"
          value={filters.actor}
        />
        <Field name="q" label="Reason contains" placeholder="a word" value={filters.q} />
        <button
          type="submit"
          className={`rounded-md bg-brand px-3 py-2 font-medium text-brand-foreground text-sm ${focusRing}`}
        >
          Filter
        </button>
        <Link
          href="/agent/audit"
          className={`rounded-md px-2 py-2 text-muted text-sm ${focusRing}`}
        >
          Clear
        </Link>
      </form>
      {problem && (
        <p
          role="alert"
          className="mt-4 rounded-lg bg-warning-soft px-4 py-3 text-sm text-warning-foreground"
        >
          {problem}
        </p>
      )}
      <div className="mt-4 overflow-x-auto rounded-xl border border-border bg-surface">
        <table data-testid="audit-log" className="w-full border-collapse text-sm">
          <thead className="bg-surface-muted text-left text-muted text-xs uppercase tracking-wider">
            <tr>
              <th scope="col" className="py-2 pr-4 pl-4 font-medium">
                When (UTC)
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                Moderator
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                Conversation
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                Turns disabled
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                Reason
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                Before
              </th>
            </tr>
          </thead>
          <tbody>
            {page.entries.map((e) => (
              <tr
                key={e.auditId}
                data-testid="audit-row"
                data-chat-id={e.chatId ?? ""}
                className="border-border border-t align-top"
              >
                <td className="whitespace-nowrap py-3 pr-4 pl-4 text-muted text-xs tabular-nums">
                  {when.format(e.createdAt)}
                </td>
                <td className="py-3 pr-4">{e.actorEmail}</td>
                <td className="py-3 pr-4 font-mono text-xs">
                  {e.chatId ? (
                    <Link
                      href={`/agent/chats/${e.chatId}`}
                      className={`rounded hover:text-brand ${focusRing}`}
                    >
                      {e.chatId}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="py-3 pr-4 font-mono text-xs">{e.turnIds.join(", ")}</td>
                <td className="max-w-sm py-3 pr-4 whitespace-pre-wrap">{e.reason}</td>
                <td className="py-3 pr-4 text-muted text-xs">{describePrior(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.entries.length === 0 && (
          <p className="px-4 py-6 text-center text-muted text-sm">No moderation matches.</p>
        )}
      </div>
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

function describePrior(entry: AuditEntry): string {
  const enabled = entry.priorState.enabled;
  if (typeof enabled !== "object" || enabled === null) return "—";
  const values = Object.values(enabled as Record<string, unknown>);
  const on = values.filter((v) => v === true).length;
  return `${on} of ${values.length} enabled`;
}

function Field({
  name,
  label,
  placeholder,
  value,
}: {
  name: string;
  label: string;
  placeholder: string;
  value?: string;
}) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <input
        name={name}
        defaultValue={value}
        placeholder={placeholder}
        className="rounded-lg border border-border bg-surface px-3 py-2 text-sm outline-none focus-visible:border-brand focus-visible:ring-2 focus-visible:ring-brand/30"
      />
    </label>
  );
}
