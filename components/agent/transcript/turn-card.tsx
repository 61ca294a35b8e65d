"use client";

import { Button } from "@/components/ui/button";
import { ChevronDownIcon, ShieldOffIcon } from "@/components/ui/icons";
import type { Citation } from "@/lib/chat/messages";
import { formatTime, isoOf } from "./format";
import { TurnBadges } from "./turn-badges";
import { TurnInspector } from "./turn-inspector";
import type { TranscriptTurn } from "./types";

/**
 * One question and its answer, exactly as stored: plain text with its whitespace,
 * never Markdown or HTML, so staff see what was said and nothing in it can run.
 */
export function TurnCard({
  turn,
  number,
  expanded,
  onToggle,
  onDisable,
  onOpenPassage,
}: {
  turn: TranscriptTurn;
  number: number;
  expanded: boolean;
  onToggle: (turnId: string) => void;
  /** Present only for moderators, on enabled turns. */
  onDisable?: () => void;
  onOpenPassage: (citation: Citation) => void;
}) {
  const headingId = `turn-${turn.turnId}-heading`;
  const inspectorId = `turn-${turn.turnId}-inspector`;

  return (
    <article
      data-testid="turn"
      data-turn-id={turn.turnId}
      data-enabled={String(turn.enabled)}
      id={`turn-${turn.turnId}`}
      tabIndex={-1}
      aria-labelledby={headingId}
      className={`scroll-mt-20 rounded-xl border outline-none focus-visible:ring-2 focus-visible:ring-brand ${
        turn.enabled ? "border-border bg-surface" : "border-border border-dashed bg-surface-muted"
      }`}
    >
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-border border-b px-4 py-2.5">
        <h3 id={headingId} className="flex items-baseline gap-2 font-semibold text-sm">
          <span className="tabular-nums">Turn {number}</span>
          <time
            dateTime={isoOf(turn.createdAt)}
            className="font-normal text-muted text-xs tabular-nums"
            title={turn.createdAt ?? undefined}
          >
            {formatTime(turn.createdAt)}
          </time>
        </h3>
        {!turn.enabled && (
          <span
            data-testid="turn-disabled"
            className="inline-flex items-center gap-1 rounded-full border border-warning/40 bg-warning-soft px-2 py-0.5 font-medium text-warning-foreground text-xs"
          >
            <ShieldOffIcon className="size-3.5" />
            Disabled by a moderator
          </span>
        )}
        <div className="ml-auto flex items-center gap-1.5">
          <Button
            variant="ghost"
            className="px-2 py-1 text-xs"
            aria-expanded={expanded}
            aria-controls={inspectorId}
            data-testid="inspect-turn"
            onClick={() => onToggle(turn.turnId)}
          >
            Inspect
            <ChevronDownIcon
              className={`size-3.5 transition-transform ${expanded ? "rotate-180" : ""}`}
            />
            <span className="sr-only"> turn {number}</span>
          </Button>
          {onDisable && (
            <Button
              data-testid="disable-turn-button"
              className="border-danger/40 px-2 py-1 text-danger-foreground text-xs hover:bg-danger-soft"
              onClick={onDisable}
            >
              <ShieldOffIcon className="size-3.5" />
              Disable turn
              <span className="sr-only"> {number}</span>
            </Button>
          )}
        </div>
      </header>

      <div className={`grid gap-3 px-4 py-3 text-sm ${turn.enabled ? "" : "text-foreground/85"}`}>
        <div>
          <p className="mb-1 font-medium text-muted text-xs uppercase tracking-wider">Visitor</p>
          <p
            data-testid="turn-query"
            className={`whitespace-pre-wrap break-words rounded-lg px-3 py-2 font-medium leading-relaxed ${
              turn.enabled ? "bg-surface-muted" : "bg-background"
            }`}
          >
            {turn.query}
          </p>
        </div>
        <div>
          <p className="mb-1 font-medium text-muted text-xs uppercase tracking-wider">Answer</p>
          <p data-testid="turn-answer" className="whitespace-pre-wrap break-words leading-relaxed">
            {turn.answer || <span className="text-muted italic">(empty answer)</span>}
          </p>
        </div>
        <TurnBadges turn={turn} />
      </div>

      {expanded && (
        <TurnInspector id={inspectorId} turn={turn} number={number} onOpenPassage={onOpenPassage} />
      )}
    </article>
  );
}
