import type { Transcript, TranscriptTurn } from "@/lib/staff/review";

/** Shapes the transcript's client components receive; types only, nothing server-side. */

export type { TranscriptTurn };
export type ReviewStatus = Transcript["review"]["status"];
export type TranscriptNote = Transcript["notes"][number];

/** An active staff member, for the assignee select. */
export interface StaffOption {
  userId: string;
  email: string;
  role: string;
}

export const REVIEW_STATUSES: ReadonlyArray<{ value: ReviewStatus; label: string }> = [
  { value: "open", label: "Open" },
  { value: "reviewed", label: "Reviewed" },
  { value: "escalated", label: "Escalated" },
];
