"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { staffKeys } from "@/components/query-keys";
import { putHandoffState } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { AppError } from "@/lib/http/errors";
import type { StaffHandoff } from "@/lib/staff/types";
import { formatDateTime } from "./format";

const STATES: ReadonlyArray<{ value: StaffHandoff["state"]; label: string }> = [
  { value: "open", label: "Open" },
  { value: "contacted", label: "Contacted" },
  { value: "closed", label: "Closed" },
];

/**
 * The visitor's request for a person: their email (staff-only) as a mailto link, their
 * message, and the state an agent sets. The visitor sees the state in their conversation.
 */
export function HandoffPanel({ chatId, initial }: { chatId: string; initial: StaffHandoff }) {
  const [handoff, setHandoff] = useState(initial);
  const stateId = useId();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (state: StaffHandoff["state"]) => putHandoffState(chatId, state),
    onSuccess: (next) => {
      setHandoff(next);
      // The triage queue ranks on the state: it is stale now.
      void queryClient.invalidateQueries({ queryKey: staffKeys.all });
    },
  });
  const shown = save.isPending && save.variables ? save.variables : handoff.state;

  return (
    <div data-testid="handoff-panel" data-state={handoff.state} className="grid gap-3 text-sm">
      <dl className="grid grid-cols-[4.5rem_minmax(0,1fr)] gap-x-3 gap-y-2">
        <dt className="text-muted">Email</dt>
        <dd className="min-w-0 break-words">
          <a
            data-testid="handoff-email"
            href={`mailto:${handoff.email}`}
            className={`rounded text-brand underline underline-offset-2 ${focusRing}`}
          >
            {handoff.email}
          </a>
        </dd>
        <dt className="text-muted">Asked</dt>
        <dd>
          <time dateTime={handoff.requestedAt}>{formatDateTime(handoff.requestedAt)}</time>
        </dd>
        <dt className="text-muted">Message</dt>
        <dd data-testid="handoff-message" className="min-w-0 whitespace-pre-wrap break-words">
          {handoff.message}
        </dd>
      </dl>
      <div className="grid gap-1">
        <div className="flex items-baseline justify-between gap-2">
          <label htmlFor={stateId} className="font-medium">
            State
          </label>
          <span role="status" className="text-muted text-xs">
            {save.isPending ? "Saving…" : save.isSuccess ? "Saved" : ""}
          </span>
        </div>
        <select
          id={stateId}
          data-testid="handoff-state"
          value={shown}
          disabled={save.isPending}
          onChange={(event) => save.mutate(event.target.value as StaffHandoff["state"])}
          className={`w-full rounded-md border border-border bg-background px-2.5 py-1.5 text-sm ${focusRing}`}
        >
          {STATES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <p data-testid="handoff-updated" className="text-muted text-xs">
          {handoff.updatedBy ? (
            <>
              Set by {handoff.updatedBy},{" "}
              <time dateTime={handoff.updatedAt}>{formatDateTime(handoff.updatedAt)}</time>
            </>
          ) : (
            "Not handled yet: the visitor is waiting."
          )}
        </p>
      </div>
      {save.isError && (
        <Alert data-testid="handoff-error" size="xs">
          {save.error instanceof AppError
            ? save.error.message
            : "The state could not be saved. Try again."}
        </Alert>
      )}
    </div>
  );
}
