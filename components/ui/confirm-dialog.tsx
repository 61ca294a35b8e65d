"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { Alert } from "./alert";
import { Button } from "./button";

/**
 * Asks before something destructive happens. A native modal <dialog> (showModal) gives
 * the focus trap, the inert page and Escape for free; Escape and Cancel both cancel.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  pendingLabel,
  pending,
  error,
  onConfirm,
  onCancel,
  testId,
  confirmTestId,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
  testId: string;
  confirmTestId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-2xl border border-border bg-surface p-6 text-foreground shadow-2xl backdrop:bg-black/40"
    >
      <h2 id={titleId} className="font-semibold text-lg">
        {title}
      </h2>
      <div className="mt-2 text-muted text-sm leading-relaxed">{children}</div>
      {error && (
        <Alert variant="text" size="sm" className="mt-3">
          {error}
        </Alert>
      )}
      <div className="mt-6 flex justify-end gap-2">
        <Button onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button data-testid={confirmTestId} onClick={onConfirm} disabled={pending} variant="danger">
          {pending ? pendingLabel : confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
