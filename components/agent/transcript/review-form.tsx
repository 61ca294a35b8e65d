"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { staffKeys } from "@/components/query-keys";
import { putReview } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { AppError } from "@/lib/http/errors";
import { REVIEW_STATUSES, type ReviewStatus, type StaffOption } from "./types";

interface Review {
  status: ReviewStatus;
  assigneeId: string | null;
}

const selectClass = `w-full rounded-md border border-border bg-background px-2.5 py-1.5 text-sm ${focusRing}`;

/**
 * Review status and assignee. A change shows at once and is saved in the background;
 * if the server refuses, the form goes back to what was last saved and says why.
 */
export function ReviewForm({
  chatId,
  initialStatus,
  initialAssigneeId,
  assigneeEmail,
  staff,
}: {
  chatId: string;
  initialStatus: ReviewStatus;
  initialAssigneeId: string | null;
  assigneeEmail: string | null;
  staff: StaffOption[];
}) {
  const initial = { status: initialStatus, assigneeId: initialAssigneeId };
  const [review, setReview] = useState<Review>(initial);
  const saved = useRef<Review>(initial);
  const ids = { status: useId(), assignee: useId() };
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (next: Review) => putReview(chatId, next),
    onSuccess: (_, next) => {
      saved.current = next;
      // The triage queue and the lists show review state: they are stale now.
      void queryClient.invalidateQueries({ queryKey: staffKeys.all });
    },
    onError: () => setReview(saved.current),
  });

  const change = (patch: Partial<Review>) => {
    const next = { ...review, ...patch };
    setReview(next);
    save.mutate(next);
  };

  // Someone assigned earlier may since have been disabled; still show who it is.
  const assigneeMissing =
    review.assigneeId !== null && !staff.some((s) => s.userId === review.assigneeId);

  return (
    <div className="grid gap-3 text-sm">
      <div className="grid gap-1">
        <div className="flex items-baseline justify-between gap-2">
          <label htmlFor={ids.status} className="font-medium">
            Status
          </label>
          <span role="status" data-testid="review-state" className="text-muted text-xs">
            {save.isPending ? "Saving…" : save.isSuccess ? "Saved" : ""}
          </span>
        </div>
        <select
          id={ids.status}
          data-testid="review-status"
          value={review.status}
          onChange={(event) => change({ status: event.target.value as ReviewStatus })}
          className={selectClass}
        >
          {REVIEW_STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="grid gap-1">
        <label htmlFor={ids.assignee} className="font-medium">
          Assignee
        </label>
        <select
          id={ids.assignee}
          data-testid="review-assignee"
          value={review.assigneeId ?? ""}
          onChange={(event) => change({ assigneeId: event.target.value || null })}
          className={selectClass}
        >
          <option value="">Unassigned</option>
          {assigneeMissing && review.assigneeId && (
            <option value={review.assigneeId} disabled>
              {assigneeEmail ?? review.assigneeId} (inactive)
            </option>
          )}
          {staff.map((s) => (
            <option key={s.userId} value={s.userId}>
              {s.email} · {s.role}
            </option>
          ))}
        </select>
      </div>
      {save.isError && (
        <Alert data-testid="review-error" size="xs">
          {save.error instanceof AppError
            ? save.error.message
            : "The review could not be saved. Try again."}
        </Alert>
      )}
    </div>
  );
}
