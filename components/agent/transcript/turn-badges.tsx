import { FcsBadge } from "@/components/chat/fcs-badge";
import { citedIndexes } from "@/lib/chat/cited";
import { FeedbackLabel } from "./feedback-label";
import type { TranscriptTurn } from "./types";

/** What a reviewer scans for: the score, the visitor's verdict, and answers that cite nothing. */
export function TurnBadges({ turn }: { turn: TranscriptTurn }) {
  const uncited = citedIndexes(turn.answer).length === 0;
  if (turn.fcs === null && !turn.feedback && !uncited) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      {turn.fcs !== null && <FcsBadge score={turn.fcs} caution={false} />}
      {turn.feedback && <FeedbackLabel feedback={turn.feedback} />}
      {uncited && (
        <span
          data-testid="turn-uncited"
          className="rounded-full border border-warning/40 bg-warning-soft px-2 py-0.5 font-medium text-warning-foreground"
        >
          No citations
        </span>
      )}
    </div>
  );
}
