"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import type { AdminDocument } from "@/lib/chat/admin";

/** Asks before a document leaves the corpus. A native modal dialog: focus trap and Escape for free. */
export function DeleteDocumentDialog({
  document,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  document: AdminDocument;
  pending: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      data-testid="delete-document-dialog"
      aria-labelledby="delete-document-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-2xl border border-border bg-surface p-6 text-foreground shadow-2xl backdrop:bg-black/40"
    >
      <h2 id="delete-document-title" className="font-semibold text-lg">
        Delete this document?
      </h2>
      <p className="mt-2 text-muted text-sm leading-relaxed">
        {document.title ? <>&ldquo;{document.title}&rdquo; </> : null}
        <code className="break-all rounded bg-surface-muted px-1 py-0.5 text-foreground text-xs">
          {document.id}
        </code>{" "}
        will be removed from the corpus, and the chatbot will stop citing it. This cannot be undone.
      </p>
      {error && (
        <p role="alert" className="mt-3 text-danger text-sm">
          {error}
        </p>
      )}
      <div className="mt-6 flex justify-end gap-2">
        <Button onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button
          data-testid="confirm-delete-document"
          onClick={onConfirm}
          disabled={pending}
          variant="danger"
        >
          {pending ? "Deleting…" : "Delete"}
        </Button>
      </div>
    </dialog>
  );
}
