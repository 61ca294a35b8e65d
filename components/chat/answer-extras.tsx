"use client";

import { useMutation } from "@tanstack/react-query";
import { CitationList } from "@/components/citations/citation-list";
import { quotedBySource, withoutCitationMarkers } from "@/lib/chat/cited";
import type { Citation } from "@/lib/chat/messages";
import { FcsBadge } from "./fcs-badge";
import { CopyButton, FeedbackControls, type FeedbackValue } from "./feedback-controls";

/** What follows a finished answer: its score, the sources it cites, copy and feedback. */
export function AnswerExtras({
  status,
  score,
  cited,
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
  cited: Citation[];
  activeIndex: number | null;
  onOpenPassage: (citation: Citation) => void;
  idPrefix: string;
  text: string;
  chatId?: string;
  turnId?: string;
  feedback: FeedbackValue | null;
}) {
  return (
    <>
      {status === "complete" && score !== undefined && (
        <div className="mt-3">
          <FcsBadge score={score} />
        </div>
      )}
      {cited.length > 0 && (
        <CitationList
          citations={cited}
          activeIndex={activeIndex}
          onOpenPassage={onOpenPassage}
          idPrefix={idPrefix}
          quotes={quotedBySource(text)}
        />
      )}
      {status === "complete" && text && (
        <div className="mt-3 flex items-start gap-1">
          <CopyButton text={withoutCitationMarkers(text)} />
          {chatId && turnId && <TurnFeedback chatId={chatId} turnId={turnId} initial={feedback} />}
        </div>
      )}
    </>
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
    mutationFn: async (value: FeedbackValue | null) => {
      const response = await fetch("/api/feedback", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          chatId,
          turnId,
          rating: value?.rating ?? null,
          ...(value?.reason && { reason: value.reason }),
          ...(value?.reported && { reported: true }),
        }),
      });
      if (!response.ok) throw new Error(`Feedback was not saved (${response.status}).`);
    },
  });
  return <FeedbackControls value={initial} onSubmit={(v) => mutation.mutateAsync(v)} />;
}
