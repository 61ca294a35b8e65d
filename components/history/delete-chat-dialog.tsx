"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ChatSummary } from "@/lib/chat/messages";

/** Asks before a conversation is deleted for good. */
export function DeleteChatDialog({
  chat,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  chat: ChatSummary;
  pending: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title="Delete this conversation?"
      confirmLabel="Delete"
      pendingLabel="Deleting…"
      testId="delete-chat-dialog"
      confirmTestId="confirm-delete"
      {...{ pending, error, onConfirm, onCancel }}
    >
      <p>
        &ldquo;{chat.title}&rdquo; and its answers will be deleted for good. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
