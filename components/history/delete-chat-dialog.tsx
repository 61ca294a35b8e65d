"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import type { ChatSummary } from "@/lib/chat/messages";

/** Asks before a conversation is deleted for good. A native modal dialog: focus trap and Escape for free. */
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
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      data-testid="delete-chat-dialog"
      aria-labelledby="delete-chat-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl border border-border bg-surface p-6 text-foreground shadow-2xl backdrop:bg-black/40"
    >
      <h2 id="delete-chat-title" className="font-semibold text-lg">
        Delete this conversation?
      </h2>
      <p className="mt-2 text-muted text-sm leading-relaxed">
        &ldquo;{chat.title}&rdquo; and its answers will be deleted for good. This cannot be undone.
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
          data-testid="confirm-delete"
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
