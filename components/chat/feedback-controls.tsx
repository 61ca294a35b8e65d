"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button, focusRing } from "@/components/ui/button";
import { CheckIcon, CopyIcon, ThumbDownIcon, ThumbUpIcon } from "@/components/ui/icons";

export type FeedbackRating = "up" | "down";
export interface FeedbackValue {
  rating: FeedbackRating;
  reason?: string;
  /** Ask the support team to look at this answer (thumbs-down only). */
  reported?: boolean;
}

export const FEEDBACK_REASONS = [
  "Not accurate",
  "Didn't answer my question",
  "Sources don't support it",
  "Other",
] as const;
export const FEEDBACK_REASON_MAX = 500;

/** "Chip: details", either part alone, or undefined; capped at the server's limit. */
export function composeReason(chip: string | null, details: string): string | undefined {
  const text = details.trim();
  const reason = chip && text ? `${chip}: ${text}` : chip || text;
  return reason ? reason.slice(0, FEEDBACK_REASON_MAX) : undefined;
}

export interface FeedbackControlsProps {
  value: FeedbackValue | null;
  /** Saves the rating; null clears it. A rejection reverts the buttons. */
  onSubmit: (value: FeedbackValue | null) => Promise<void>;
  disabled?: boolean;
}

type Phase = "idle" | "reason" | "thanks";

/**
 * A pressed thumb is unmistakable in both themes: a brand-tinted square with a brand ring
 * and a filled icon, kept while hovered (important: it outranks the icon button's hover),
 * and driven by `aria-pressed` itself, so what screen readers hear is what is seen.
 */
const pressedLook =
  "aria-pressed:bg-brand-soft! aria-pressed:text-brand! aria-pressed:ring-1 aria-pressed:ring-brand/50";

export function FeedbackControls({ value, onSubmit, disabled = false }: FeedbackControlsProps) {
  const [rating, setRating] = useState<FeedbackRating | null>(value?.rating ?? null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(false);

  // The parent's value wins whenever it changes (e.g. loaded from history).
  useEffect(() => setRating(value?.rating ?? null), [value?.rating]);

  async function submit(next: FeedbackValue | null, nextPhase: Phase) {
    const previous = rating;
    setRating(next?.rating ?? null);
    setBusy(true);
    setError(false);
    try {
      await onSubmit(next);
      setPhase(nextPhase);
    } catch {
      setRating(previous);
      setError(true);
    } finally {
      setBusy(false);
    }
  }

  function rate(r: FeedbackRating) {
    if (rating === r) return submit(null, "idle");
    return submit({ rating: r }, r === "down" ? "reason" : "thanks");
  }

  const off = disabled || busy;
  const upPressed = rating === "up";
  const downPressed = rating === "down";

  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center gap-0.5">
        <Button
          variant="icon"
          data-testid="feedback-up"
          aria-label="Helpful"
          aria-pressed={upPressed}
          disabled={off}
          onClick={() => rate("up")}
          className={pressedLook}
        >
          <ThumbUpIcon className={`size-4 ${upPressed ? "fill-current" : ""}`} />
        </Button>
        <Button
          variant="icon"
          data-testid="feedback-down"
          aria-label="Not helpful"
          aria-pressed={downPressed}
          disabled={off}
          onClick={() => rate("down")}
          className={pressedLook}
        >
          <ThumbDownIcon className={`size-4 ${downPressed ? "fill-current" : ""}`} />
        </Button>
        <p role="status" className="ml-1 text-muted text-xs">
          {error
            ? "Couldn't save your feedback. Please try again."
            : phase === "thanks"
              ? "Thanks for the feedback"
              : ""}
        </p>
      </div>
      {phase === "reason" && rating === "down" ? (
        <ReasonForm
          disabled={off}
          onSend={(reason, reported) => submit({ rating: "down", reason, reported }, "thanks")}
          onSkip={() => setPhase("thanks")}
        />
      ) : null}
    </div>
  );
}

function ReasonForm({
  disabled,
  onSend,
  onSkip,
}: {
  disabled: boolean;
  onSend: (reason: string | undefined, reported: boolean) => void;
  onSkip: () => void;
}) {
  const [chip, setChip] = useState<string | null>(null);
  const [details, setDetails] = useState("");
  const [report, setReport] = useState(false);
  const legendId = useId();
  const detailsId = useId();
  const firstChip = useRef<HTMLButtonElement>(null);

  // Move focus into the form so keyboard users land on the question just asked.
  useEffect(() => firstChip.current?.focus(), []);

  return (
    <form
      data-testid="feedback-reason"
      aria-labelledby={legendId}
      className="max-w-md rounded-xl border border-border bg-surface p-3"
      onSubmit={(event) => {
        event.preventDefault();
        onSend(composeReason(chip, details), report);
      }}
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        // Used here: in the widget's frame, Escape would otherwise also close the widget.
        event.preventDefault();
        onSkip();
      }}
    >
      <p id={legendId} className="font-medium text-sm">
        What went wrong? <span className="font-normal text-muted">(optional)</span>
      </p>
      <div className="mt-2 flex flex-wrap gap-1.5">
        {FEEDBACK_REASONS.map((reason, i) => (
          <button
            key={reason}
            ref={i === 0 ? firstChip : undefined}
            type="button"
            aria-pressed={chip === reason}
            onClick={() => setChip(chip === reason ? null : reason)}
            className={`rounded-full border px-2.5 py-1 text-xs transition-colors ${
              chip === reason
                ? "border-brand bg-brand-soft text-brand"
                : "border-border text-muted hover:bg-surface-muted hover:text-foreground"
            } ${focusRing}`}
          >
            {reason}
          </button>
        ))}
      </div>
      <label htmlFor={detailsId} className="sr-only">
        Tell us more
      </label>
      <textarea
        id={detailsId}
        value={details}
        maxLength={FEEDBACK_REASON_MAX}
        onChange={(event) => setDetails(event.target.value)}
        rows={2}
        placeholder="Tell us more (optional)"
        className="mt-2 w-full resize-y rounded-lg border border-border bg-surface px-3 py-2 text-sm placeholder:text-muted focus-visible:border-brand focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand/30"
      />
      <label className="mt-2 flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          data-testid="feedback-report"
          checked={report}
          onChange={(event) => setReport(event.target.checked)}
          className="size-4 accent-brand"
        />
        Ask the support team to review this answer
      </label>
      <div className="mt-2 flex items-center gap-2">
        <span className="text-muted text-xs tabular-nums">
          {details.length}/{FEEDBACK_REASON_MAX}
        </span>
        <Button variant="ghost" className="ml-auto" onClick={onSkip} disabled={disabled}>
          Skip
        </Button>
        <Button variant="primary" type="submit" disabled={disabled}>
          Send
        </Button>
      </div>
    </form>
  );
}

/** Copies text to the clipboard, with a fallback for browsers without the async API. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied (e.g. an insecure origin): fall through to the legacy path.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyButton({ text, disabled = false }: { text: string; disabled?: boolean }) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <Button
      variant="icon"
      data-testid="copy-answer"
      data-copied={copied || undefined}
      aria-label={copied ? "Copied" : "Copy answer"}
      disabled={disabled}
      onClick={async () => setCopied(await copyText(text))}
    >
      {copied ? <CheckIcon className="size-4 text-positive" /> : <CopyIcon />}
    </Button>
  );
}
