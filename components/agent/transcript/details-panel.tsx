import type { ReactNode } from "react";
import { exportUrl } from "@/components/staff/api";
import { focusRing } from "@/components/ui/button";
import { FileTextIcon } from "@/components/ui/icons";
import type { Transcript } from "@/lib/staff/review";
import { CopyButton } from "./copy-button";
import { formatDateTime, isoOf } from "./format";
import { HandoffPanel } from "./handoff-panel";
import { NotesPanel } from "./notes-panel";
import { ReviewForm } from "./review-form";
import type { StaffOption } from "./types";

/** The right-hand column: a handoff, who and when, the review, exports and internal notes. */
export function DetailsPanel({
  transcript,
  staff,
}: {
  transcript: Transcript;
  staff: StaffOption[];
}) {
  const { chat, ownerId, review, notes, handoff } = transcript;
  return (
    <div className="grid gap-4">
      {handoff && (
        <Card title="Handoff" hint="The contact is staff-only">
          <HandoffPanel chatId={chat.id} initial={handoff} />
        </Card>
      )}
      <Card title="Details">
        <dl className="grid grid-cols-[5rem_minmax(0,1fr)] items-center gap-x-3 gap-y-2 text-sm">
          <dt className="text-muted">Chat id</dt>
          <dd className="flex min-w-0 items-center gap-1">
            <code data-testid="chat-id" className="min-w-0 break-all font-mono text-xs">
              {chat.id}
            </code>
            <CopyButton value={chat.id} label="Copy chat id" />
          </dd>
          <dt className="text-muted">Owner</dt>
          <dd data-testid="chat-owner" className="min-w-0">
            {ownerId ? (
              <code className="block break-all font-mono text-xs">{ownerId}</code>
            ) : (
              <span className="text-muted">Started outside Parley</span>
            )}
          </dd>
          <dt className="text-muted">Created</dt>
          <dd>
            <time dateTime={isoOf(chat.createdAt)}>{formatDateTime(chat.createdAt)}</time>
          </dd>
        </dl>
      </Card>

      <Card title="Review">
        <ReviewForm
          chatId={chat.id}
          initialStatus={review.status}
          initialAssigneeId={review.assigneeId}
          assigneeEmail={review.assigneeEmail}
          staff={staff}
        />
      </Card>

      <Card title="Export">
        <div className="flex flex-wrap gap-2">
          <ExportLink href={exportUrl(chat.id, "json")} testId="export-json">
            JSON
          </ExportLink>
          <ExportLink href={exportUrl(chat.id, "md")} testId="export-md">
            Markdown
          </ExportLink>
        </div>
      </Card>

      <Card title="Internal notes" hint="Visible to staff only">
        <NotesPanel chatId={chat.id} initialNotes={notes} />
      </Card>
    </div>
  );
}

function Card({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-border bg-surface p-4">
      <h2 className="mb-3 flex items-baseline justify-between gap-2 font-semibold text-muted text-xs uppercase tracking-wider">
        {title}
        {hint && <span className="font-normal text-muted normal-case tracking-normal">{hint}</span>}
      </h2>
      {children}
    </section>
  );
}

function ExportLink({
  href,
  testId,
  children,
}: {
  href: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <a
      href={href}
      download
      data-testid={testId}
      className={`inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-3 py-1.5 font-medium text-sm hover:bg-surface-muted ${focusRing}`}
    >
      <FileTextIcon className="size-4 text-muted" />
      {children}
    </a>
  );
}
