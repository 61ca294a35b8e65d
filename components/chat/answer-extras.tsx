"use client";

import { useMutation } from "@tanstack/react-query";
import { CitationList } from "@/components/citations/citation-list";
import { RelatedSources } from "@/components/citations/related-sources";
import { useScoreThresholds } from "@/components/providers";
import { quotedBySource, withoutCitationMarkers } from "@/lib/chat/cited";
import type { Citation } from "@/lib/chat/messages";
import { fcsLevel } from "@/lib/chat/score-levels";
import { postFeedback } from "./api";
import { FcsBadge } from "./fcs-badge";
import { CopyButton, FeedbackControls, type FeedbackValue } from "./feedback-controls";
import { HandoffOffer } from "./handoff-status";

/**
 * What follows a finished answer: its score, the sources it cites, copy and feedback, and
 * under an answer that found nothing (it cites no source) or scored low, the offer to
 * talk to a person.
 */
export function AnswerExtras({
  status,
  score,
  cited,
  related,
  activeIndex,
  onOpenPassage,
  idPrefix,
  text,
  chatId,
  turnId,
  feedback,
}: {
  status: "complete" | "stopped" | "error" | "streaming";
  score?: number;
  /** The sources the answer cites, numbered 1…n as its text (`numberSources`). */
  cited: Citation[];
  /** The search results it did not cite, shown unnumbered. */
  related: Citation[];
  activeIndex: number | null;
  /** Opens a source's passage; `numbered` is false for a related, uncited one. */
  onOpenPassage: (citation: Citation, numbered: boolean) => void;
  idPrefix: string;
  text: string;
  chatId?: string;
  turnId?: string;
  feedback: FeedbackValue | null;
}) {
  const thresholds = useScoreThresholds();
  const offer =
    status !== "complete" || !chatId
      ? null
      : cited.length === 0
        ? "none"
        : score !== undefined && fcsLevel(score, thresholds) === "low"
          ? "low"
          : null;
  // `answer-extras`: they are loaded after the text (their own Suspense boundary), and tests
  // wait for them before they read the cards.
  return (
    <div data-testid="answer-extras">
      {status === "complete" && score !== undefined && (
        <div className="mt-3">
          <FcsBadge score={score} />
        </div>
      )}
      {offer && chatId && <HandoffOffer chatId={chatId} reason={offer} />}
      {cited.length > 0 && (
        <CitationList
          citations={cited}
          activeIndex={activeIndex}
          onOpenPassage={(citation) => onOpenPassage(citation, true)}
          idPrefix={idPrefix}
          quotes={quotedBySource(text)}
        />
      )}
      {cited.length > 0 && related.length > 0 && (
        <RelatedSources
          sources={related}
          onOpenPassage={(citation) => onOpenPassage(citation, false)}
        />
      )}
      {status === "complete" && text && (
        <div className="mt-3 flex items-start gap-1">
          <CopyButton text={withoutCitationMarkers(text)} />
          {chatId && turnId && <TurnFeedback chatId={chatId} turnId={turnId} initial={feedback} />}
        </div>
      )}
    </div>
  );
}

function TurnFeedback({
  chatId,
  turnId,
  initial,
}: {
  chatId: string;
  turnId: string;
  initial: FeedbackValue | null;
}) {
  const mutation = useMutation({
    mutationFn: (value: FeedbackValue | null) => postFeedback(chatId, turnId, value),
  });
  return <FeedbackControls value={initial} onSubmit={(v) => mutation.mutateAsync(v)} />;
}
