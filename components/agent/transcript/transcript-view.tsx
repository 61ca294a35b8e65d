import Link from "next/link";
import { focusRing } from "@/components/ui/button";
import { ChevronDownIcon } from "@/components/ui/icons";
import type { Transcript } from "@/lib/staff/review";
import { DetailsPanel } from "./details-panel";
import { transcriptTitle } from "./format";
import { TurnList } from "./turn-list";
import type { StaffOption } from "./types";

/**
 * The transcript page's frame: the conversation on the left, its details (review,
 * export, internal notes) in a column on the right that stays in view on wide screens.
 */
export function TranscriptView({
  transcript,
  staff,
  canModerate,
}: {
  transcript: Transcript;
  staff: StaffOption[];
  canModerate: boolean;
}) {
  const { chat, turns } = transcript;
  const disabled = turns.filter((t) => !t.enabled).length;
  const title = transcriptTitle(transcript);

  return (
    <div data-testid="agent-transcript" data-chat-id={chat.id}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Link
          href="/agent"
          className={`-ml-1.5 inline-flex items-center gap-1 rounded-md px-1.5 py-1 font-medium text-muted text-sm hover:text-foreground ${focusRing}`}
        >
          <ChevronDownIcon className="size-4 rotate-90" />
          Back to conversations
        </Link>
        <a
          href="#conversation-details"
          className={`rounded-md px-1.5 py-1 font-medium text-brand text-sm hover:underline lg:hidden ${focusRing}`}
        >
          Details &amp; notes
        </a>
      </div>

      <header className="mt-3 mb-5 border-border border-b pb-4">
        <p className="font-medium text-muted text-xs uppercase tracking-wider">Conversation</p>
        <h1 className="mt-1 line-clamp-2 font-semibold text-xl leading-snug tracking-tight">
          {title}
        </h1>
        <p className="mt-1.5 flex flex-wrap gap-x-3 gap-y-1 text-muted text-sm">
          <span>
            {turns.length} {turns.length === 1 ? "turn" : "turns"}
          </span>
          {disabled > 0 && (
            <span className="text-warning-foreground">{disabled} disabled by a moderator</span>
          )}
          {!chat.enabled && <span>Closed to new turns</span>}
        </p>
      </header>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_21rem] lg:items-start">
        <section aria-labelledby="transcript-heading" className="min-w-0">
          <h2 id="transcript-heading" className="sr-only">
            Transcript
          </h2>
          {turns.length === 0 ? (
            <p className="rounded-xl border border-border border-dashed p-6 text-center text-muted text-sm">
              This conversation has no turns.
            </p>
          ) : (
            <TurnList chatId={chat.id} turns={turns} canModerate={canModerate} />
          )}
        </section>

        <aside
          id="conversation-details"
          aria-label="Conversation details"
          className="scroll-mt-20 lg:sticky lg:top-20 lg:max-h-[calc(100dvh-6rem)] lg:overflow-y-auto lg:pr-1"
        >
          <DetailsPanel transcript={transcript} staff={staff} />
        </aside>
      </div>
    </div>
  );
}
