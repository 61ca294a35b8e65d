import Link from "next/link";
import { useScoreThresholds } from "@/components/providers";
import { focusRing } from "@/components/ui/button";
import { ThumbDownIcon, ThumbUpIcon } from "@/components/ui/icons";
import { fcsLevel } from "@/lib/chat/score-levels";
import type { ChatFlag, StaffChatRow, StaffSearchSnippet } from "./types";

const FLAG_LABELS: Record<ChatFlag, string> = {
  handoff: "Handoff",
  reported: "Reported",
  thumbs_down: "Thumbs down",
  low_score: "Low score",
  uncited: "No citations",
  moderated: "Moderated",
};

const FLAG_STYLES: Record<ChatFlag, string> = {
  handoff: "bg-brand text-brand-foreground",
  reported: "bg-danger-soft text-danger-foreground",
  thumbs_down: "bg-danger-soft text-danger-foreground",
  low_score: "bg-warning-soft text-warning-foreground",
  uncited: "bg-warning-soft text-warning-foreground",
  moderated: "bg-surface-muted text-muted",
};

const STATUS_STYLES = {
  open: "text-muted",
  reviewed: "text-positive-foreground",
  escalated: "text-danger font-semibold",
} as const;

const when = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

export function ChatRow({ row }: { row: StaffChatRow }) {
  return (
    <tr
      data-testid="chat-row"
      data-chat-id={row.chatId}
      className="border-border border-t align-top hover:bg-surface-muted/60"
    >
      <td className="max-w-md py-3 pr-4 pl-4">
        <Link
          href={`/agent/chats/${row.chatId}`}
          className={`line-clamp-2 rounded font-medium hover:text-brand ${focusRing}`}
        >
          {row.firstQuery || "(no question)"}
        </Link>
        <p className="mt-1 line-clamp-2 text-muted text-xs leading-relaxed">{row.firstAnswer}</p>
        {row.match && <MatchSnippet match={row.match} />}
        {row.handoff && row.handoff.state !== "closed" && (
          <p data-testid="row-handoff" className="mt-2 text-xs">
            <span className="font-medium">
              {row.handoff.state === "open" ? "Wants a person:" : "Contacted:"}
            </span>{" "}
            <a
              href={`mailto:${row.handoff.email}`}
              className={`rounded text-brand underline underline-offset-2 ${focusRing}`}
            >
              {row.handoff.email}
            </a>
          </p>
        )}
        {row.flags.length > 0 && (
          <ul className="mt-2 flex flex-wrap gap-1" aria-label="Flags">
            {row.flags.map((flag) => (
              <li
                key={flag}
                data-flag={flag}
                className={`rounded px-1.5 py-0.5 font-medium text-[0.6875rem] ${FLAG_STYLES[flag]}`}
              >
                {FLAG_LABELS[flag]}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="whitespace-nowrap py-3 pr-4 text-muted text-xs tabular-nums">
        {row.createdAt ? `${when.format(new Date(row.createdAt))} UTC` : "—"}
      </td>
      <td className="py-3 pr-4 text-right text-xs tabular-nums">{row.turns ?? "—"}</td>
      <td className="py-3 pr-4 font-mono text-muted text-xs" title={row.ownerId ?? undefined}>
        {row.ownerId ? `${row.ownerId.slice(0, 12)}…` : "external"}
      </td>
      <td className="py-3 pr-4 text-xs tabular-nums">
        {row.lowestFcs === null ? (
          <span className="text-muted">—</span>
        ) : (
          <ScoreCell score={row.lowestFcs} />
        )}
      </td>
      <td className="whitespace-nowrap py-3 pr-4 text-xs tabular-nums">
        <span className="inline-flex items-center gap-1" title="Thumbs up">
          <ThumbUpIcon className="size-3.5" />
          <span className="sr-only">Thumbs up:</span> {row.feedback.up}
        </span>{" "}
        <span
          className={`ml-2 inline-flex items-center gap-1 ${row.feedback.down ? "text-danger" : ""}`}
          title="Thumbs down"
        >
          <ThumbDownIcon className="size-3.5" />
          <span className="sr-only">Thumbs down:</span> {row.feedback.down}
        </span>
      </td>
      <td className="py-3 pr-4 text-xs">
        <span className={`capitalize ${STATUS_STYLES[row.review.status]}`}>
          {row.review.status}
        </span>
        {row.review.assigneeEmail && (
          <span className="block text-muted">{row.review.assigneeEmail}</span>
        )}
      </td>
    </tr>
  );
}

/** Where a word search matched: the turn, its side, and the words marked. */
function MatchSnippet({ match }: { match: StaffSearchSnippet }) {
  return (
    <p
      data-testid="match-snippet"
      data-turn={match.turn}
      className="mt-2 border-brand/40 border-l-2 pl-2 text-xs leading-relaxed"
    >
      <span className="font-medium text-muted">
        Turn {match.turn}, {match.side}:
      </span>{" "}
      {match.parts.map((part, i) =>
        part.hit ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          <mark key={i} className="rounded-sm bg-highlight px-0.5 text-foreground">
            {part.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}

export function ChatsTableHead() {
  return (
    <thead className="bg-surface-muted text-left text-muted text-xs uppercase tracking-wider">
      <tr>
        <th scope="col" className="py-2 pr-4 pl-4 font-medium">
          Conversation
        </th>
        <th scope="col" className="py-2 pr-4 font-medium">
          Started
        </th>
        <th scope="col" className="py-2 pr-4 text-right font-medium">
          Turns
        </th>
        <th scope="col" className="py-2 pr-4 font-medium">
          Owner
        </th>
        <th scope="col" className="py-2 pr-4 font-medium">
          Lowest score
        </th>
        <th scope="col" className="py-2 pr-4 font-medium">
          Feedback
        </th>
        <th scope="col" className="py-2 pr-4 font-medium">
          Review
        </th>
      </tr>
    </thead>
  );
}

const scoreClass = {
  low: "font-semibold text-danger",
  medium: "text-warning-foreground",
  high: "text-positive-foreground",
} as const;

/** The lowest score, coloured by its level under the server's thresholds. */
function ScoreCell({ score }: { score: number }) {
  const level = fcsLevel(score, useScoreThresholds());
  return (
    <span data-level={level} className={scoreClass[level]}>
      {Math.round(score * 100)}%
    </span>
  );
}
