import { ThumbDownIcon, ThumbUpIcon } from "@/components/ui/icons";
import type { TranscriptTurn } from "./types";

/** A visitor's rating of one answer: thumb, reason, and whether they reported it. */
export function FeedbackLabel({ feedback }: { feedback: NonNullable<TranscriptTurn["feedback"]> }) {
  const up = feedback.rating === "up";
  return (
    <span
      data-testid="turn-feedback"
      data-rating={feedback.rating}
      className="inline-flex flex-wrap items-center gap-1.5"
    >
      <span
        className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 font-medium ${
          up
            ? "border-positive/30 bg-positive-soft text-positive-foreground"
            : "border-danger/30 bg-danger-soft text-danger-foreground"
        }`}
      >
        {up ? <ThumbUpIcon className="size-3.5" /> : <ThumbDownIcon className="size-3.5" />}
        {up ? "Helpful" : "Not helpful"}
      </span>
      {feedback.reason ? (
        <span className="whitespace-pre-wrap break-words text-muted">
          &ldquo;{feedback.reason}&rdquo;
        </span>
      ) : null}
      {feedback.reported ? (
        <span
          data-testid="turn-reported"
          className="rounded-full bg-danger px-2 py-0.5 font-semibold text-white uppercase tracking-wide"
        >
          Reported
        </span>
      ) : null}
    </span>
  );
}
