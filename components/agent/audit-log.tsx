import Link from "next/link";
import { focusRing } from "@/components/ui/button";
import {
  type AuditedTurn,
  type AuditLogEntry,
  describeChange,
  summarizeTurns,
} from "@/lib/staff/audit-format";

const when = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

/** The audit log's table: one row per moderation, newest first. */
export function AuditLogTable({ entries }: { entries: AuditLogEntry[] }) {
  return (
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
              Turns disabled
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Change
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Reason
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <AuditRow key={e.auditId} entry={e} />
          ))}
        </tbody>
      </table>
      {entries.length === 0 && (
        <p className="px-4 py-6 text-center text-muted text-sm">No moderation matches.</p>
      )}
    </div>
  );
}

/** One moderation: when, who, which turns (by number, with their questions), what changed, why. */
export function AuditRow({ entry }: { entry: AuditLogEntry }) {
  const [first, ...later] = entry.turns;
  return (
    <tr
      data-testid="audit-row"
      data-chat-id={entry.chatId ?? ""}
      className="border-border border-t align-top"
    >
      <td className="whitespace-nowrap py-3 pr-4 pl-4 text-muted text-xs tabular-nums">
        {when.format(entry.createdAt)}
      </td>
      <td className="py-3 pr-4">{entry.actorEmail}</td>
      <td className="min-w-64 max-w-md py-3 pr-4">
        <div data-testid="audit-turns" className="font-semibold">
          {summarizeTurns(entry.turns)}
        </div>
        {first && <Question turn={first} />}
        {later.length > 0 && (
          <details className="mt-1 text-xs">
            <summary className={`cursor-pointer rounded text-muted hover:text-brand ${focusRing}`}>
              and {later.length} later {later.length === 1 ? "question" : "questions"}
            </summary>
            <ul className="mt-1 space-y-1">
              {later.map((t) => (
                <li key={t.turnId}>
                  <Question turn={t} />
                </li>
              ))}
            </ul>
          </details>
        )}
        <Conversation entry={entry} />
      </td>
      <td data-testid="audit-change" className="max-w-xs py-3 pr-4 text-sm">
        {describeChange(entry.turns)}
      </td>
      <td className="max-w-sm whitespace-pre-wrap py-3 pr-4">{entry.reason}</td>
    </tr>
  );
}

function Question({ turn }: { turn: AuditedTurn }) {
  return (
    <p data-testid="audit-question" className="mt-1 flex gap-1.5 text-sm">
      {turn.number !== null && (
        <span className="shrink-0 text-muted tabular-nums">{turn.number}.</span>
      )}
      {turn.query !== null ? (
        <q className="line-clamp-2 break-words" title={turn.query}>
          {turn.query}
        </q>
      ) : (
        <span className="text-muted italic">question no longer known</span>
      )}
    </p>
  );
}

/** The conversation: a link while it exists; after it was deleted, its id and the fact. */
function Conversation({ entry }: { entry: AuditLogEntry }) {
  if (!entry.chatId) return null;
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2 text-xs">
      {entry.conversation === "deleted" ? (
        <>
          <span className="max-w-48 truncate font-mono text-muted" title={entry.chatId}>
            {entry.chatId}
          </span>
          <span
            data-testid="audit-chat-deleted"
            className="rounded-full bg-warning-soft px-2 py-0.5 text-warning-foreground"
          >
            Conversation deleted
          </span>
        </>
      ) : (
        <>
          <Link
            href={`/agent/chats/${entry.chatId}`}
            data-testid="audit-chat-link"
            className={`rounded font-medium text-brand hover:underline ${focusRing}`}
          >
            Open conversation
          </Link>
          <span className="max-w-48 truncate font-mono text-muted" title={entry.chatId}>
            {entry.chatId}
          </span>
          {entry.conversation === "unknown" && (
            <span className="text-muted">(Vectara could not say whether it still exists)</span>
          )}
        </>
      )}
    </div>
  );
}

/** "Older entries": the next page of the log, with the same filters, as a plain link. */
export function AuditOlderLink({
  filters,
  nextCursor,
}: {
  filters: { chat_id?: string; actor?: string; q?: string };
  nextCursor: string | null;
}) {
  if (!nextCursor) return null;
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, cursor: nextCursor })) {
    if (v) next.set(k, v);
  }
  return (
    <div className="mt-4 flex justify-center">
      <Link
        href={`/agent/audit?${next}`}
        data-testid="load-more"
        className={`rounded-md border border-border bg-surface px-3 py-1.5 font-medium text-sm ${focusRing}`}
      >
        Older entries
      </Link>
    </div>
  );
}

/** The filter form: a plain GET form, so filters live in the URL and work without script. */
export function AuditFilters({
  values,
}: {
  values: { chat_id?: string; actor?: string; q?: string };
}) {
  return (
    <form method="get" className="mt-6 flex flex-wrap items-end gap-3" data-testid="audit-filter">
      <Field name="chat_id" label="Chat id" placeholder="cht_…" value={values.chat_id} />
      <Field name="actor" label="Moderator" placeholder="name@example.com" value={values.actor} />
      <Field name="q" label="Reason contains" placeholder="a word" value={values.q} />
      <button
        type="submit"
        className={`rounded-md bg-brand px-3 py-2 font-medium text-brand-foreground text-sm ${focusRing}`}
      >
        Filter
      </button>
      <Link href="/agent/audit" className={`rounded-md px-2 py-2 text-muted text-sm ${focusRing}`}>
        Clear
      </Link>
    </form>
  );
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
