"use client";

import { useId, useState } from "react";
import { useMode, useScoreThresholds } from "@/components/providers";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { InfoIcon } from "@/components/ui/icons";
import { asPercent, type FcsLevel, fcsLevel } from "@/lib/chat/score-levels";

const levels = {
  high: {
    label: "High",
    pill: "border-positive/30 bg-positive-soft text-positive-foreground",
    dot: "bg-positive",
  },
  medium: {
    label: "Medium",
    pill: "border-warning/40 bg-warning-soft text-warning-foreground",
    dot: "bg-warning",
  },
  low: {
    label: "Low",
    pill: "border-danger/30 bg-danger-soft text-danger-foreground",
    dot: "bg-danger",
  },
} as const satisfies Record<FcsLevel, { label: string; pill: string; dot: string }>;

export const FCS_CAUTION_TEXT =
  "This answer may not be fully supported by its sources. Check the cited articles before relying on it.";

export interface FcsBadgeProps {
  /** Vectara's factual-consistency score, 0..1. */
  score: number;
  /** Show the caution line under the badge when the level is low (default true). */
  caution?: boolean;
}

/**
 * The factual-consistency score as a pill. Its explanation opens on hover, on
 * keyboard focus and on tap; Escape, blur or moving the pointer away hide it.
 */
export function FcsBadge({ score, caution = true }: FcsBadgeProps) {
  const [open, setOpen] = useState(false);
  const tipId = useId();
  const mode = useMode();
  const thresholds = useScoreThresholds();
  if (!Number.isFinite(score)) return null;

  const level = fcsLevel(score, thresholds);
  const high = asPercent(thresholds.high);
  const low = asPercent(thresholds.low);
  const l = levels[level];
  const percent = Math.round(Math.min(1, Math.max(0, score)) * 100);

  return (
    <div data-testid="fcs-badge" data-level={level} className="text-xs">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: hover and Escape only mirror what the button does. */}
      <span
        className="relative inline-flex"
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onKeyDown={(event) => {
          if (event.key !== "Escape" || !open) return;
          // Used here: in the widget's frame, Escape would otherwise also close the widget.
          event.preventDefault();
          setOpen(false);
        }}
      >
        <button
          type="button"
          aria-describedby={tipId}
          // Opens rather than toggles: a click or tap also fires mouseenter and focus,
          // which have opened it already. Blur, Escape or moving away close it.
          onClick={() => setOpen(true)}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 font-medium ${l.pill} ${focusRing}`}
        >
          <span aria-hidden="true" className={`size-1.5 rounded-full ${l.dot}`} />
          {l.label} source support
          <span className="tabular-nums opacity-80">{percent}%</span>
          <InfoIcon className="size-3.5 opacity-70" />
        </button>
        <span
          id={tipId}
          role="tooltip"
          className={`absolute bottom-full left-0 z-20 mb-2 w-72 rounded-lg border border-border bg-surface p-3 text-foreground leading-relaxed shadow-lg ${
            open ? "block" : "hidden"
          }`}
        >
          How well this answer is supported by its sources.{" "}
          {mode === "remote"
            ? "Vectara's hallucination evaluation model (HHEM) scores it."
            : "Parley's built-in engine scores it: how much of your question the quoted passages cover, or, for an answer written by a language model, how much of its wording the sources contain."}{" "}
          High is {high}% or more, Medium {low}–{high - 1}%, Low below {low}%.
        </span>
      </span>
      {caution && level === "low" ? <FcsCaution /> : null}
    </div>
  );
}

/** The caution shown below a low-scoring answer; exported to place it elsewhere. */
export function FcsCaution() {
  return (
    <Alert data-testid="fcs-caution" announce={false} icon className="mt-2 leading-snug">
      {FCS_CAUTION_TEXT}
    </Alert>
  );
}
