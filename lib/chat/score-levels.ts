/**
 * The factual-consistency score's levels (Vectara's HHEM scale, 0..1): below `low` an
 * answer is poorly supported by its sources, from `high` up well supported, medium between.
 * Set by FCS_LOW_THRESHOLD and FCS_HIGH_THRESHOLD (lib/config.ts); the badge, the visitor's
 * caution, the triage flag and the insights all read them from here. Browser-safe.
 */
export interface ScoreThresholds {
  /** Scores below this are low. */
  low: number;
  /** Scores from this up are high. */
  high: number;
}

export const DEFAULT_SCORE_THRESHOLDS: ScoreThresholds = { low: 0.4, high: 0.7 };

export type FcsLevel = "high" | "medium" | "low";

export function fcsLevel(score: number, thresholds: ScoreThresholds): FcsLevel {
  if (score >= thresholds.high) return "high";
  if (score >= thresholds.low) return "medium";
  return "low";
}

/** A threshold as the percentage the badge shows (0.4 → 40). */
export const asPercent = (threshold: number) => Math.round(threshold * 100);
