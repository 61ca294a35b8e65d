"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { staffKeys } from "@/components/query-keys";
import { postDisableTurn } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { Button, focusRing } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { AppError } from "@/lib/http/errors";

const MIN_REASON = 3;
const MAX_REASON = 1000;

/**
 * Confirms a disable. Vectara disables the chosen turn and every later one, so the
 * dialog lists them all. A native modal <dialog>: focus trap and Escape for free.
 */
export function DisableTurnDialog({
  chatId,
  turnId,
  number,
  affected,
  onClose,
}: {
  chatId: string;
  turnId: string;
  number: number;
  affected: ReadonlyArray<{ turnId: string; number: number; query: string }>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [reason, setReason] = useState("");
  const ids = { title: useId(), reason: useId() };
  const queryClient = useQueryClient();
  const disable = useMutation({
    mutationFn: () => postDisableTurn(chatId, turnId, reason.trim()),
    onSuccess: () => {
      onClose();
      router.refresh();
      // The lists, the triage queue and the audit log all show moderation.
      void queryClient.invalidateQueries({ queryKey: staffKeys.all });
      // The button that opened the dialog is gone once the turn is disabled.
      document.getElementById(`turn-${turnId}`)?.focus();
    },
  });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const valid = reason.trim().length >= MIN_REASON && reason.trim().length <= MAX_REASON;
  const error = disable.error
    ? disable.error instanceof AppError
      ? disable.error.message
      : "The turn could not be disabled. Try again."
    : null;

  return (
    <dialog
      ref={ref}
      data-testid="disable-turn-dialog"
      aria-labelledby={ids.title}
      onCancel={(event) => {
        event.preventDefault();
        if (!disable.isPending) onClose();
      }}
      className="m-auto w-[min(34rem,calc(100vw-2rem))] rounded-2xl border border-border bg-surface p-6 text-foreground shadow-2xl backdrop:bg-black/50"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid && !disable.isPending) disable.mutate();
        }}
      >
        <h2 id={ids.title} className="font-semibold text-lg">
          Disable turn {number}
          {affected.length > 1
            ? ` and ${affected.length - 1} later ${affected.length === 2 ? "turn" : "turns"}`
            : ""}
          ?
        </h2>
        <p className="mt-2 text-muted text-sm leading-relaxed">
          Disabled turns leave the conversation&rsquo;s context: later answers no longer use them,
          and the visitor sees a placeholder. Vectara also disables every later turn. These will be
          disabled:
        </p>
        <ol
          data-testid="disable-affected"
          className="mt-3 max-h-48 overflow-y-auto rounded-lg border border-border bg-surface-muted text-sm"
        >
          {affected.map((t) => (
            <li
              key={t.turnId}
              data-turn-id={t.turnId}
              className="flex gap-2 border-border border-b px-3 py-2 last:border-b-0"
            >
              <span className="shrink-0 font-semibold tabular-nums">Turn {t.number}</span>
              <span className="min-w-0 truncate text-muted" title={t.query}>
                {t.query}
              </span>
            </li>
          ))}
        </ol>

        <Field
          id={ids.reason}
          label={
            <>
              Reason <span className="text-danger">*</span>
            </>
          }
          hint={<>Recorded in the audit log. At least {MIN_REASON} characters.</>}
          className="mt-4"
        >
          {(control) => (
            <textarea
              {...control}
              data-testid="disable-reason"
              required
              minLength={MIN_REASON}
              maxLength={MAX_REASON}
              rows={3}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              disabled={disable.isPending}
              autoFocus
              className="block w-full resize-y rounded-lg border border-border bg-background px-3 py-2 text-sm outline-none focus-visible:border-brand focus-visible:ring-2 focus-visible:ring-brand/40"
            />
          )}
        </Field>

        {error && (
          <Alert data-testid="disable-error" className="mt-3">
            {error}
          </Alert>
        )}

        <div className="mt-6 flex justify-end gap-2">
          <Button onClick={onClose} disabled={disable.isPending}>
            Cancel
          </Button>
          {/* Not <Button>: its outline variant's background would fight the danger fill. */}
          <button
            type="submit"
            data-testid="confirm-disable"
            disabled={!valid || disable.isPending}
            className={`inline-flex items-center gap-1.5 rounded-md bg-danger px-3 py-1.5 font-medium text-sm text-white shadow-sm transition-colors hover:bg-danger/90 disabled:pointer-events-none disabled:opacity-50 ${focusRing}`}
          >
            {disable.isPending
              ? "Disabling…"
              : affected.length > 1
                ? `Disable ${affected.length} turns`
                : "Disable turn"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
