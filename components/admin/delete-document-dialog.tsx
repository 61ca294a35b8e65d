"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { AdminDocument } from "@/lib/admin/corpus";

/** Asks before a document leaves the corpus. */
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
  return (
    <ConfirmDialog
      title="Delete this document?"
      confirmLabel="Delete"
      pendingLabel="Deleting…"
      testId="delete-document-dialog"
      confirmTestId="confirm-delete-document"
      {...{ pending, error, onConfirm, onCancel }}
    >
      <p>
        {document.title ? <>&ldquo;{document.title}&rdquo; </> : null}
        <code className="break-all rounded bg-surface-muted px-1 py-0.5 text-foreground text-xs">
          {document.id}
        </code>{" "}
        will be removed from the corpus, and the chatbot will stop citing it. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
